using GpuSparse.Backends;
using GpuSparse.Engines;
using GpuSparse.Model;
using GpuSparse.Preparation;
using GpuSparse.Tests.Reliability;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// The reference backend prepares each problem in the worker that solves it, into that worker's scratch array, so
/// that working copies of per-problem designs never exceed one per core; the results must be those of problems
/// prepared each on its own, and cancellation must leave the problems not yet started unprepared.
/// </summary>
public sealed class ReferencePreparationTests
{
    private static readonly SolverOptions Options = new();

    [Fact]
    public void PreparingInTheWorkersScratchGivesTheResultsOfAWholeBatchPreparation()
    {
        using var backend = new ReferenceBackend();
        foreach (var batch in new[] { PoisonedBatch.PerProblem<double>(true), PoisonedBatch.Shared<double>(true) })
        {
            // Every problem prepared into arrays of its own, then solved one by one (by FISTA, the reference's Auto).
            var prepared = BatchPreparation.Prepare(batch, Options);
            var actual = backend.Solve(batch, Options);
            Assert.Equal(10, actual.CountWith(ProblemStatus.Invalid));
            for (int k = 0; k < batch.Count; k++)
            {
                var expected = prepared.Problems[k] is { } problem
                    ? ProximalGradient.Solve(problem, Options with { Algorithm = SolverAlgorithm.Fista }, CancellationToken.None)
                    : prepared.InvalidResult(k, batch.Features);
                Assert.Equal(expected with { Coefficients = [] }, actual[k] with { Coefficients = [] });
                Assert.Equal(expected.Coefficients, actual[k].Coefficients);
            }
        }
    }

    [Fact]
    public void CancellingLeavesTheProblemsNotStartedUnprepared()
    {
        using var backend = new ReferenceBackend();
        using var cancel = new CancellationTokenSource();
        var batch = PoisonedBatch.PerProblem<double>(true);
        var result = backend.Solve(batch, Options, new CancelAt(cancel, 100), cancel.Token);
        // The problems finished before the token fired keep their results; every problem not started is reported, untouched.
        Assert.True(result.Problems.Count(r => r.Status != ProblemStatus.Cancelled) >= 100);
        var notStarted = Enumerable.Range(0, batch.Count).Where(k => result[k].Message == $"problem {k}: cancelled before it started").ToList();
        Assert.True(notStarted.Count > batch.Count / 2, $"{notStarted.Count} of {batch.Count} not started");
        Assert.All(notStarted, k =>
        {
            Assert.Equal(ProblemStatus.Cancelled, result[k].Status);
            Assert.All(result[k].Coefficients, c => Assert.Equal(0.0, c));
        });
    }

    private sealed class CancelAt(CancellationTokenSource cancel, int finished) : IProgress<SolveProgress>
    {
        public void Report(SolveProgress value)
        {
            if (value.Finished >= finished)
                cancel.Cancel();
        }
    }
}
