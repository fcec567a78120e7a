using GpuSparse.Backends;
using GpuSparse.Engines;
using GpuSparse.Model;
using Xunit;

namespace GpuSparse.Tests.Penalties;

/// <summary>
/// The group Lasso on a design too wide for the Gram form (p = 3000 &gt; n = 40, G over the per-worker budget): coordinate
/// descent runs the residual-form block engine there and meets the KKT conditions to 1e-9 of λ_max.
/// </summary>
public sealed class WideGroupLassoTests
{
    [Fact]
    public void BeyondTheGramBudgetTheResidualBlockEngineMeetsItsKktConditions()
    {
        const int n = 40, p = 3000;
        Assert.False(CoordinateDescent.GramFits(p, sizeof(double)));
        var random = new Random(77);
        var x = new double[n * p];
        for (int e = 0; e < x.Length; e++)
            x[e] = random.NextDouble() - 0.5;
        // groups of 5; the response depends on groups 0, 7 and 300
        int[] groups = [.. Enumerable.Range(0, p).Select(j => j / 5)];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = 0.3 * (random.NextDouble() - 0.5);
            foreach (int j in new[] { 0, 1, 36, 1500, 1502 })
                y[i] += x[i * p + j];
        }
        double lambdaMax = IndependentGroupLasso.LambdaMax(x, y, n, p, groups, 1.0);
        var settings = new ProblemSettings { Lambda = 0.3 * lambdaMax, Groups = groups };
        using var backend = new CoordinateDescentBackend();
        var result = backend.Solve(ProblemBatch<double>.Single(x, p, y, settings), new SolverOptions { Tolerance = 1e-14 })[0];
        Assert.Equal(ProblemStatus.Converged, result.Status);
        Assert.True(result.DualityGap <= result.GapTolerance);
        Assert.Contains(result.Coefficients, b => b != 0);
        double residual = IndependentGroupLasso.KktResidual(x, y, n, p, groups, settings.Lambda, 1.0, result.Coefficients);
        Assert.True(residual <= 1e-9 * lambdaMax, $"KKT residual {residual / lambdaMax:E3} of λ_max");
    }
}
