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
public sealed class ReferenceBackend : ISolverBackend
{
    /// <inheritdoc />
    public string Name => "reference";

    /// <inheritdoc />
    public BatchResult Solve<T>(ProblemBatch<T> batch, SolverOptions options,
        IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var clock = Stopwatch.StartNew();
        var prepared = BatchPreparation.Prepare(batch, options);
        var results = new ProblemResult[batch.Count];
        var reporter = new ProgressReporter(progress, batch.Count, clock);
        Parallel.For(0, batch.Count, k =>
        {
            results[k] = prepared.Problems[k] is { } problem
                ? ProximalGradient.Solve(problem, options, cancellationToken)
                : prepared.InvalidResult(k, batch.Features);
            reporter.Finished();
        });
        return new BatchResult(results, Name, clock.Elapsed);
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
