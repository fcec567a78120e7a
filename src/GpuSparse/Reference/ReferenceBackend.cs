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
/// Problems are prepared and solved in ranges of a bounded size, so the working copies of the designs
/// (one per problem when each problem has its own X) never exceed one range, however large K is.
/// </remarks>
public sealed class ReferenceBackend : ISolverBackend
{
    // About 128 MiB of float64 working designs and responses per range.
    private const long PreparedElementBudget = 1L << 24;

    /// <inheritdoc />
    public string Name => "reference";

    /// <summary>
    /// Problems prepared and solved together; null picks it from <see cref="PreparedElementBudget"/>.
    /// Results do not depend on it (tests set it to compare ranged and whole-batch solves).
    /// </summary>
    internal int? RangeSize { get; init; }

    /// <inheritdoc />
    public BatchResult Solve<T>(ProblemBatch<T> batch, SolverOptions options,
        IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var cache = new PreparationCache<T>(batch);
        var results = new ProblemResult[batch.Count];
        var reporter = new ProgressReporter(progress, batch.Count, clock);
        // At least one problem per core, so that a range keeps every core busy.
        int rangeSize = RangeSize ?? BatchPreparation.RangeSize(batch, PreparedElementBudget, Environment.ProcessorCount);
        for (int start = 0; start < batch.Count; start += rangeSize)
        {
            int count = Math.Min(rangeSize, batch.Count - start);
            if (cancellationToken.IsCancellationRequested)
            {
                // Nothing of these problems is looked at: cancellation costs no further preparation.
                for (int k = start; k < start + count; k++)
                    results[k] = NotStarted(k, batch.Features);
                reporter.Finished(count);
                continue;
            }
            var prepared = BatchPreparation.Prepare(cache, options, start, count);
            Parallel.For(0, count, i =>
            {
                results[start + i] = prepared.Problems[i] is { } problem
                    ? ProximalGradient.Solve(problem, options, cancellationToken)
                    : prepared.InvalidResult(i, batch.Features);
                reporter.Finished();
            });
        }
        return new BatchResult(results, Name, clock.Elapsed);
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static ProblemResult NotStarted(int k, int features) => new()
    {
        Coefficients = new double[features],
        Status = ProblemStatus.Cancelled,
        DualityGap = double.NaN,
        Objective = double.NaN,
        Message = $"problem {k}: cancelled before it started",
    };
}
