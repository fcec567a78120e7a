using GpuSparse.Model;
using GpuSparse.Reference;
using GpuSparse.Solvers;
using GpuSparse.Tests.Reliability;
using Xunit;

namespace GpuSparse.Tests.Reference;

/// <summary>
/// The reference backend prepares and solves a batch in ranges so that the working copies of per-problem
/// designs stay bounded; the results must not depend on the range size.
/// </summary>
public sealed class ReferenceRangeTests
{
    private static readonly SolverOptions Options = new();

    [Fact]
    public void SolvingInRangesGivesBitIdenticalResults()
    {
        using var whole = new ReferenceBackend { RangeSize = int.MaxValue };
        using var ranged = new ReferenceBackend { RangeSize = 64 };
        foreach (var batch in new[] { PoisonedBatch.PerProblem<double>(true), PoisonedBatch.Shared<double>(true) })
        {
            var expected = whole.Solve(batch, Options);
            var actual = ranged.Solve(batch, Options);
            Assert.Equal(10, actual.CountWith(ProblemStatus.Invalid));
            for (int k = 0; k < batch.Count; k++)
            {
                Assert.Equal(expected[k] with { Coefficients = Array.Empty<double>() }, actual[k] with { Coefficients = Array.Empty<double>() });
                Assert.Equal(expected[k].Coefficients, actual[k].Coefficients);
            }
        }
    }

    [Fact]
    public void CancellingBetweenRangesLeavesTheLaterRangesUnprepared()
    {
        using var ranged = new ReferenceBackend { RangeSize = 100 };
        using var cancel = new CancellationTokenSource();
        var batch = PoisonedBatch.PerProblem<double>(true);
        var result = ranged.Solve(batch, Options, new CancelAt(cancel, 100), cancel.Token);
        // The first range finished before the token fired; every later problem is reported, untouched.
        Assert.Equal(0, result.Problems.Take(100).Count(r => r.Status == ProblemStatus.Cancelled));
        for (int k = 100; k < batch.Count; k++)
        {
            Assert.Equal(ProblemStatus.Cancelled, result[k].Status);
            Assert.Equal($"problem {k}: cancelled before it started", result[k].Message);
            Assert.All(result[k].Coefficients, c => Assert.Equal(0.0, c));
        }
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
