using GpuSparse.Kernels.Batched;
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

/// <summary>
/// The gap checks of one problem so far, kept the same way by every engine, host and device: the last check, the
/// best (smallest-gap) one and the runaway threshold set at the first. An engine starts it with <see cref="First"/> and
/// calls <see cref="Record"/> at every later check (a kernel, which meets both in one place, calls
/// <see cref="RecordAt"/>), copying β to its best iterate when it returns true, then <see cref="Verdict"/>.
/// </summary>
public struct CheckRecord
{
    /// <summary>The gap at the last check.</summary>
    public double Gap;

    /// <summary>The objective at the last check.</summary>
    public double Objective;

    /// <summary>The smallest gap seen.</summary>
    public double BestGap;

    /// <summary>The objective at the smallest gap.</summary>
    public double BestObjective;

    /// <summary>The divergence threshold (see <see cref="StoppingRule.Runaway"/>).</summary>
    public double Runaway;

    /// <summary>The record after the first check, at the starting point (which is the first best iterate).</summary>
    public static CheckRecord First(double gap, double objective, double nullObjective) => new()
    {
        Gap = gap,
        Objective = objective,
        BestGap = gap,
        BestObjective = objective,
        Runaway = StoppingRule.Runaway(objective, nullObjective),
    };

    /// <summary>
    /// Records the check made at <paramref name="iteration"/>: the one at iteration 0 starts the record
    /// (<see cref="First"/>, its iterate the first best), a later one is <see cref="Record"/>ed. Returns whether the
    /// check's iterate is the new best.
    /// </summary>
    public bool RecordAt(int iteration, double gap, double objective, double nullObjective)
    {
        if (iteration != 0)
            return Record(gap, objective);
        this = First(gap, objective, nullObjective);
        return true;
    }

    /// <summary>Records a check; returns whether its iterate is the new best (never for a diverged one).</summary>
    public bool Record(double gap, double objective)
    {
        Gap = gap;
        Objective = objective;
        if (StoppingRule.Diverged(gap, objective, Runaway) || !(gap < BestGap))
            return false;
        BestGap = gap;
        BestObjective = objective;
        return true;
    }

    /// <summary>
    /// The <see cref="BatchStatus"/> the last check leaves the problem in: diverged, converged (gap ≤
    /// <paramref name="tolerance"/>), at a fixed point (<paramref name="fixedPoint"/>), at the iteration limit
    /// (<paramref name="spent"/>), else still active.
    /// </summary>
    public readonly int Verdict(double tolerance, bool fixedPoint, bool spent) =>
        StoppingRule.Diverged(Gap, Objective, Runaway) ? BatchStatus.Diverged
        : Gap <= tolerance ? BatchStatus.Converged
        : fixedPoint ? BatchStatus.FixedPoint
        : spent ? BatchStatus.MaxIterations
        : BatchStatus.Active;
}
