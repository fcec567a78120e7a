using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using GpuSparse.Backends;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Certificates;
using GpuSparse.Model;
using GpuSparse.Preparation;

namespace GpuSparse.Engines;

/// <summary>
/// Turns where a problem's iteration ended into its <see cref="ProblemResult"/>, the same way for every backend:
/// the best iterate when the limit was hit with a better one behind or when the iteration diverged (so that
/// coefficients are never the runaway ones), raw-scale coefficients, objective and gap in the units of the problem
/// posed (the gap clamped at 0, see <see cref="ReportedGap"/>), status messages; a converged group penalty is
/// first polished by <see cref="GroupPolish"/>.
/// </summary>
internal static class ProblemOutcome
{
    /// <summary>Builds the result of a problem that stopped with <paramref name="status"/> after <paramref name="iteration"/> iterations.</summary>
    /// <param name="problem">The prepared problem.</param>
    /// <param name="status">How it stopped.</param>
    /// <param name="iteration">Iterations performed.</param>
    /// <param name="last">The last iterate (working scale).</param>
    /// <param name="gap">The gap at the last check.</param>
    /// <param name="objective">The objective at the last check.</param>
    /// <param name="best">The iterate with the smallest gap.</param>
    /// <param name="bestGap">Its gap.</param>
    /// <param name="bestObjective">Its objective.</param>
    public static ProblemResult Build<T>(PreparedProblem<T> problem, ProblemStatus status, int iteration,
        ReadOnlySpan<T> last, double gap, double objective, ReadOnlySpan<T> best, double bestGap, double bestObjective)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // a converged group penalty is polished to its KKT point (see GroupPolish), keeping gap ≤ tol; the polished
        // iterate lives in a pooled array until ToRawScale has copied it (an exception merely leaves it to the GC)
        T[]? polished = null;
        if (status == ProblemStatus.Converged && GroupPolish.Enabled && GroupPolish.Applies(problem))
        {
            polished = ArrayPool<T>.Shared.Rent(last.Length);
            if (GroupPolish.Polish(problem, last, polished.AsSpan(0, last.Length)) is { } certificate)
            {
                last = polished.AsSpan(0, last.Length);
                (gap, objective) = certificate;
            }
        }
        bool returnBest = ReturnsBest(status, gap, bestGap);
        var (coefficients, intercept) = problem.ToRawScale(returnBest ? best : last);
        if (polished is not null)
            ArrayPool<T>.Shared.Return(polished);
        return new ProblemResult
        {
            Coefficients = coefficients,
            Intercept = intercept,
            DualityGap = ReportedGap(problem.ToProblemUnits(returnBest ? bestGap : gap)),
            Objective = problem.ToProblemUnits(returnBest ? bestObjective : objective),
            GapTolerance = problem.ToProblemUnits(problem.GapTolerance),
            Iterations = iteration,
            Status = status,
            Message = status switch
            {
                ProblemStatus.Diverged =>
                    $"problem {problem.Index}: the objective became {problem.ToProblemUnits(objective):G6} at iteration {iteration} (the iteration diverged)",
                ProblemStatus.Cancelled => $"problem {problem.Index}: cancelled after {iteration} iterations",
                _ => null,
            },
        };
    }

    /// <summary>
    /// The gap reported for a computed one: max(gap, 0). A gap is P − D ≥ 0 in exact arithmetic; a negative value
    /// (down to about −1e-14 of the objective) is rounding of two nearly equal numbers, and 0 is the bound it proves.
    /// NaN (nothing certified) stays NaN.
    /// </summary>
    public static double ReportedGap(double gap) => gap < 0 ? 0.0 : gap;

    /// <summary>The result of problem k when cancellation came before it was prepared: zeros, status Cancelled.</summary>
    public static ProblemResult NotStarted(int k, int features) => new()
    {
        Coefficients = new double[features],
        Status = ProblemStatus.Cancelled,
        DualityGap = double.NaN,
        Objective = double.NaN,
        Message = $"problem {k}: cancelled before it started",
    };

    /// <summary>
    /// The status reported for the <see cref="BatchStatus"/> an iteration ended in (see <see cref="CheckRecord.Verdict"/>):
    /// a fixed point reports the iteration limit, a problem left active was cancelled, a skipped one is invalid.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the resident unpacking calls it per problem in a tight loop
    public static ProblemStatus StatusOf(int verdict) => verdict switch
    {
        BatchStatus.Converged => ProblemStatus.Converged,
        BatchStatus.MaxIterations or BatchStatus.FixedPoint => ProblemStatus.MaxIterations,
        BatchStatus.Diverged => ProblemStatus.Diverged,
        BatchStatus.Skipped => ProblemStatus.Invalid,
        _ => ProblemStatus.Cancelled,
    };

    /// <summary>Whether the best iterate is returned instead of the last: at the iteration limit, when its gap is smaller.</summary>
    public static bool ReturnsBest(ProblemStatus status, double gap, double bestGap) =>
        status == ProblemStatus.Diverged || (status == ProblemStatus.MaxIterations && bestGap < gap);
}
