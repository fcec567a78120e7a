using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using GpuSparse.Model;
using GpuSparse.Preparation;
using GpuSparse.Solvers;
using GpuSparse.Sweeps;

namespace GpuSparse.Backends;

/// <summary>
/// The fast CPU path: every problem solved by cyclic coordinate descent (see <see cref="CoordinateDescent"/>),
/// in the Gram form for small p (a sweep of at most p² multiply-adds on a Gram matrix formed once) and in the
/// residual form for tall or wide problems (sweeps of about 2·n·p on the columns of X, nothing of size p²),
/// chosen per problem by <see cref="CoordinateDescent.ChooseForm"/>. Problems are spread over the cores with one
/// reusable workspace per worker thread.
/// </summary>
/// <remarks>
/// The algorithm is coordinate descent whatever <see cref="SolverOptions.Algorithm"/> says (ISTA/FISTA select
/// the proximal-gradient iteration of the other backends); <see cref="SolverOptions.MaxIterations"/> and
/// <see cref="SolverOptions.CheckInterval"/> count sweeps. Objective, gap, stopping rule and statuses are those
/// of every backend, so results agree with the reference path to the requested tolerance (not to rounding:
/// the iterations differ). Memory: the input, one prepared problem per worker and the results. Regularization
/// paths (<see cref="PathSolver"/>, <see cref="CrossValidation"/>) are walked by <see cref="CovariancePath"/> on
/// Gram matrices formed once per design, when they fit in <see cref="PathGram.MaxBytes"/> and no grid holds
/// λ = 0 (otherwise one batch per λ step, as on the other backends).
/// </remarks>
public sealed class CoordinateDescentBackend : ISolverBackend, IPathBackend
{
    /// <inheritdoc />
    public string Name => "cd";

    /// <summary>
    /// Solves every problem in this form where it fits (tests bind the suites to each form); null chooses per
    /// problem shape. The Gram form never exceeds <see cref="CoordinateDescent.GramBudgetBytes"/>: beyond it the
    /// residual form solves whatever is asked.
    /// </summary>
    internal CoordinateDescentForm? Form { get; init; }

    /// <inheritdoc />
    public BatchResult Solve<T>(ProblemBatch<T> batch, SolverOptions options,
        IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        // Each problem is prepared by the worker that solves it (BatchPreparation's per-problem step), into the
        // worker's scratch array when its design is its own, so that its working copy of X is used while in
        // cache and nothing of that size is allocated per problem.
        options.Validate();
        var cache = new PreparationCache<T>(batch);
        var results = new ProblemResult[batch.Count];
        var reporter = new ProgressReporter(progress, batch.Count, clock);
        int elementSize = Unsafe.SizeOf<T>();
        Parallel.For(0, batch.Count,
            () => new CoordinateDescentWorkspace<T>(batch.Features),
            (k, _, workspace) =>
            {
                // Once cancelled, nothing more of a problem is looked at: cancellation costs no further preparation.
                if (cancellationToken.IsCancellationRequested)
                    results[k] = ProblemOutcome.NotStarted(k, batch.Features);
                else
                {
                    var (problem, failure) = cache.Prepare(k, options.Tolerance, workspace.Design.Get);
                    results[k] = problem is not null
                        ? CoordinateDescent.Solve(problem, options, workspace, FormOf(problem.Design.Samples, batch.Features, elementSize), cancellationToken)
                        : PreparedBatch<T>.InvalidResult(k, batch.Features, failure!.Value);
                }
                reporter.Finished();
                return workspace;
            },
            _ => { });
        return new BatchResult(results, Name, clock.Elapsed);
    }

    private CoordinateDescentForm FormOf(int samples, int features, int elementSize) =>
        Form is { } form && (form == CoordinateDescentForm.Residual || CoordinateDescent.GramFits(features, elementSize))
            ? form
            : CoordinateDescent.ChooseForm(samples, features, elementSize);

    PathResult? IPathBackend.SolvePaths<T>(SweepDesign<T>[] sweep, int[]? foldOf, IReadOnlyList<PathSpec<T>> paths,
        PathOptions options, ProgressReporter finished, CancellationToken cancellationToken)
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

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
