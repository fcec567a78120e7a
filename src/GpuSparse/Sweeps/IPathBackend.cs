using System.Numerics;
using GpuSparse.Solvers;

namespace GpuSparse.Sweeps;

/// <summary>
/// A backend with a path engine of its own: <see cref="PathSolver"/> hands it whole paths instead of one batch per
/// λ step. A backend without one (or declining a sweep) gets the per-step batches.
/// </summary>
internal interface IPathBackend
{
    /// <summary>
    /// Solves <paramref name="paths"/> over <paramref name="sweep"/>, or returns null to leave the sweep to the
    /// per-step batches. <paramref name="foldOf"/>, when given, says that design 1 + f is the rows i of design 0
    /// with <c>foldOf[i] ≠ f</c> (cross-validation), which an engine may use to share work between the designs.
    /// Each (path, λ) step it finishes is counted on <paramref name="finished"/>.
    /// </summary>
    PathResult? SolvePaths<T>(SweepDesign<T>[] sweep, int[]? foldOf, IReadOnlyList<PathSpec<T>> paths, PathOptions options,
        ProgressReporter finished, CancellationToken cancellationToken) where T : unmanaged, IFloatingPointIeee754<T>;
}
