using System.Numerics;
using GpuSparse.Backends;

namespace GpuSparse.Sweeps;

/// <summary>
/// The path engine of a backend with <see cref="Backends.BackendCapabilities.PathEngine"/>: whole paths walked by
/// <see cref="CovariancePath"/> on Gram matrices formed once per design, where that route is exact.
/// </summary>
internal static class CovariancePathEngine
{
    /// <summary>
    /// Solves <paramref name="paths"/> over <paramref name="sweep"/>, or returns null to leave the sweep to the per-step
    /// batches. <paramref name="foldOf"/>, when given, says that design 1 + f is the rows i of design 0 with
    /// <c>foldOf[i] ≠ f</c> (cross-validation), so that the fold Gram matrices are formed from the full one.
    /// </summary>
    public static PathResult? TrySolve<T>(SweepDesign<T>[] sweep, int[]? foldOf, IReadOnlyList<PathSpec<T>> paths,
        PathOptions options, ProgressReporter finished, CancellationToken cancellationToken) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // A λ = 0 step leaves every feature unpenalised: its certificate needs their dual constraint, which the
        // batch route keeps (it profiles unpenalised features out exactly); too large Gram matrices go there too.
        if (!PathGram.Fits(sweep.Length, sweep[0].Features) || paths.Any(path => path.Lambdas.Contains(0.0)))
            return null;
        // Designs or responses far from unit scale too (the batch route rescales them exactly).
        if (!CovariancePath.InRange(sweep, paths))
            return null;
        var grams = PathGram.Build(sweep, foldOf);
        try
        {
            return CovariancePath.Solve(sweep, grams, paths, options, finished, cancellationToken);
        }
        finally
        {
            PathGram.Release(grams);
        }
    }
}
