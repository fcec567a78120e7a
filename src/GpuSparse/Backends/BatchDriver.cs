using System.Diagnostics;
using System.Numerics;
using GpuSparse.Engines;
using GpuSparse.Model;
using GpuSparse.Preparation;

namespace GpuSparse.Backends;

/// <summary>
/// The one driver of a batch solve, whatever the placement: validate, prepare (each problem by the worker that solves
/// it, or in ranges), run the engine, turn each end into its outcome. Invalid problems get their
/// <see cref="ProblemStatus.Invalid"/> result, problems not reached before cancellation a NotStarted one.
/// </summary>
internal static class BatchDriver
{
    /// <summary>
    /// Checks the arguments and that <paramref name="backend"/> runs the algorithm and element type asked for.
    /// </summary>
    /// <exception cref="NotSupportedException">It does not (the message says what it runs).</exception>
    public static void Validate<T>(ISolverBackend backend, ProblemBatch<T> batch, SolverOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var capabilities = backend.Capabilities;
        if (!capabilities.Runs(options.Algorithm))
            throw new NotSupportedException($"the {backend.Name} backend does not run {options.Algorithm}; it runs " +
                $"{string.Join(", ", capabilities.Algorithms)}{(capabilities.Limits is { } limits ? $" ({limits})" : "")}");
        if (!capabilities.Solves<T>())
            throw new NotSupportedException($"the {backend.Name} backend solves " +
                $"{string.Join(" and ", capabilities.Precisions.Select(PrecisionName))} batches, not {typeof(T).Name}");
    }

    /// <summary>The name of a precision as messages and tables give it (float32, float64).</summary>
    public static string PrecisionName(Type type) =>
        type == typeof(float) ? "float32" : type == typeof(double) ? "float64" : type.Name;

    /// <summary>
    /// Each problem prepared by the worker that solves it, problems spread over the cores, with one
    /// <typeparamref name="TWorker"/> per worker thread: memory is the input, one working design per core and the results.
    /// </summary>
    /// <param name="backend">The backend solving (its name goes into the result).</param>
    /// <param name="batch">The problems.</param>
    /// <param name="options">The options (validated here).</param>
    /// <param name="progress">Told as problems finish.</param>
    /// <param name="newWorker">A worker's reusable state.</param>
    /// <param name="scratch">Where a worker prepares the working design of a problem of its own.</param>
    /// <param name="solve">The engine: one prepared problem solved with a worker's state.</param>
    /// <param name="cancellationToken">Stops the solve; problems not started are reported NotStarted.</param>
    /// <remarks>A batch whose group labels are not contiguous is solved on its columns reordered (<see cref="GroupOrdering"/>).</remarks>
    public static BatchResult PerProblem<T, TWorker>(ISolverBackend backend, ProblemBatch<T> batch, SolverOptions options,
        IProgress<SolveProgress>? progress, Func<TWorker> newWorker, Func<TWorker, DesignScratch<T>> scratch,
        Func<PreparedProblem<T>, TWorker, ProblemResult> solve, CancellationToken cancellationToken)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Drive(backend, batch, options, progress, cancellationToken, (cache, results, reporter) => Parallel.For(0, batch.Count, newWorker,
            (k, _, worker) =>
            {
                // Once cancelled, nothing more of a problem is looked at: cancellation costs no further preparation.
                if (cancellationToken.IsCancellationRequested)
                    results[k] = ProblemOutcome.NotStarted(k, batch.Features);
                else
                {
                    var (problem, failure) = cache.Prepare(k, options.Tolerance, scratch(worker).Get);
                    results[k] = problem is not null
                        ? solve(problem, worker)
                        : PreparedBatch<T>.InvalidResult(k, batch.Features, failure!.Value);
                }
                reporter.Finished();
                return worker;
            },
            _ => { }));

    /// <summary>
    /// The problems prepared in ranges of <paramref name="rangeSize"/> (each range in parallel), each range's valid
    /// problems handed to <paramref name="solveRange"/>, which writes their results and reports them finished.
    /// </summary>
    /// <param name="backend">The backend solving (its name goes into the result).</param>
    /// <param name="batch">The problems.</param>
    /// <param name="options">The options (validated here).</param>
    /// <param name="progress">Told as problems finish.</param>
    /// <param name="rangeSize">Problems prepared together.</param>
    /// <param name="solveRange">The engine on one range: its valid problems, the results by batch index, the reporter.</param>
    /// <param name="cancellationToken">Passed on when the batch is solved on its columns reordered by group.</param>
    public static BatchResult InRanges<T>(ISolverBackend backend, ProblemBatch<T> batch, SolverOptions options,
        IProgress<SolveProgress>? progress, int rangeSize,
        Action<List<PreparedProblem<T>>, ProblemResult[], ProgressReporter> solveRange, CancellationToken cancellationToken)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rangeSize, 1);
        return Drive(backend, batch, options, progress, cancellationToken, (cache, results, reporter) =>
        {
            for (int start = 0; start < batch.Count; start += rangeSize)
            {
                var prepared = BatchPreparation.Prepare(cache, options, start, Math.Min(rangeSize, batch.Count - start));
                var valid = new List<PreparedProblem<T>>(prepared.Count);
                for (int i = 0; i < prepared.Count; i++)
                {
                    if (prepared.Problems[i] is { } problem)
                        valid.Add(problem);
                    else
                    {
                        results[start + i] = prepared.InvalidResult(i, batch.Features);
                        reporter.Finished();
                    }
                }
                solveRange(valid, results, reporter);
            }
        });
    }

    /// <summary>
    /// What every solve begins and ends with: validate, hand a batch whose group labels are not contiguous to
    /// <see cref="GroupOrdering"/> (solved on its columns reordered), else start the clock, the preparation cache, the
    /// results and the progress reporter, let <paramref name="solve"/> fill the results, and time the batch.
    /// </summary>
    private static BatchResult Drive<T>(ISolverBackend backend, ProblemBatch<T> batch, SolverOptions options,
        IProgress<SolveProgress>? progress, CancellationToken cancellationToken,
        Action<PreparationCache<T>, ProblemResult[], ProgressReporter> solve)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(backend, batch, options);
        if (GroupOrdering.Reorders(batch))
            return GroupOrdering.Solve(backend, batch, options, progress, cancellationToken);
        var clock = Stopwatch.StartNew();
        var cache = new PreparationCache<T>(batch);
        var results = new ProblemResult[batch.Count];
        var reporter = new ProgressReporter(progress, batch.Count, clock);
        solve(cache, results, reporter);
        return new BatchResult(results, backend.Name, clock.Elapsed);
    }
}
