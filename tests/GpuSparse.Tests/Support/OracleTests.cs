using Xunit;

namespace GpuSparse.Tests.Support;

public sealed class OracleTests
{
    public static TheoryData<string, string> Problems()
    {
        var data = new TheoryData<string, string>();
        foreach (string name in ReferenceCases.Names)
        {
            foreach (var problem in ReferenceCases.Load(name).Problems)
            {
                data.Add(name, problem.Id);
            }
        }
        return data;
    }

    [Fact]
    public void EverySingleCaseIsListedAndHasProblems()
    {
        string[] expected =
        [
            "diabetes", "edge_alpha_max", "edge_constant_column", "edge_constant_y", "edge_p1",
            "edge_single_sample", "edge_zero_column", "rand_n200_p50_iid", "rand_n50_p200_iid", "toy_1d",
        ];
        Assert.Equal(expected, ReferenceCases.Names);
        Assert.All(expected, name => Assert.NotEmpty(ReferenceCases.Load(name).Problems));
    }

    [Theory]
    [MemberData(nameof(Problems))]
    public void ReferenceSolutionReachesTheReferenceObjective(string caseName, string problemId)
    {
        var (c, q) = Load(caseName, problemId);

        double f = Oracle.Objective(c.X, c.Y, c.Samples, c.Features, q.ReferenceCoef, q.ReferenceIntercept, q.Alpha, q.L1Ratio);

        Assert.Equal(q.ReferenceObjective, f, 1e-12 * Math.Abs(q.ReferenceObjective));
    }

    [Theory]
    [MemberData(nameof(Problems))]
    public void ReferenceSolutionIsCertifiedOptimal(string caseName, string problemId)
    {
        var (c, q) = Load(caseName, problemId);

        double gap = Oracle.DualityGap(c.X, c.Y, c.Samples, c.Features, q.ReferenceCoef, q.Alpha, q.L1Ratio, q.FitIntercept);
        double kkt = Oracle.KktViolation(c.X, c.Y, c.Samples, c.Features, q.ReferenceCoef, q.Alpha, q.L1Ratio, q.FitIntercept);

        // A valid gap is ≥ 0 up to rounding; a zero objective (n = 1 with intercept) leaves no slack at all.
        Assert.InRange(gap, -1e-13 * q.ReferenceObjective, 1e-10 * q.ReferenceObjective);
        Assert.InRange(kkt, 0.0, 1e-8);
    }

    [Theory]
    [InlineData("diabetes", "lasso_a0.1")]
    [InlineData("diabetes", "enet_a0.1_l1r0.5")]
    [InlineData("diabetes", "ridge_a0.01")]
    [InlineData("rand_n50_p200_iid", "lasso_a0.1amax")]
    [InlineData("rand_n200_p50_iid", "lasso_a0.1amax_nointercept")]
    [InlineData("edge_p1", "lasso_a0.3")]
    public void PerturbedSolutionIsFlaggedByGapAndKkt(string caseName, string problemId)
    {
        var (c, q) = Load(caseName, problemId);
        double[] w = (double[])q.ReferenceCoef.Clone();
        w[0] += 1e-3 * Math.Max(1.0, Math.Abs(w[0]));

        double gap = Oracle.DualityGap(c.X, c.Y, c.Samples, c.Features, w, q.Alpha, q.L1Ratio, q.FitIntercept);
        double kkt = Oracle.KktViolation(c.X, c.Y, c.Samples, c.Features, w, q.Alpha, q.L1Ratio, q.FitIntercept);
        double intercept = q.FitIntercept ? BestIntercept(c, w) : 0.0;
        double f = Oracle.Objective(c.X, c.Y, c.Samples, c.Features, w, intercept, q.Alpha, q.L1Ratio);

        Assert.True(gap > 1e-9 * q.ReferenceObjective, $"gap {gap:R}");
        Assert.True(kkt > 1e-6, $"kkt {kkt:R}");
        Assert.True(f > q.ReferenceObjective, $"objective {f:R} not above the optimum {q.ReferenceObjective:R}");
        Assert.True(gap >= f - q.ReferenceObjective - 1e-12 * q.ReferenceObjective, "gap must bound the suboptimality");
    }

    [Fact]
    public void ObjectiveAndGapOfAHandWorkedExample()
    {
        // X = [[-1], [0], [1]], y = [-1, 0, 1] (scikit-learn's toy): at w = 0.5, b = 0, alpha = 0.1, l1 = 1
        // f = (0.25 + 0 + 0.25)/6 + 0.05 = 0.13333…; optimum w* = 2/3 - 0.1/(2/3) = 0.85.
        double[] x = [-1, 0, 1];
        double[] y = [-1, 0, 1];
        Assert.Equal(0.5 / 6 + 0.05, Oracle.Objective(x, y, 3, 1, [0.5], 0, 0.1, 1), 1e-15);
        Assert.Equal(0.0, Oracle.KktViolation(x, y, 3, 1, [0.85], 0.1, 1, true), 1e-15);
        // Gradient at w = 0.5: (2/3)(1 - 0.5)/1 … g = xᵀ(y - xw)/n = (2·0.5)/3 = 1/3; violation |1/3 - 0.1|.
        Assert.Equal(1.0 / 3 - 0.1, Oracle.KktViolation(x, y, 3, 1, [0.5], 0.1, 1, true), 1e-15);
        double fStar = Oracle.Objective(x, y, 3, 1, [0.85], 0, 0.1, 1);
        double gap = Oracle.DualityGap(x, y, 3, 1, [0.5], 0.1, 1, true);
        Assert.True(gap >= 0.5 / 6 + 0.05 - fStar - 1e-15);
        Assert.Equal(0.0, Oracle.DualityGap(x, y, 3, 1, [0.85], 0.1, 1, true), 1e-15);
    }

    [Fact]
    public void CenterRemovesColumnMeansOnlyWithIntercept()
    {
        double[] x = [1, 10, 3, 20, 5, 60];
        double[] y = [2, 4, 9];
        var (xc, yc, xMean, yMean) = Oracle.Center(x, y, 3, 2, fitIntercept: true);
        Assert.Equal([3.0, 30.0], xMean);
        Assert.Equal(5.0, yMean);
        Assert.Equal([-2.0, -20.0, 0.0, -10.0, 2.0, 30.0], xc);
        Assert.Equal([-3.0, -1.0, 4.0], yc);

        var (xRaw, yRaw, zeros, zero) = Oracle.Center(x, y, 3, 2, fitIntercept: false);
        Assert.Equal(x, xRaw);
        Assert.Equal(y, yRaw);
        Assert.Equal([0.0, 0.0], zeros);
        Assert.Equal(0.0, zero);
    }

    [Fact]
    public void ExpectedAndClosedFormCoefficientsAgreeWithTheReferences()
    {
        int checkedProblems = 0;
        foreach (string name in ReferenceCases.Names)
        {
            foreach (var q in ReferenceCases.Load(name).Problems)
            {
                // toy_1d publishes 5 significant digits (0.50819, 0.45454); the rest are exact.
                if (q.ExpectedCoef is { } expected)
                {
                    Assert.Equal(expected.Length, q.ReferenceCoef!.Length);
                    for (int j = 0; j < expected.Length; j++)
                    {
                        Assert.Equal(expected[j], q.ReferenceCoef[j], 1e-5);
                    }
                    checkedProblems++;
                }
                if (q.ClosedFormCoef is { } closed)
                {
                    Assert.Equal(closed[0], q.ReferenceCoef![0], 1e-12 * Math.Abs(closed[0]));
                    checkedProblems++;
                }
            }
        }
        Assert.Equal(12, checkedProblems);
    }

    [Fact]
    public void BatchReferencesAreCertifiedOptimal()
    {
        var batch = ReferenceCases.LoadBatch();
        int n = batch.Samples, p = batch.Features;
        for (int k = 0; k < batch.Count; k++)
        {
            var x = batch.X.AsSpan(k * n * p, n * p);
            var y = batch.Y.AsSpan(k * n, n);
            var w = batch.Coefs.AsSpan(k * p, p);
            double f = Oracle.Objective(x, y, n, p, w, batch.Intercepts[k], batch.Alphas[k], batch.L1Ratio);
            double gap = Oracle.DualityGap(x, y, n, p, w, batch.Alphas[k], batch.L1Ratio, batch.FitIntercept);
            double kkt = Oracle.KktViolation(x, y, n, p, w, batch.Alphas[k], batch.L1Ratio, batch.FitIntercept);

            Assert.True(Math.Abs(f - batch.Objectives[k]) <= 1e-12 * batch.Objectives[k], $"problem {k}: objective {f:R} vs {batch.Objectives[k]:R}");
            Assert.InRange(gap, -1e-13 * f, 1e-10 * f);
            Assert.InRange(kkt, 0.0, 1e-8);
        }
    }

    private static (ReferenceCase Case, CheckedProblem Problem) Load(string caseName, string problemId)
    {
        var c = ReferenceCases.Load(caseName);
        var q = c.Problems.Single(p => p.Id == problemId);
        Assert.NotNull(q.ReferenceCoef);
        return (c, new CheckedProblem(q.ReferenceCoef, q.ReferenceIntercept, q.ReferenceObjective, q.Alpha, q.L1Ratio, q.FitIntercept));
    }

    private static double BestIntercept(ReferenceCase c, double[] w)
    {
        var (_, _, xMean, yMean) = Oracle.Center(c.X, c.Y, c.Samples, c.Features, fitIntercept: true);
        double b = yMean;
        for (int j = 0; j < c.Features; j++)
        {
            b -= xMean[j] * w[j];
        }
        return b;
    }

    /// <summary>A problem known to carry a reference solution.</summary>
    private sealed record CheckedProblem(
        double[] ReferenceCoef, double ReferenceIntercept, double ReferenceObjective, double Alpha, double L1Ratio, bool FitIntercept);
}
