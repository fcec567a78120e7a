using GpuSparse.Backends;
using GpuSparse.Data;
using GpuSparse.Model;
using GpuSparse.Sweeps;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.Sweeps;

/// <summary>
/// The coordinate-descent backend's path engine against the per-step batches of the reference backend (the oracle
/// of every setting the engine handles itself), the fold Gram downdate against Gram matrices formed from the fold's
/// rows, and its certificates against an independent duality gap.
/// </summary>
public sealed class CovariancePathTests
{
    private const int N = 90, P = 24, Steps = 15;

    private static (double[] X, double[] Y) Data(bool constantColumn)
    {
        var problem = PortableGenerator.Problem(N, P, 515, kNonzero: 6, noise: 0.5);
        var x = problem.X;
        if (constantColumn)
            for (int i = 0; i < N; i++)
                x[i * P + 5] = 3.0;
        return (x, problem.Y);
    }

    public static TheoryData<string> Settings() => ["lasso", "enet-factors", "positive", "standardize", "no-intercept", "ridge-like"];

    private static (PathOptions Options, double L1Ratio) Setting(string name)
    {
        var factors = Enumerable.Range(0, P).Select(j => j == 2 ? 0.0 : 0.5 + j % 3).ToArray();
        var solver = new SolverOptions { Tolerance = 1e-12, MaxIterations = 200_000 };
        return name switch
        {
            "lasso" => (new PathOptions { Solver = solver }, 1.0),
            "enet-factors" => (new PathOptions { Solver = solver, PenaltyFactors = factors }, 0.5),
            "positive" => (new PathOptions { Solver = solver, Positive = true }, 0.8),
            "standardize" => (new PathOptions { Solver = solver, Standardize = true }, 0.7),
            "no-intercept" => (new PathOptions { Solver = solver, FitIntercept = false }, 1.0),
            "ridge-like" => (new PathOptions { Solver = solver }, 0.05),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    private static PathSpec<double>[] Paths(double[] x, double[] y, PathOptions options, double ratio)
    {
        var design = new SweepDesign<double>(x, P, options.FitIntercept, options.Standardize);
        var second = y.Select((v, i) => 0.5 * v + Math.Cos(i)).ToArray();
        return [.. new[] { y, second }.Select(target => new PathSpec<double>(0, target, ratio,
            LambdaGrid.Create(GridConvention.Glmnet, design.LambdaMax(target, ratio, options.PenaltyFactors), 1e-2, Steps)))];
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void EngineMatchesTheReferenceBatchesStepByStep(string setting)
    {
        var (options, ratio) = Setting(setting);
        var (x, y) = Data(constantColumn: setting != "no-intercept");
        var paths = Paths(x, y, options, ratio);
        using var cd = new CoordinateDescentBackend();
        using var reference = new ReferenceBackend();
        var walked = PathSolver.Solve<double>(cd, [x], P, paths, options);
        var batched = PathSolver.Solve<double>(reference, [x], P, paths, options);
        Assert.Equal(0, walked.BatchSolves);
        for (int at = 0; at < walked.Objectives.Length; at++)
        {
            Assert.Equal(ProblemStatus.Converged, walked.Statuses[at]);
            double f = batched.Objectives[at];
            // Both are certified to gap ≤ 1e-12·‖y_c‖²/n, so their objectives differ by at most about that.
            Assert.InRange(Math.Abs(walked.Objectives[at] - f) / f, 0, 1e-9);
            Assert.InRange(walked.DualityGaps[at], -1e-13 * f, 1e-9 * f);
            Assert.Equal(batched.Intercepts[at], walked.Intercepts[at], 1e-5);
            if (options.Positive)
                Assert.All(walked.Coefficients.AsSpan(at * P, P).ToArray(), b => Assert.True(b >= 0));
        }
        for (int e = 0; e < walked.Coefficients.Length; e++)
            Assert.Equal(batched.Coefficients[e], walked.Coefficients[e], 1e-5);
        if (setting != "no-intercept")
            Assert.All(Enumerable.Range(0, walked.Paths * Steps), at => Assert.Equal(0.0, walked.Coefficients[at * P + 5]));
    }

    [Theory]
    [InlineData(1e-6)]
    [InlineData(1e-10)]
    [InlineData(1e-13)]
    public void ReportedGapsAreTheIndependentDualityGap(double tolerance)
    {
        // 1e-6 is certified from the Gram form; below GramDualityGap.TrustedTolerance from a residual formed from X,
        // updated from step to step at 1e-10 and formed again at nearly every step at 1e-13.
        var (x, y) = Data(constantColumn: false);
        var options = new PathOptions { Solver = new SolverOptions { Tolerance = tolerance, MaxIterations = 200_000 } };
        var paths = Paths(x, y, options, 1.0);
        using var cd = new CoordinateDescentBackend();
        var walked = PathSolver.Solve<double>(cd, [x], P, paths, options);
        for (int k = 0; k < walked.Paths; k++)
        {
            var target = paths[k].Response.ToArray();
            double nullLoss = target.Select(v => v - target.Average()).Sum(v => v * v) / N;
            for (int i = 0; i < Steps; i++)
            {
                int at = walked.Index(k, i);
                double gap = Oracle.DualityGap(x, target, N, P, walked.Coefficient(k, i), walked.Lambdas[at], 1.0, fitIntercept: true);
                Assert.Equal(gap, walked.DualityGaps[at], 1e-12 * nullLoss);
                Assert.InRange(gap, -1e-12 * nullLoss, tolerance * nullLoss + 1e-12 * nullLoss);
            }
        }
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void FoldGramsByDowndateEqualTheFoldsOwnGrams(bool fitIntercept, bool standardize)
    {
        var (x, _) = Data(constantColumn: true);
        var fold = Folds.Shuffled(N, 4, 3);
        var designs = new List<SweepDesign<double>> { new(x, P, fitIntercept, standardize) };
        for (int f = 0; f < 4; f++)
        {
            int[] rows = [.. Enumerable.Range(0, N).Where(i => fold[i] != f)];
            designs.Add(new SweepDesign<double>(rows.SelectMany(i => x.AsSpan(i * P, P).ToArray()).ToArray(), P, fitIntercept, standardize));
        }
        var downdated = PathGram.Build([.. designs], fold);
        var direct = PathGram.Build([.. designs], null);
        for (int d = 0; d < designs.Count; d++)
            for (int e = 0; e < P * P; e++)
                Assert.Equal(direct[d][e], downdated[d][e], 1e-12 * Math.Max(1, Math.Abs(direct[d][e])));
    }

    [Fact]
    public void ANonFiniteTargetSpoilsOnlyItsOwnPath()
    {
        var (x, y) = Data(constantColumn: false);
        var options = new PathOptions { Solver = new SolverOptions { Tolerance = 1e-10, MaxIterations = 100_000 } };
        var good = Paths(x, y, options, 1.0)[0];
        var poisoned = new PathSpec<double>(0, y.Select((v, i) => i == 7 ? double.NaN : v).ToArray(), 1.0, good.Lambdas);
        using var cd = new CoordinateDescentBackend();
        var both = PathSolver.Solve<double>(cd, [x], P, [poisoned, good], options);
        var alone = PathSolver.Solve<double>(cd, [x], P, [good], options);
        Assert.All(Enumerable.Range(0, Steps), i => Assert.Equal(ProblemStatus.Invalid, both.Statuses[both.Index(0, i)]));
        Assert.Equal(alone.Coefficients, both.Coefficients.AsSpan(Steps * P).ToArray());
        Assert.Equal(alone.Objectives, both.Objectives.AsSpan(Steps).ToArray());
    }

    [Theory]
    [InlineData(double.NaN, 0)]
    [InlineData(double.PositiveInfinity, 13)]
    [InlineData(double.NegativeInfinity, N * P - 1)]
    public void ANonFiniteDesignValueMakesItsPathsInvalid(double value, int at)
    {
        var (x, y) = Data(constantColumn: false);
        var options = new PathOptions();
        var paths = Paths(x, y, options, 1.0);
        x[at] = value;
        using var cd = new CoordinateDescentBackend();
        var walked = PathSolver.Solve<double>(cd, [x], P, paths, options);
        Assert.All(walked.Statuses, status => Assert.Equal(ProblemStatus.Invalid, status));
        Assert.All(walked.Coefficients, b => Assert.Equal(0.0, b));
    }

    [Fact]
    public void AGridReachingLambdaZeroTakesTheBatchRoute()
    {
        // At λ = 0 every feature is unpenalised, whose dual constraint the engine's certificate leaves out.
        var (x, y) = Data(constantColumn: false);
        var options = new PathOptions { Solver = new SolverOptions { Tolerance = 1e-10, MaxIterations = 200_000 } };
        var path = new PathSpec<double>(0, y, 1.0, [.. Paths(x, y, options, 1.0)[0].Lambdas[..5], 0.0]);
        using var cd = new CoordinateDescentBackend();
        var walked = PathSolver.Solve<double>(cd, [x], P, [path], options);
        Assert.Equal(6, walked.BatchSolves);
        Assert.All(walked.Statuses, status => Assert.Equal(ProblemStatus.Converged, status));
        // The last step is least squares: its gradient vanishes.
        double[] gradient = new double[P];
        new SweepDesign<double>(x, P, true, false).NegativeGradient(y, walked.Coefficient(0, 5), gradient);
        Assert.All(gradient, g => Assert.InRange(g, -1e-6, 1e-6));
    }

    [Fact]
    public void CancellationBeforeTheWalkReturnsEveryStepCancelled()
    {
        var (x, y) = Data(constantColumn: false);
        var options = new PathOptions();
        using var cd = new CoordinateDescentBackend();
        var paths = Paths(x, y, options, 1.0);
        var walked = PathSolver.Solve<double>(cd, [x], P, paths, options, new CancellationToken(canceled: true));
        Assert.Equal(0, walked.BatchSolves);
        Assert.All(walked.Statuses, status => Assert.Equal(ProblemStatus.Cancelled, status));
        Assert.All(walked.Coefficients, c => Assert.True(double.IsNaN(c)));
        Assert.All(walked.DualityGaps, g => Assert.True(double.IsNaN(g)));
        Assert.Equal(paths.SelectMany(path => path.Lambdas), walked.Lambdas);
    }
}
