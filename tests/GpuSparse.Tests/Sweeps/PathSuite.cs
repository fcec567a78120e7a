using GpuSparse.Backends;
using GpuSparse.Data;
using GpuSparse.IO;
using GpuSparse.Model;
using GpuSparse.Sweeps;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.Sweeps;

/// <summary>
/// Paths on one backend (bound to each in its own class): the backends with a path engine of their own walk the
/// paths there, the others get one batch per λ step, and both must reproduce the peers' paths.
/// </summary>
public abstract class PathSuite : BackendBinding
{
    private static readonly ReferenceCase Diabetes = ReferenceCases.Load("diabetes");

    private static double[] Read(string file) =>
        NpyReader.Read(Path.Combine(ReferenceCases.DataRoot, "diabetes", file)).ToDouble();

    private PathResult DiabetesPath(double[] lambdas, bool screening, double tolerance) =>
        PathSolver.Solve<double>(Backend, [Diabetes.X], Diabetes.Features,
            [new PathSpec<double>(0, Diabetes.Y, 1.0, lambdas)],
            new PathOptions { Screening = screening, Solver = new SolverOptions { Tolerance = tolerance, MaxIterations = 200_000 } });

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void DiabetesPathMatchesScikitLearnAndGlmnetWithinRelativeGap1e9(bool screening)
    {
        var alphas = Read("path_alphas.npy");
        var objectives = Read("path_objectives.npy");
        var glmnetCoefs = Read("glmnet_lasso_coefs.npy");
        var glmnetIntercepts = Read("glmnet_lasso_intercepts.npy");
        var path = DiabetesPath(alphas, screening, 1e-13);
        int n = Diabetes.Samples, p = Diabetes.Features;
        for (int i = 0; i < alphas.Length; i++)
        {
            Assert.Equal(ProblemStatus.Converged, path.Statuses[i]);
            double f = Oracle.Objective(Diabetes.X, Diabetes.Y, n, p, path.Coefficient(0, i), path.Intercepts[i], alphas[i], 1.0);
            double glmnet = Oracle.Objective(Diabetes.X, Diabetes.Y, n, p,
                glmnetCoefs.AsSpan(i * p, p), glmnetIntercepts[i], alphas[i], 1.0);
            Assert.InRange((f - objectives[i]) / objectives[i], -1e-9, 1e-9);
            Assert.InRange((f - glmnet) / glmnet, -1e-9, 1e-9);
        }
    }

    [SkippableFact]
    public void ScreeningGivesTheSameSolutionsWithLessWork()
    {
        // 300 × 120 with 15 true features, two targets and two L1 ratios advanced together.
        var problem = PortableGenerator.Problem(300, 120, 42, kNonzero: 15, noise: 1.0);
        // A second target: the same signal with other noise.
        var second = problem.Y.Select((v, i) => v + Math.Sin(i)).ToArray();
        var design = new SweepDesign<double>(problem.X, 120, true, false);
        var paths = new List<PathSpec<double>>();
        foreach (var y in new[] { problem.Y, second })
            foreach (double r in new[] { 1.0, 0.5 })
                paths.Add(new PathSpec<double>(0, y, r,
                    LambdaGrid.Create(GridConvention.Glmnet, design.LambdaMax(y, r), 1e-2, 30)));
        PathResult Run(bool screening) => PathSolver.Solve<double>(Backend, [problem.X], 120, paths,
            new PathOptions { Screening = screening, Solver = new SolverOptions { Tolerance = 1e-12, MaxIterations = 100_000 } });
        var on = Run(true);
        var off = Run(false);
        for (int at = 0; at < on.Objectives.Length; at++)
        {
            Assert.Equal(ProblemStatus.Converged, on.Statuses[at]);
            double scale = off.Objectives[at];
            Assert.InRange(Math.Abs(on.Objectives[at] - off.Objectives[at]) / scale, 0, 1e-10);
            Assert.InRange(on.DualityGaps[at], -1e-12 * scale, 1e-10 * scale);
        }
        for (int e = 0; e < on.Coefficients.Length; e++)
            Assert.Equal(off.Coefficients[e], on.Coefficients[e], 1e-5);
        Assert.True(on.FeatureIterations < off.FeatureIterations / 2,
            $"screened work {on.FeatureIterations} vs unscreened {off.FeatureIterations}");
    }

    [SkippableFact]
    public void FloatPathsAgreeWithDoublePaths()
    {
        var lambdas = Read("path_alphas.npy")[..40];
        var single = PathSolver.Solve<float>(Backend, [Array.ConvertAll(Diabetes.X, v => (float)v)], Diabetes.Features,
            [new PathSpec<float>(0, Array.ConvertAll(Diabetes.Y, v => (float)v), 1.0, lambdas)],
            new PathOptions { Solver = new SolverOptions { Tolerance = 1e-7, MaxIterations = 100_000 } });
        var objectives = Read("path_objectives.npy");
        for (int i = 0; i < lambdas.Length; i++)
        {
            double f = Oracle.Objective(Diabetes.X, Diabetes.Y, Diabetes.Samples, Diabetes.Features,
                single.Coefficient(0, i), single.Intercepts[i], lambdas[i], 1.0);
            Assert.InRange((f - objectives[i]) / objectives[i], -1e-6, 1e-6);
        }
    }

    [SkippableFact]
    public void PathsOfDifferentLengthsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => PathSolver.Solve<double>(Backend, [Diabetes.X], Diabetes.Features,
            [new PathSpec<double>(0, Diabetes.Y, 1.0, [1.0, 0.5]), new PathSpec<double>(0, Diabetes.Y, 1.0, [1.0])],
            new PathOptions()));
    }
}
