using GpuSparse.Backends;
using GpuSparse.Model;
using GpuSparse.Tests.Reliability;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// Resident sessions share the batch preparation's column rules and scaling (issue 14 items 2–4): a design that
/// cannot be standardized is refused when the session opens, an extremely scaled design is solved as a fresh
/// batch solve solves it, and a response whose objective float64 cannot hold is refused.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class ResidentSessionCertificateTests(CpuBackendFixture fixture) : IClassFixture<CpuBackendFixture>
{
    private readonly IlgpuBackend _backend = fixture.Backend;

    private static (double[] X, double[] Y) Data(int n, int p, int count)
    {
        var random = new Random(12);
        var x = Enumerable.Range(0, n * p).Select(_ => CertificateSuite.Gaussian(random)).ToArray();
        var y = Enumerable.Range(0, count * n).Select(e => x[e % n * p] + 0.3 * CertificateSuite.Gaussian(random)).ToArray();
        return (x, y);
    }

    [Fact]
    public void ADesignThatCannotBeStandardizedIsRefusedWhenTheSessionOpens()
    {
        int n = 12, p = 3;
        var (x, _) = Data(n, p, 1);
        for (int i = 0; i < n; i++)
            x[i * p + 2] = 4.0;
        var error = Assert.Throws<ProblemValidationException>(() => ResidentSession<double>.WithSharedDesign(_backend, x, p, 2,
            new ResidentOptions { FitIntercept = false, Standardize = true }));
        Assert.Equal("X", error.Field);
        Assert.Contains("column 2", error.Message);
    }

    [Theory]
    [InlineData(1e-170)]
    [InlineData(1e170)]
    public void AnExtremelyScaledDesignIsSolvedAsAFreshSolveSolvesIt(double scale)
    {
        const int n = 16, p = 4, count = 3;
        var (x, y) = Data(n, p, count);
        var scaled = x.Select(v => v * scale).ToArray();
        double[] lambdas = [.. Enumerable.Range(0, count).Select(k => 0.05 * (k + 1) * scale)];
        // The Lasso: X·s with λ·s is the plain problem with β/s (an elastic net would need λ·(1 − r) scaled by s²).
        double[] ratios = [1.0, 1.0, 1.0];
        var options = new SolverOptions { Tolerance = 1e-12, MaxIterations = 50_000 };
        using var session = ResidentSession<double>.WithSharedDesign(_backend, scaled, p, count, new ResidentOptions(), options);
        var coefficients = new double[count * p];
        var gaps = new double[count];
        var statuses = new ProblemStatus[count];
        session.Solve(y, lambdas, ratios, new ResidentOutput(coefficients, new double[count], gaps, new int[count], statuses));
        // The same problems as one batch.
        var settings = Enumerable.Range(0, count).Select(k => ProblemSettings.ElasticNet(lambdas[k], ratios[k])).ToArray();
        var responses = Enumerable.Range(0, count).Select(k => (ReadOnlyMemory<double>)y.AsMemory(k * n, n)).ToArray();
        var fresh = _backend.Solve(ProblemBatch<double>.WithSharedDesign(scaled, p, responses, settings), options);
        for (int k = 0; k < count; k++)
        {
            Assert.Equal(ProblemStatus.Converged, statuses[k]);
            Assert.Equal(fresh[k].Status, statuses[k]);
            Assert.True(gaps[k] >= 0);
            for (int j = 0; j < p; j++)
                Assert.Equal(fresh[k].Coefficients[j] * scale, coefficients[k * p + j] * scale, 1e-9);
        }
        Assert.Contains(coefficients, b => b != 0);
    }

    [Fact]
    public void AResponseWhoseObjectiveFloat64CannotHoldIsRefused()
    {
        const int n = 10, p = 3, count = 2;
        var (x, y) = Data(n, p, count);
        for (int i = 0; i < n; i++)
            y[i] *= 1e-160;
        using var session = ResidentSession<double>.WithSharedDesign(_backend, x, p, count, new ResidentOptions());
        var statuses = new ProblemStatus[count];
        session.Solve(y, [0.01, 0.01], [1.0, 1.0], new ResidentOutput(new double[count * p], new double[count], new double[count], new int[count], statuses));
        Assert.Equal(ProblemStatus.Invalid, statuses[0]);
        Assert.Contains("y", session.Message(0));
        Assert.Equal(ProblemStatus.Converged, statuses[1]);
    }
}
