using GpuSparse.Backends;
using GpuSparse.Model;
using GpuSparse.Reweighting;
using Xunit;

namespace GpuSparse.Tests.Reweighting;

public sealed class AdaptiveLassoTests
{
    private const int Samples = 200, Features = 8;

    /// <summary>
    /// x₁, x₂ carry the signal; x₃ = 0.6x₁ + 0.6x₂ + √0.28·e breaks the irrepresentable condition
    /// (|C₂₁C₁₁⁻¹·sign β| = 1.2 &gt; 1), so the Lasso cannot select {x₁, x₂} alone at any λ; x₄…x₈ are noise.
    /// </summary>
    private static double[] CorrelatedDesign()
    {
        var random = new Random(17);
        var x = new double[Samples * Features];
        for (int i = 0; i < Samples; i++)
        {
            for (int j = 0; j < Features; j++)
                x[i * Features + j] = Gaussian(random);
            x[i * Features + 2] = 0.6 * x[i * Features] + 0.6 * x[i * Features + 1] + Math.Sqrt(0.28) * x[i * Features + 2];
        }
        return x;
    }

    [Fact]
    public void RecoversTheSupportWhereTheLassoSelectsExtras()
    {
        var x = CorrelatedDesign();
        var random = new Random(29);
        const int count = 4;
        var y = new double[count * Samples];
        for (int k = 0; k < count; k++)
            for (int i = 0; i < Samples; i++)
                y[k * Samples + i] = x[i * Features] + x[i * Features + 1] + 0.1 * Gaussian(random);
        var settings = Enumerable.Repeat(ProblemSettings.Lasso(0.05), count).ToArray();
        var batch = ProblemBatch<double>.WithSharedDesign(x, Features, y, settings);
        var options = new SolverOptions { Tolerance = 1e-10, MaxIterations = 100_000 };
        using var backend = new ReferenceBackend();

        var result = AdaptiveLasso.Solve(backend, batch, options);

        bool[] truth = [true, true, false, false, false, false, false, false];
        for (int k = 0; k < count; k++)
        {
            // The plain Lasso (the first stage) picks x₃ as well: the case is not trivial.
            var lasso = result.FirstStage[k].Coefficients;
            Assert.NotEqual(0.0, lasso[2]);
            Assert.Equal(ProblemStatus.Converged, result.Adaptive[k].Status);
            var adaptive = result.Adaptive[k].Coefficients;
            Assert.Equal(truth, adaptive.Select(b => b != 0).ToArray());
            Assert.InRange(adaptive[0], 0.9, 1.1);
            Assert.InRange(adaptive[1], 0.9, 1.1);
        }
    }

    [Fact]
    public void FactorsMultiplyTheProblemsOwnAndRejectBadArguments()
    {
        var x = CorrelatedDesign();
        var y = Enumerable.Range(0, Samples).Select(i => x[i * Features + 3]).ToArray();
        // An infinite-looking own factor on x₄ keeps it out even though the first stage is Ridge (dense).
        var own = new double[Features];
        Array.Fill(own, 1.0);
        own[3] = 1e6;
        var batch = ProblemBatch<double>.Single(x, Features, y, ProblemSettings.Ridge(0.1) with { PenaltyFactors = own });
        using var backend = new ReferenceBackend();

        var result = AdaptiveLasso.Solve(backend, batch, new SolverOptions { Tolerance = 1e-10 }, secondLambdas: [0.01]);

        Assert.NotEqual(0.0, result.FirstStage[0].Coefficients[3]);
        Assert.Equal(0.0, result.Adaptive[0].Coefficients[3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => AdaptiveLasso.Solve(backend, batch, new SolverOptions(), epsilon: 0));
        Assert.Throws<ArgumentException>(() => AdaptiveLasso.Solve(backend, batch, new SolverOptions(), secondLambdas: [0.1, 0.2]));
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
