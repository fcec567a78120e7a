using GpuSparse.Backends;
using GpuSparse.Engines;
using GpuSparse.Model;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// The backend suite bound to coordinate descent, and its agreement with the reference path: once per form
/// (the bindings below force it on every problem), so that both the Gram and the residual form are held to it.
/// </summary>
public abstract class CoordinateDescentBackendTests : BackendSuite
{
    protected override bool UsesProximalGradient => false;

    public static TheoryData<string, double, double, bool, bool> Variants() => new()
    {
        // case, λ as a fraction of α_max, l1_ratio, positive, a penalty factor of 0 on feature 1
        { "diabetes", 0.01, 1.0, false, false },
        { "diabetes", 0.05, 0.5, false, true },
        { "rand_n200_p50_iid", 0.02, 0.7, true, false },
        { "rand_n50_p200_iid", 0.05, 1.0, false, true },
        { "rand_n50_p200_iid", 0.1, 0.3, true, false },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void AgreesWithTheReferenceBackendAtTightTolerance(string caseName, double fraction, double l1Ratio, bool positive, bool unpenalised)
    {
        var data = ReferenceCases.Load(caseName);
        var lasso = data.Problems.First(q => q.Model == "lasso" && double.IsFinite(q.AlphaMax));
        double[]? factors = null;
        if (unpenalised)
        {
            factors = Enumerable.Repeat(1.0, data.Features).ToArray();
            factors[1] = 0;
        }
        var settings = new ProblemSettings
        {
            Lambda = fraction * lasso.AlphaMax, L1Ratio = l1Ratio, Positive = positive, PenaltyFactors = factors,
        };
        var batch = ProblemBatch<double>.Single(data.X, data.Features, data.Y, settings);
        using var reference = new ReferenceBackend();
        var expected = reference.Solve(batch, Tight)[0];
        var actual = Backend.Solve(batch, Tight)[0];
        double fExpected = Oracle.Objective(data.X, data.Y, data.Samples, data.Features, expected.Coefficients, expected.Intercept, settings.Lambda, l1Ratio);
        double fActual = Oracle.Objective(data.X, data.Y, data.Samples, data.Features, actual.Coefficients, actual.Intercept, settings.Lambda, l1Ratio);
        Assert.True(Math.Abs(fActual - fExpected) <= 1e-12 * fExpected, $"cd {fActual:R} vs reference {fExpected:R}");
        if (positive)
            Assert.All(actual.Coefficients, c => Assert.True(c >= 0));
    }

    [Fact]
    public void AFixedPointAboveTheToleranceStopsWithTheBestIterateBeforeTheIterationLimit()
    {
        // Float32 sweeps stop moving long before a zero gap: the problem ends at the fixed point, as it would
        // after every remaining sweep, and says so.
        var batch = ReferenceCases.LoadBatch();
        int n = batch.Samples, p = batch.Features;
        var x = batch.X.AsSpan(0, n * p).ToArray().Select(v => (float)v).ToArray();
        var y = batch.Y.AsSpan(0, n).ToArray().Select(v => (float)v).ToArray();
        var options = new SolverOptions { Tolerance = 0, MaxIterations = 1_000_000, CheckInterval = 1 };
        var result = Backend.Solve(ProblemBatch<float>.Single(x, p, y, ProblemSettings.Lasso(batch.Alphas[0])), options)[0];
        Assert.Equal(ProblemStatus.MaxIterations, result.Status);
        Assert.True(result.Iterations < 1000, $"{result.Iterations} sweeps");
        Assert.Contains("fixed point", result.Message);
        Assert.True(result.DualityGap < 1e-5 * result.Objective, $"gap {result.DualityGap:E2} at f = {result.Objective:E3}");
    }

    [Fact]
    public void CancellationReturnsEveryProblemUnfinishedOnesCancelled()
    {
        var batch = ReferenceCases.LoadBatch();
        int n = batch.Samples, p = batch.Features, count = 50;
        var settings = batch.Alphas.Take(count).Select(a => ProblemSettings.Lasso(a)).ToArray();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var result = Backend.Solve(ProblemBatch<double>.WithDesignPerProblem(batch.X.AsMemory(0, count * n * p), n, p,
            batch.Y.AsMemory(0, count * n), settings), Tight, cancellationToken: cancelled.Token);
        Assert.Equal(count, result.Problems.Count);
        Assert.All(result.Problems, r =>
        {
            Assert.Equal(ProblemStatus.Cancelled, r.Status);
            Assert.Equal(0, r.Iterations);
        });
    }
}

/// <summary><see cref="CoordinateDescentBackendTests"/> with every problem in the Gram form.</summary>
public sealed class CoordinateDescentGramFormTests : CoordinateDescentBackendTests
{
    public override string BackendName => "cd";

    protected override ISolverBackend CreateBackend() => new CoordinateDescentBackend { Form = CoordinateDescentForm.Gram };
}

/// <summary><see cref="CoordinateDescentBackendTests"/> with every problem in the residual form.</summary>
public sealed class CoordinateDescentResidualFormTests : CoordinateDescentBackendTests
{
    public override string BackendName => "cd";

    protected override ISolverBackend CreateBackend() => new CoordinateDescentBackend { Form = CoordinateDescentForm.Residual };
}
