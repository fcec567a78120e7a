using System.Diagnostics;
using System.Numerics;
using GpuSparse.Model;
using GpuSparse.Preparation;
using GpuSparse.Solvers;

namespace GpuSparse.Reference;

/// <summary>
/// The managed reference path: each problem solved by plain sequential ISTA/FISTA code, problems spread
/// over the cores. It is the oracle the accelerated backends are tested against, and the CPU fallback.
/// </summary>
/// <remarks>
/// Each problem is prepared by the worker that solves it, its working design written into that worker's scratch
/// array (a design shared by several problems is prepared once): memory is the input, one working design per
/// core and the results, however large K is.
/// </remarks>
public sealed class ReferenceBackend : ISolverBackend
{
    /// <inheritdoc />
    public string Name => "reference";

    /// <inheritdoc />
    public BatchResult Solve<T>(ProblemBatch<T> batch, SolverOptions options,
        IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        if (GroupOrdering.Reorders(batch))
            return GroupOrdering.Solve(this, batch, options, progress, cancellationToken);
        var cache = new PreparationCache<T>(batch);
        var results = new ProblemResult[batch.Count];
        var reporter = new ProgressReporter(progress, batch.Count, clock);
        Parallel.For(0, batch.Count,
            () => new DesignScratch<T>(),
            (k, _, scratch) =>
            {
                // Once cancelled, nothing more of a problem is looked at: cancellation costs no further preparation.
                if (cancellationToken.IsCancellationRequested)
                    results[k] = ProblemOutcome.NotStarted(k, batch.Features);
                else
                {
                    var (problem, failure) = cache.Prepare(k, options.Tolerance, scratch.Get);
                    results[k] = problem is not null
                        ? ProximalGradient.Solve(problem, options, cancellationToken)
                        : PreparedBatch<T>.InvalidResult(k, batch.Features, failure!.Value);
                }
                reporter.Finished();
                return scratch;
            },
            _ => { });
        return new BatchResult(results, Name, clock.Elapsed);
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
