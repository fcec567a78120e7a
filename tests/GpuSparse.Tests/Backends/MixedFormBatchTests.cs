using GpuSparse.Backends;
using GpuSparse.Data;
using GpuSparse.Engines;
using GpuSparse.Model;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// One batch whose designs differ in n, so that its problems alternate between the forms and a worker's arrays of
/// each form are reused and regrown: every result must be that of the problem solved alone.
/// </summary>
public sealed class MixedFormBatchTests
{
    [Fact]
    public void EveryProblemOfAMixedBatchGetsTheResultOfItsOwnSolve()
    {
        const int p = 40;
        int[] samples = [30, 600, 64, 1000, 20, 300, 64, 30];
        var problems = samples.Select((n, k) => PortableGenerator.Problem(n, p, 15_000 + (ulong)k)).ToArray();
        var settings = problems.Select(q => ProblemSettings.ElasticNet(0.05 * PortableGenerator.AlphaMax(q.X, q.Y, q.Samples, p), 0.8)).ToArray();
        var batch = ProblemBatch<double>.WithDesignPerProblem([.. problems.Select(q => (ReadOnlyMemory<double>)q.X)], p,
            [.. problems.Select(q => (ReadOnlyMemory<double>)q.Y)], settings);
        var options = new SolverOptions { Tolerance = 1e-10 };
        using var backend = new CoordinateDescentBackend();
        var results = backend.Solve(batch, options);
        // Both forms occur in this batch.
        Assert.Contains(samples, n => CoordinateDescent.ChooseForm(n, p, sizeof(double)) == CoordinateDescentForm.Gram);
        Assert.Contains(samples, n => CoordinateDescent.ChooseForm(n, p, sizeof(double)) == CoordinateDescentForm.Residual);
        for (int k = 0; k < samples.Length; k++)
        {
            using var alone = new CoordinateDescentBackend();
            var expected = alone.Solve(ProblemBatch<double>.Single(problems[k].X, p, problems[k].Y, settings[k]), options)[0];
            Assert.Equal(ProblemStatus.Converged, results[k].Status);
            Assert.Equal(expected.Coefficients, results[k].Coefficients);
            Assert.Equal(expected.DualityGap, results[k].DualityGap);
        }
    }
}
