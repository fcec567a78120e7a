using GpuSparse.Backends;
using GpuSparse.Engines;
using GpuSparse.Model;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.Engines;

public sealed class ConvergenceTraceTests
{
    [Fact]
    public void SoftThresholdingReachesExactZerosTheL2ShrinkDoesNotAndFistaBeatsIsta()
    {
        var data = ReferenceCases.Load("diabetes");
        double lambda = 0.2;
        IReadOnlyList<TracePoint> Trace(double ratio, SolverAlgorithm algorithm) => ConvergenceTrace.Run(
            ProblemBatch<double>.Single(data.X, data.Features, data.Y, ProblemSettings.ElasticNet(lambda, ratio)), algorithm, 200);

        var lassoIsta = Trace(1, SolverAlgorithm.Ista);
        var lassoFista = Trace(1, SolverAlgorithm.Fista);
        var ridge = Trace(0, SolverAlgorithm.Fista);
        Assert.Equal(Enumerable.Range(0, 201), lassoIsta.Select(t => t.Iteration));
        Assert.True(lassoFista[^1].Nonzeros < data.Features, $"the Lasso keeps {lassoFista[^1].Nonzeros} nonzeros");
        Assert.All(ridge.Skip(1), t => Assert.Equal(data.Features, t.Nonzeros));
        Assert.True(lassoFista[^1].RelativeGap < lassoIsta[^1].RelativeGap);
        // The trace's gap is the solver's: a plain solve stopped at 200 iterations certifies no better than the trace.
        var solved = new ReferenceBackend().Solve(ProblemBatch<double>.Single(data.X, data.Features, data.Y, ProblemSettings.Lasso(lambda)),
            new SolverOptions { Tolerance = 0, MaxIterations = 200, CheckInterval = 1 })[0];
        double scale = data.Y.Select(v => v - data.Y.Average()).Sum(v => v * v) / data.Samples;
        Assert.Equal(lassoFista.Min(t => t.RelativeGap), solved.DualityGap / scale, tolerance: 1e-12);
    }
}
