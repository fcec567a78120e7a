using GpuSparse.Backends;
using GpuSparse.Model;
using GpuSparse.Sweeps;
using GpuSparse.Tests.Reliability;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.Sweeps;

/// <summary>
/// Issue 14 items 2 and 4 on paths: a near-constant column and glmnet's standardize (with and without an intercept)
/// through the cd backend's path engine (<see cref="CovariancePath"/>, its own column statistics and Gram matrices)
/// and through the batch route of the other backends. Expected values from <see cref="OracleSolver"/> and from the
/// glmnet data of <see cref="GlmnetStandardize"/>.
/// </summary>
public abstract class SweepCertificateSuite : BackendBinding
{
    private static readonly PathOptions Tight = new() { Solver = new SolverOptions { Tolerance = 1e-13, MaxIterations = 200_000 } };

    [SkippableTheory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public void ANearConstantColumnIsWalkedOnItsCentredValues(bool standardize, bool screening)
    {
        int n = 1000, p = 3;
        var random = new Random(41);
        var x = new double[n * p];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double z = CertificateSuite.Gaussian(random);
            x[i * p] = 1e12 + 0.1 * z;
            x[i * p + 1] = CertificateSuite.Gaussian(random);
            x[i * p + 2] = -40 + CertificateSuite.Gaussian(random);
            y[i] = 2.9 * z + 0.5 * x[i * p + 1] + 0.3 * CertificateSuite.Gaussian(random);
        }
        var shifted = (double[])x.Clone();
        for (int i = 0; i < n; i++)
            shifted[i * p] -= 1e12;
        var (xc, yc) = OracleSolver.Centre(shifted, y, n, p);
        var scales = standardize ? CertificateSuite.Deviations(xc, n, p) : [1.0, 1.0, 1.0];
        var working = CertificateSuite.Divide(xc, n, p, scales);
        double lambdaMax = Enumerable.Range(0, p).Max(j => Math.Abs(Enumerable.Range(0, n).Sum(i => working[i * p + j] * yc[i]))) / n;
        double[] lambdas = [.. Enumerable.Range(1, 5).Select(s => lambdaMax * Math.Pow(10, -0.5 * s))];
        var options = Tight with { Standardize = standardize, Screening = screening };
        var path = PathSolver.Solve<double>(Backend, [x], p, [new PathSpec<double>(0, y, 1.0, lambdas)], options);
        for (int step = 0; step < lambdas.Length; step++)
        {
            Assert.Equal(ProblemStatus.Converged, path.Statuses[step]);
            double[] l1 = [.. Enumerable.Repeat(lambdas[step], p)], l2 = new double[p];
            var (_, optimum) = OracleSolver.Solve(working, yc, n, p, l1, l2);
            var returned = path.Coefficient(0, step).ToArray().Select((b, j) => b * scales[j]).ToArray();
            double achieved = OracleSolver.Objective(working, yc, n, p, returned, l1, l2);
            Assert.True(Math.Abs(achieved - optimum) <= 1e-9 * optimum, $"step {step}: objective {achieved:R}, optimum {optimum:R}");
            Assert.True(Math.Abs(path.Objectives[step] - optimum) <= 1e-9 * optimum, $"step {step}: reported {path.Objectives[step]:R}");
            Assert.True(path.DualityGaps[step] >= 0 && achieved - optimum <= path.DualityGaps[step] + 1e-12 * optimum);
        }
        Assert.NotEqual(0.0, path.Coefficient(0, lambdas.Length - 1)[0]);
    }

    [SkippableTheory]
    [InlineData(1e-170, 1.0)]
    [InlineData(1e170, 1.0)]
    [InlineData(1.0, 1e-150)]
    [InlineData(1.0, 1e150)]
    [InlineData(1e-100, 1e100)]
    public void AScaledProblemGivesTheScaledPath(double designScale, double responseScale)
    {
        // The Lasso is equivariant: X·a, y·b and λ·a·b have the solution β·b/a and the objective f·b².
        int n = 30, p = 4;
        var random = new Random(9);
        var x = Enumerable.Range(0, n * p).Select(_ => CertificateSuite.Gaussian(random)).ToArray();
        var y = Enumerable.Range(0, n).Select(i => 3 + x[i * p] - 2 * x[i * p + 2] + 0.3 * CertificateSuite.Gaussian(random)).ToArray();
        double[] lambdas = [0.5, 0.2, 0.05, 0.01];
        var plain = PathSolver.Solve<double>(Backend, [x], p, [new PathSpec<double>(0, y, 1.0, lambdas)], Tight);
        var scaled = PathSolver.Solve<double>(Backend, [x.Select(v => v * designScale).ToArray()], p,
            [new PathSpec<double>(0, y.Select(v => v * responseScale).ToArray(), 1.0, [.. lambdas.Select(l => l * designScale * responseScale)])], Tight);
        double toPlain = designScale / responseScale;
        for (int step = 0; step < lambdas.Length; step++)
        {
            Assert.Equal(ProblemStatus.Converged, plain.Statuses[step]);
            Assert.Equal(ProblemStatus.Converged, scaled.Statuses[step]);
            double objective = scaled.Objectives[step] / responseScale / responseScale;
            Assert.True(Math.Abs(objective - plain.Objectives[step]) <= 1e-9 * plain.Objectives[step],
                $"step {step}: {objective:R} vs {plain.Objectives[step]:R}");
            for (int j = 0; j < p; j++)
                Assert.Equal(plain.Coefficient(0, step)[j], scaled.Coefficient(0, step)[j] * toPlain, 1e-7);
        }
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void PathsOnAFaultyDesignAreInvalidWhateverTheScreening(bool standardizeConstant)
    {
        // Column 3 carries nothing (screening leaves it out of every step): its fault must still be seen.
        int n = 40, p = 4;
        var random = new Random(17);
        var x = Enumerable.Range(0, n * p).Select(_ => CertificateSuite.Gaussian(random)).ToArray();
        var y = Enumerable.Range(0, n).Select(i => 2 * x[i * p] - x[i * p + 1] + 0.1 * CertificateSuite.Gaussian(random)).ToArray();
        for (int i = 0; i < n; i++)
            x[i * p + 3] = standardizeConstant ? 5.0 : 1e-3 * x[i * p + 3];
        if (!standardizeConstant)
            x[7 * p + 3] = double.PositiveInfinity;
        var options = Tight with { FitIntercept = !standardizeConstant, Standardize = standardizeConstant };
        var path = PathSolver.Solve<double>(Backend, [x], p, [new PathSpec<double>(0, y, 1.0, [0.5, 0.1, 0.01])], options);
        Assert.All(path.Statuses, status => Assert.Equal(ProblemStatus.Invalid, status));
        Assert.All(path.Coefficients, b => Assert.Equal(0.0, b));
    }

    [SkippableTheory]
    [InlineData(false, 1.0)]
    [InlineData(false, 0.5)]
    [InlineData(true, 1.0)]
    [InlineData(true, 0.5)]
    public void StandardizedPathsMatchGlmnet(bool intercept, double alpha)
    {
        var reference = GlmnetStandardize.Load();
        var problems = reference.Problems.Where(q => q.Settings.FitIntercept == intercept && q.Settings.L1Ratio == alpha).ToArray();
        var y = reference.ScaledResponse(problems[0]);
        var options = Tight with { Standardize = true, FitIntercept = intercept };
        var path = PathSolver.Solve<double>(Backend, [reference.X], reference.Features,
            [new PathSpec<double>(0, y, alpha, [.. problems.Select(q => q.Settings.Lambda)])], options);
        for (int step = 0; step < problems.Length; step++)
        {
            Assert.Equal(ProblemStatus.Converged, path.Statuses[step]);
            var beta = path.Coefficient(0, step).ToArray();
            var (glmnet, achieved) = reference.Objectives(problems[step], beta);
            Assert.True(Math.Abs(achieved - glmnet) <= 1e-9 * glmnet, $"{problems[step]}: objective {achieved:R}, glmnet's {glmnet:R}");
            for (int j = 0; j < reference.Features; j++)
                Assert.True(Math.Abs(beta[j] - problems[step].Coefficients[j]) <= 1e-5 * (1 + Math.Abs(problems[step].Coefficients[j])),
                    $"{problems[step]}: β[{j}] = {beta[j]:R}, glmnet {problems[step].Coefficients[j]:R}");
        }
    }
}

/// <summary><see cref="SweepCertificateSuite"/> on the cd backend's covariance path engine.</summary>
public sealed class CoordinateDescentSweepCertificateTests : SweepCertificateSuite
{
    public override string BackendName => "cd";
}

/// <summary><see cref="SweepCertificateSuite"/> on the batch route (the reference backend, one batch per λ step).</summary>
public sealed class ReferenceSweepCertificateTests : SweepCertificateSuite
{
    public override string BackendName => "reference";
}
