using GpuSparse.Backends;
using GpuSparse.Model;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.Reliability;

/// <summary>
/// Never a false certificate (issue 14, items 2, 3 and 8): near-constant columns, offsets and scales of X and y at
/// the edges of float64, huge λ, and gaps that rounding would make negative. Every expected value comes from
/// <see cref="OracleSolver"/> on the same problem moved by the test to a comfortable scale; a backend must either
/// match it or refuse the problem with the field at fault. Bound to each backend by a subclass
/// (<c>CertificateSuiteBindings.cs</c>).
/// </summary>
public abstract class CertificateSuite : BackendBinding
{
    private static readonly SolverOptions Tight = new() { Tolerance = 1e-13, MaxIterations = 200_000 };

    /// <summary>How many random problems the property test draws (the ILGPU CPU accelerator is slow: fewer there).</summary>
    protected virtual int PropertyCases => 60;

    /// <summary>Samples of the near-constant column test (the n = 1000 where the backend is fast enough).</summary>
    protected virtual int NearConstantSamples => 1000;

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void ANearConstantColumnIsSolvedOnItsCentredValues(bool standardize)
    {
        // Column 0 = 10¹² + 0.1·z: its spread is 1e-13 of its size, far above rounding (the column has ~37 bits of z).
        int n = NearConstantSamples, p = 3;
        var random = new Random(14);
        var x = new double[n * p];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double z = Gaussian(random);
            x[i * p] = 1e12 + 0.1 * z;
            x[i * p + 1] = Gaussian(random);
            x[i * p + 2] = 3 + Gaussian(random);
            y[i] = 2.9 * z + 0.5 * x[i * p + 1] + 0.3 * Gaussian(random);
        }
        const double lambda = 0.05;
        var result = Backend.Solve(ProblemBatch<double>.Single(x, p, y, new ProblemSettings { Lambda = lambda, Standardize = standardize }), Tight)[0];
        Assert.Equal(ProblemStatus.Converged, result.Status);

        // The test's own centring: x − 10¹² is exact (Sterbenz), and the rest has no offset left.
        var shifted = (double[])x.Clone();
        for (int i = 0; i < n; i++)
            shifted[i * p] -= 1e12;
        var (xc, yc) = OracleSolver.Centre(shifted, y, n, p);
        var scales = standardize ? Deviations(xc, n, p) : [1.0, 1.0, 1.0];
        var working = Divide(xc, n, p, scales);
        double[] l1 = [lambda, lambda, lambda], l2 = new double[p];
        var (_, optimum) = OracleSolver.Solve(working, yc, n, p, l1, l2);
        var returned = result.Coefficients.Select((b, j) => b * scales[j]).ToArray();
        double achieved = OracleSolver.Objective(working, yc, n, p, returned, l1, l2);
        Assert.True(Math.Abs(achieved - optimum) <= 1e-9 * optimum, $"objective {achieved:R}, optimum {optimum:R}");
        Assert.True(Math.Abs(result.Objective - optimum) <= 1e-9 * optimum, $"reported objective {result.Objective:R}, optimum {optimum:R}");
        // The column carries the signal: 2.9·z = 29·(0.1·z) on the raw scale, less the Lasso shrinkage λ/var = 5.
        Assert.InRange(result.Coefficients[0], 20, 30);
        // The gap certifies the problem posed.
        Assert.True(achieved - optimum <= result.DualityGap + 1e-12 * optimum);
    }

    [SkippableFact]
    public void AConstantColumnIsDroppedOnlyWhenThatChangesNothing()
    {
        int n = 40, p = 3;
        var random = new Random(7);
        var x = new double[n * p];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i * p] = Gaussian(random);
            x[i * p + 1] = 7.3;
            x[i * p + 2] = Gaussian(random);
            y[i] = 4 + 1.5 * x[i * p] - x[i * p + 2] + 0.2 * Gaussian(random);
        }
        const double lambda = 0.02;
        var settings = new[]
        {
            new ProblemSettings { Lambda = lambda },
            new ProblemSettings { Lambda = lambda, FitIntercept = false },
            new ProblemSettings { Lambda = lambda, FitIntercept = false, Standardize = true },
        };
        var result = Backend.Solve(ProblemBatch<double>.WithSharedDesign(x, p, [y, y, y], settings), Tight);
        double[] l1 = [lambda, lambda, lambda], l2 = new double[p];

        // With an intercept the centred column is exactly zero: dropping it is exact.
        Assert.Equal(ProblemStatus.Converged, result[0].Status);
        Assert.Equal(0.0, result[0].Coefficients[1]);
        var (xc, yc) = OracleSolver.Centre(x, y, n, p);
        var (_, optimum) = OracleSolver.Solve(xc, yc, n, p, l1, l2);
        Assert.True(Math.Abs(result[0].Objective - optimum) <= 1e-9 * optimum);

        // Without one the constant column is a predictor (it plays the intercept) and is solved like any other.
        Assert.Equal(ProblemStatus.Converged, result[1].Status);
        var (beta, rawOptimum) = OracleSolver.Solve(x, y, n, p, l1, l2);
        Assert.True(Math.Abs(result[1].Objective - rawOptimum) <= 1e-9 * rawOptimum, $"{result[1].Objective:R} vs {rawOptimum:R}");
        Assert.Equal(beta[1], result[1].Coefficients[1], 1e-6);

        // Standardized without an intercept its standard deviation is 0: refused, naming the column.
        Assert.Equal(ProblemStatus.Invalid, result[2].Status);
        Assert.Equal("X", result[2].Field);
        Assert.Contains("column 1", result[2].Message);
    }

    [SkippableFact]
    public void RandomOffsetsAndScalesAreSolvedToTheOptimumOrRefused()
    {
        var random = new Random(2014);
        var cases = Enumerable.Range(0, PropertyCases).Select(_ => ScaledCase.Draw(random, PropertySamples, PropertyFeatures)).ToArray();
        AssertSolvedOrRefused<double>(cases, Tight, objectiveTolerance: 1e-9, gapSlack: 1e-12, float32: false);
    }

    [SkippableFact]
    public void RandomOffsetsAndScalesAreSolvedToTheOptimumOrRefused_Float32()
    {
        // float32 holds 10^±38 and 24 bits: X in 10^[−25, 25], y in 10^[−12, 12], offsets 10^[0, 3]; the float32
        // certificate bottoms out near 1e-7 of the null objective, so the objective is held to 1e-5.
        var random = new Random(2015);
        var cases = Enumerable.Range(0, PropertyCases / 2)
            .Select(_ => ScaledCase.Draw(random, PropertySamples, PropertyFeatures, 25, 12, 3, float32: true)).ToArray();
        AssertSolvedOrRefused<float>(cases, new SolverOptions { Tolerance = 1e-7, MaxIterations = 20_000 },
            objectiveTolerance: 1e-5, gapSlack: 1e-6, float32: true);
    }

    private const int PropertySamples = 20, PropertyFeatures = 5;

    /// <summary>
    /// Solves the cases as one batch: each is refused with its field, or solved to within
    /// <paramref name="objectiveTolerance"/> (relative) of the oracle's optimum with a gap that bounds f − f*; at least
    /// 90 % are solved. float64 must converge; float32 may stop at its rounding floor (MaxIterations, best iterate).
    /// </summary>
    private void AssertSolvedOrRefused<T>(ScaledCase[] cases, SolverOptions options, double objectiveTolerance, double gapSlack, bool float32)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int n = PropertySamples, p = PropertyFeatures;
        var batch = ProblemBatch<T>.WithDesignPerProblem([.. cases.Select(c => (ReadOnlyMemory<T>)c.X.Select(T.CreateTruncating).ToArray())], p,
            [.. cases.Select(c => (ReadOnlyMemory<T>)c.Y.Select(T.CreateTruncating).ToArray())], [.. cases.Select(c => c.Settings)]);
        var result = Backend.Solve(batch, options);
        int solved = 0;
        for (int k = 0; k < cases.Length; k++)
        {
            var c = cases[k];
            var r = result[k];
            string label = $"case {k}: {c}";
            if (r.Status == ProblemStatus.Invalid)
            {
                Assert.False(string.IsNullOrEmpty(r.Field), label);
                Assert.Contains($"problem {k}", r.Message);
                continue;
            }
            Assert.True(r.Status == ProblemStatus.Converged || float32 && r.Status == ProblemStatus.MaxIterations, $"{label}: {r.Status} {r.Message}");
            solved++;
            var (_, optimum) = OracleSolver.Solve(c.OracleX, c.OracleY, n, p, c.OracleL1, c.OracleL2);
            double achieved = OracleSolver.Objective(c.OracleX, c.OracleY, n, p, c.ToOracleCoefficients(r.Coefficients), c.OracleL1, c.OracleL2);
            double reported = r.Objective / c.ResponseScale / c.ResponseScale;
            double gap = r.DualityGap / c.ResponseScale / c.ResponseScale;
            Assert.True(Math.Abs(achieved - optimum) <= objectiveTolerance * optimum, $"{label}: objective {achieved:R}, optimum {optimum:R}");
            Assert.True(Math.Abs(reported - achieved) <= objectiveTolerance * optimum, $"{label}: reported {reported:R}, achieved {achieved:R}");
            Assert.True(gap >= 0 && achieved - optimum <= gap + gapSlack * optimum, $"{label}: gap {gap:E3} below f − f* = {achieved - optimum:E3}");
        }
        // Refusing is for what float64 cannot represent, not a way out: nearly every drawn problem is solvable.
        Assert.True(solved >= 0.9 * cases.Length, $"only {solved} of {cases.Length} solved");
    }

    [SkippableTheory]
    [InlineData(1e-170)]
    [InlineData(1e-160)]
    [InlineData(1e170)]
    public void AScaledDesignGivesTheScaledSolution(double scale)
    {
        // Lasso is equivariant: X·s with λ·s has the solution β/s and the same objective.
        int n = 30, p = 4;
        var random = new Random(3);
        var x = Enumerable.Range(0, n * p).Select(_ => Gaussian(random)).ToArray();
        var y = Enumerable.Range(0, n).Select(i => x[i * p] - 2 * x[i * p + 2] + 0.3 * Gaussian(random)).ToArray();
        const double lambda = 0.05;
        var plain = Backend.Solve(ProblemBatch<double>.Single(x, p, y, ProblemSettings.Lasso(lambda)), Tight)[0];
        var scaled = Backend.Solve(ProblemBatch<double>.Single(x.Select(v => v * scale).ToArray(), p, y, ProblemSettings.Lasso(lambda * scale)), Tight)[0];
        Assert.Equal(ProblemStatus.Converged, plain.Status);
        Assert.Equal(ProblemStatus.Converged, scaled.Status);
        Assert.True(Math.Abs(scaled.Objective - plain.Objective) <= 1e-9 * plain.Objective, $"{scaled.Objective:R} vs {plain.Objective:R}");
        for (int j = 0; j < p; j++)
            Assert.Equal(plain.Coefficients[j], scaled.Coefficients[j] * scale, 1e-7);
        Assert.Contains(plain.Coefficients, b => b != 0);
    }

    [SkippableTheory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(0.0)]
    public void AHugeLambdaGivesZeroCoefficientsOrIsRefused(double l1Ratio)
    {
        int n = 25, p = 3;
        var random = new Random(5);
        var x = Enumerable.Range(0, n * p).Select(_ => Gaussian(random)).ToArray();
        var y = Enumerable.Range(0, n).Select(i => 1 + x[i * p] + 0.3 * Gaussian(random)).ToArray();
        var result = Backend.Solve(ProblemBatch<double>.Single(x, p, y, ProblemSettings.ElasticNet(1.7e308, l1Ratio)), Tight)[0];
        double mean = y.Average(), nullObjective = y.Sum(v => (v - mean) * (v - mean)) / (2 * n);
        if (result.Status == ProblemStatus.Invalid)
        {
            // Only where λ·(1 − r) is beyond what the working scale holds; the Lasso is always solved.
            Assert.NotEqual(1.0, l1Ratio);
            Assert.Equal("lambda", result.Field);
            return;
        }
        Assert.Equal(ProblemStatus.Converged, result.Status);
        Assert.All(result.Coefficients, b => Assert.True(Math.Abs(b) < 1e-300));
        Assert.Equal(mean, result.Intercept, 1e-12);
        Assert.True(Math.Abs(result.Objective - nullObjective) <= 1e-12 * nullObjective);
        Assert.True(result.DualityGap >= 0 && result.DualityGap <= 1e-12 * nullObjective);
    }

    [SkippableFact]
    public void ReportedGapsAreNeverNegative()
    {
        // Pushed to rounding, P − D is a difference of nearly equal numbers and comes out a few ε either side of 0.
        int n = 30, p = 6, count = 60;
        var random = new Random(8);
        var x = Enumerable.Range(0, n * p).Select(_ => Gaussian(random)).ToArray();
        var responses = Enumerable.Range(0, count)
            .Select(_ => (ReadOnlyMemory<double>)Enumerable.Range(0, n).Select(i => 10 + x[i * p] + 0.01 * Gaussian(random)).ToArray()).ToArray();
        var settings = Enumerable.Range(0, count).Select(k => ProblemSettings.ElasticNet(1e-3 * (1 + k % 7), k % 2 == 0 ? 1.0 : 0.5)).ToArray();
        var result = Backend.Solve(ProblemBatch<double>.WithSharedDesign(x, p, responses, settings),
            new SolverOptions { Tolerance = 1e-30, MaxIterations = 3_000 });
        Assert.All(result.Problems, r => Assert.True(r.DualityGap >= 0, $"gap {r.DualityGap:E3}"));
    }

    [SkippableTheory]
    [MemberData(nameof(GlmnetStandardize.Indices), MemberType = typeof(GlmnetStandardize))]
    public void StandardizeMatchesGlmnet(int index)
    {
        var reference = GlmnetStandardize.Load();
        var problem = reference.Problems[index];
        var result = Backend.Solve(ProblemBatch<double>.Single(reference.X, reference.Features, reference.ScaledResponse(problem),
            problem.Settings), Tight)[0];
        Assert.Equal(ProblemStatus.Converged, result.Status);
        var (glmnet, achieved) = reference.Objectives(problem, result.Coefficients);
        // glmnet's solution at thresh 1e-20 is as optimal as ours: both within 1e-9 of each other in objective.
        Assert.True(Math.Abs(achieved - glmnet) <= 1e-9 * glmnet, $"{problem}: objective {achieved:R}, glmnet's {glmnet:R}");
        Assert.True(Math.Abs(result.Objective - glmnet) <= 1e-9 * glmnet, $"{problem}: reported {result.Objective:R}, glmnet's {glmnet:R}");
        for (int j = 0; j < reference.Features; j++)
            Assert.True(Math.Abs(result.Coefficients[j] - problem.Coefficients[j]) <= 1e-5 * (1 + Math.Abs(problem.Coefficients[j])),
                $"{problem}: β[{j}] = {result.Coefficients[j]:R}, glmnet {problem.Coefficients[j]:R}");
        if (problem.Settings.FitIntercept)
            Assert.Equal(problem.Intercept, result.Intercept, 1e-5);
    }

    internal static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>The centred 1/n standard deviation of each column of a centred design.</summary>
    internal static double[] Deviations(double[] xc, int n, int p) =>
        [.. Enumerable.Range(0, p).Select(j => Math.Sqrt(Enumerable.Range(0, n).Sum(i => xc[i * p + j] * xc[i * p + j]) / n))];

    internal static double[] Divide(double[] x, int n, int p, double[] scales)
    {
        var result = new double[n * p];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < p; j++)
                result[i * p + j] = x[i * p + j] / scales[j];
        return result;
    }
}
