using GpuSparse.Kernels.Numerics;

namespace GpuSparse.Kernels.Certificates;

/// <summary>
/// The verdict of one gap check, as every engine reaches it (scikit-learn's rule): a non-finite gap or
/// objective, or an objective beyond the runaway threshold, diverges; a gap ≤ the tolerance converges.
/// </summary>
public static class StoppingRule
{
    /// <summary>A check whose objective exceeds this multiple of the larger of the starting and null objectives means the iteration is running away.</summary>
    public const double RunawayFactor = 10;

    /// <summary>The runaway threshold set at the first check.</summary>
    public static double Runaway(double objective, double nullObjective) => RunawayFactor * NanPreserving.Max(objective, nullObjective);

    /// <summary>Whether the check diverged.</summary>
    public static bool Diverged(double gap, double objective, double runaway) =>
        !double.IsFinite(gap) || !double.IsFinite(objective) || objective > runaway;
}
