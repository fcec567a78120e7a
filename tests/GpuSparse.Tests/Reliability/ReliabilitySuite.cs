using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Data;
using GpuSparse.Model;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.Reliability;

/// <summary>
/// What every backend must do with bad input, poisoned batches, hard limits, cancellation and progress,
/// bound to each backend by a subclass that creates it (<c>Backends/ReferenceReliabilityTests.cs</c>,
/// <c>Backends/IlgpuReliabilityTests.cs</c>):
/// adding a backend is one three-line class.
/// </summary>
public abstract class ReliabilitySuite : BackendBinding
{
    // scikit-learn's default tolerance: bit-identity and isolation do not depend on how tight the solve is.
    private static readonly SolverOptions Options = new();

    public static TheoryData<int> BadInputIndices() => [.. Enumerable.Range(0, BadInputs.All.Count)];

    [SkippableTheory]
    [MemberData(nameof(BadInputIndices))]
    public void EveryBadInputIsReportedPrecisely(int index) => BadInputs.All[index].Check(Backend);

    [SkippableFact]
    public void TenPoisonedProblemsOfAThousandLeaveTheOthersBitIdentical_DesignPerProblem() =>
        AssertIsolated(PoisonedBatch.PerProblem<double>(false), PoisonedBatch.PerProblem<double>(true), PoisonedBatch.PerProblemPoison);

    [SkippableFact]
    public void TenPoisonedProblemsOfAThousandLeaveTheOthersBitIdentical_DesignPerProblemFloat32() =>
        AssertIsolated(PoisonedBatch.PerProblem<float>(false), PoisonedBatch.PerProblem<float>(true), PoisonedBatch.PerProblemPoison);

    [SkippableFact]
    public void TenPoisonedProblemsOfAThousandLeaveTheOthersBitIdentical_SharedDesign() =>
        AssertIsolated(PoisonedBatch.Shared<double>(false), PoisonedBatch.Shared<double>(true), PoisonedBatch.SharedPoison);

    [SkippableFact]
    public void TheSameBatchSolvedTwiceIsBitIdentical()
    {
        var perProblem = PoisonedBatch.PerProblem<double>(false, 300);
        AssertBitIdentical(Backend.Solve(perProblem, Options), Backend.Solve(perProblem, Options), Enumerable.Range(0, perProblem.Count));
        var shared = PoisonedBatch.Shared<float>(true);
        AssertBitIdentical(Backend.Solve(shared, Options), Backend.Solve(shared, Options), Enumerable.Range(0, shared.Count));
    }

    [SkippableFact]
    public void AtTheIterationLimitTheBestIterateIsReturnedWithItsTrueGap()
    {
        int n = 50, p = 200;
        var data = PortableGenerator.Problem(n, p, 2024);
        double lambda = 0.01 * PortableGenerator.AlphaMax(data.X, data.Y, n, p);
        var batch = ProblemBatch<double>.Single(data.X, p, data.Y, ProblemSettings.Lasso(lambda));
        double previous = double.PositiveInfinity;
        for (int limit = 0; limit <= 200; limit += 10)
        {
            var result = Backend.Solve(batch, new SolverOptions { Tolerance = 1e-14, MaxIterations = limit })[0];
            Assert.Equal(ProblemStatus.MaxIterations, result.Status);
            Assert.Equal(limit, result.Iterations);
            Assert.True(result.DualityGap > result.GapTolerance);
            // The gap reported is that of the coefficients returned, evaluated independently…
            double gap = Oracle.DualityGap(data.X, data.Y, n, p, result.Coefficients, lambda, 1.0, true);
            // (to rounding: both are differences of primal and dual values near the null objective; at tol 1e-14
            // the gap tolerance is 1e-14·‖y − ȳ‖²/n, the size of that rounding)
            double rounding = result.GapTolerance;
            Assert.True(Math.Abs(gap - result.DualityGap) <= 1e-9 * gap + rounding, $"limit {limit}: reported {result.DualityGap:E6}, independent {gap:E6}");
            // …and, the best iterate being kept, it never grows with the limit.
            Assert.True(result.DualityGap <= previous, $"limit {limit}: gap {result.DualityGap:E6} above {previous:E6} at a lower limit");
            previous = result.DualityGap;
        }
    }

    [SkippableFact]
    public void ACancelledTokenReturnsEveryProblemCancelledWithoutIterating()
    {
        var batch = PoisonedBatch.PerProblem<double>(false, 200);
        var result = Backend.Solve(batch, Options, cancellationToken: new CancellationToken(canceled: true));
        Assert.Equal(batch.Count, result.Problems.Count);
        for (int k = 0; k < batch.Count; k++)
        {
            Assert.Equal(ProblemStatus.Cancelled, result[k].Status);
            Assert.Equal(0, result[k].Iterations);
            Assert.Contains($"problem {k}", result[k].Message);
            Assert.All(result[k].Coefficients, c => Assert.True(double.IsFinite(c)));
        }
    }

    [SkippableFact]
    public void CancellingMidwayKeepsTheFinishedProblemsAndStopsTheRestAtACheck()
    {
        var batch = PoisonedBatch.PerProblem<double>(true);
        var uncancelled = Backend.Solve(batch, Options);
        using var cancel = new CancellationTokenSource();
        // Cancels from inside the solve, on the first report (10 problems finished), so no timing is involved.
        var result = Backend.Solve(batch, Options, new Callback(_ => cancel.Cancel()), cancel.Token);
        Assert.Equal(batch.Count, result.Problems.Count);
        int cancelled = 0;
        for (int k = 0; k < batch.Count; k++)
        {
            var r = result[k];
            if (r.Status == ProblemStatus.Cancelled)
            {
                cancelled++;
                // Stopped at a gap check, no later than the uncancelled solve finished, on finite numbers.
                Assert.Equal(0, r.Iterations % Options.CheckInterval);
                Assert.True(r.Iterations <= uncancelled[k].Iterations);
                Assert.All(r.Coefficients, c => Assert.True(double.IsFinite(c)));
                Assert.Contains($"problem {k}", r.Message);
            }
            else
            {
                // A problem that finished is the one an uncancelled solve returns, invalid ones included.
                AssertBitIdentical(uncancelled, result, [k]);
            }
        }
        // Only the problems already running when the token fired can finish after it: most of the batch is cancelled.
        Assert.True(cancelled >= batch.Count / 2, $"only {cancelled} of {batch.Count} problems cancelled");
    }

    [SkippableFact]
    public void ProgressCountsRiseStrictlyAndEndAtK()
    {
        var reports = new List<SolveProgress>();
        var batch = PoisonedBatch.PerProblem<float>(true);
        Backend.Solve(batch, Options, new Callback(p =>
        {
            lock (reports)
                reports.Add(p);
        }));
        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal(batch.Count, r.Total));
        for (int i = 1; i < reports.Count; i++)
            Assert.True(reports[i].Finished > reports[i - 1].Finished, $"report {i}: {reports[i].Finished} after {reports[i - 1].Finished}");
        Assert.Equal(batch.Count, reports[^1].Finished);
    }

    /// <summary>The 990 clean problems are bit-identical to the clean batch; the ten poisoned get precise errors.</summary>
    private void AssertIsolated<T>(ProblemBatch<T> clean, ProblemBatch<T> poisoned, IReadOnlyDictionary<int, string> poison)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var expected = Backend.Solve(clean, Options);
        var actual = Backend.Solve(poisoned, Options);
        Assert.Equal(0, expected.CountWith(ProblemStatus.Invalid) + expected.CountWith(ProblemStatus.Diverged));
        foreach (var (k, field) in poison)
        {
            Assert.Equal(ProblemStatus.Invalid, actual[k].Status);
            Assert.Equal(field, actual[k].Field);
            Assert.StartsWith($"problem {k}, field '{field}': ", actual[k].Message);
        }
        AssertBitIdentical(expected, actual, Enumerable.Range(0, clean.Count).Where(k => !poison.ContainsKey(k)));
        // A converged problem always has finite coefficients.
        Assert.All(actual.Problems.Where(r => r.Status == ProblemStatus.Converged),
            r => Assert.True(r.Coefficients.All(double.IsFinite) && double.IsFinite(r.Intercept) && double.IsFinite(r.DualityGap)));
    }

    internal static void AssertBitIdentical(BatchResult expected, BatchResult actual, IEnumerable<int> problems)
    {
        foreach (int k in problems)
        {
            ProblemResult a = expected[k], b = actual[k];
            Assert.True(a.Status == b.Status && a.Iterations == b.Iterations && a.Field == b.Field && a.Message == b.Message,
                $"problem {k}: {a.Status}/{a.Iterations} vs {b.Status}/{b.Iterations}");
            Assert.Equal(Bits(a.Coefficients), Bits(b.Coefficients));
            Assert.Equal(Bits([a.Intercept, a.DualityGap, a.Objective, a.GapTolerance]), Bits([b.Intercept, b.DualityGap, b.Objective, b.GapTolerance]));
        }
    }

    private static long[] Bits(double[] values) => [.. values.Select(BitConverter.DoubleToInt64Bits)];

    /// <summary>Reports synchronously on the solving thread (<see cref="Progress{T}"/> would post them elsewhere).</summary>
    private sealed class Callback(Action<SolveProgress> report) : IProgress<SolveProgress>
    {
        public void Report(SolveProgress value) => report(value);
    }
}
