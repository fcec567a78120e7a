using GpuSparse.Backends;
using GpuSparse.Data;
using GpuSparse.Model;
using GpuSparse.Sweeps;
using Xunit;

namespace GpuSparse.Tests.Sweeps;

/// <summary>
/// Sweeps count their (path, λ) steps as they finish: first none of all paths × λ values, then in increasing order up
/// to all of them, on the path engine and on the per-step batches alike; the results are those of a sweep without it.
/// </summary>
public sealed class SweepProgressTests
{
    private const int N = 60, P = 12, Steps = 10;

    /// <summary>Every report, in the order it came (reports arrive from the solving threads, one at a time).</summary>
    private sealed class Recorder : IProgress<SolveProgress>
    {
        private readonly List<SolveProgress> _reports = [];

        public IReadOnlyList<SolveProgress> Reports
        {
            get
            {
                lock (_reports)
                    return [.. _reports];
            }
        }

        public void Report(SolveProgress value)
        {
            lock (_reports)
                _reports.Add(value);
        }
    }

    private static SweepOptions Options(bool screening) => new()
    {
        LambdaCount = Steps,
        L1Ratios = [1.0, 0.5],
        Path = new PathOptions { Screening = screening, Solver = new SolverOptions { Tolerance = 1e-10 } },
    };

    private static void AssertCounted(IReadOnlyList<SolveProgress> reports, int total)
    {
        Assert.NotEmpty(reports);
        Assert.Equal(0, reports[0].Finished);
        Assert.All(reports, r => Assert.Equal(total, r.Total));
        for (int i = 1; i < reports.Count; i++)
            Assert.True(reports[i].Finished > reports[i - 1].Finished, $"report {i}: {reports[i].Finished} after {reports[i - 1].Finished}");
        Assert.Equal(total, reports[^1].Finished);
    }

    [Theory]
    [InlineData("cd", true)]
    [InlineData("reference", true)]
    [InlineData("reference", false)]
    public void PathsAndCrossValidationCountEveryStepOnBothRoutes(string backendName, bool screening)
    {
        var problem = PortableGenerator.Problem(N, P, 77, kNonzero: 4, noise: 0.3);
        double[] negated = [.. problem.Y.Select(v => -v)];
        ReadOnlyMemory<double>[] targets = [problem.Y, negated];
        using ISolverBackend backend = backendName == "cd" ? new CoordinateDescentBackend() : new ReferenceBackend();
        var options = Options(screening);

        var counted = new Recorder();
        var path = PathSolver.Solve<double>(backend, problem.X, P, targets, options, default, counted);
        AssertCounted(counted.Reports, 2 * 2 * Steps);
        var silent = PathSolver.Solve<double>(backend, problem.X, P, targets, options);
        Assert.Equal(silent.Coefficients, path.Coefficients);
        Assert.Equal(silent.DualityGaps, path.DualityGaps);

        int[] folds = Folds.Contiguous(N, 3);
        var cvCounted = new Recorder();
        var cv = CrossValidation.Run<double>(backend, problem.X, P, targets, folds, options, default, cvCounted);
        // The refit paths and every fold's: (1 + 3 folds) × 2 targets × 2 ratios paths of 10 steps.
        AssertCounted(cvCounted.Reports, 4 * 2 * 2 * Steps);
        Assert.Equal(CrossValidation.Run<double>(backend, problem.X, P, targets, folds, options).MseMean, cv.MseMean);
    }

    [Fact]
    public void TheGeneratorCountsTheProblemsItMakesAndMakesTheSameOnes()
    {
        var counted = new Recorder();
        var workload = PortableGenerator.Batch(250, 16, 8, progress: counted);
        var reports = counted.Reports;
        Assert.Equal(250, reports[^1].Finished);
        Assert.All(reports, r => Assert.Equal(250, r.Total));
        Assert.True(reports.Count >= 10, $"{reports.Count} reports");
        var silent = PortableGenerator.Batch(250, 16, 8);
        Assert.Equal(silent.X, workload.X);
        Assert.Equal(silent.Y, workload.Y);
        Assert.Equal(silent.Alphas, workload.Alphas);
    }
}
