using GpuSparse.Backends;
using GpuSparse.Engines;
using GpuSparse.Model;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.Penalties;

/// <summary>
/// The group Lasso (and group elastic net) on every backend: the generated problems of <see cref="GroupProblems"/>
/// are solved to the optimum (KKT conditions to 1e-9 relative, gap within the tolerance), agree with the
/// independent proximal gradient of <see cref="IndependentGroupLasso"/>, and groups of size 1 are the Lasso to the bit.
/// </summary>
public abstract partial class GroupLassoSuite : BackendBinding
{
    private static readonly SolverOptions Tight = new() { Tolerance = 1e-15, MaxIterations = 200_000 };

    [SkippableTheory]
    [MemberData(nameof(GroupProblems.LassoIndices), MemberType = typeof(GroupProblems))]
    public void GroupLassoMeetsItsKktConditionsAndTheIndependentSolver(int index) => SolvesToTheOptimum(GroupProblems.Lasso[index]);

    [SkippableTheory]
    [MemberData(nameof(GroupProblems.ElasticNetIndices), MemberType = typeof(GroupProblems))]
    public void GroupElasticNetMeetsItsKktConditionsAndTheIndependentSolver(int index) => SolvesToTheOptimum(GroupProblems.ElasticNet[index]);

    // The KKT residual (the gradient mapping) must be 1e-9 of the gradient at β = 0 (λ_max·r), with no allowance
    // for what the certified gap would let through (√(2L·tol), about 1e-8 where the group norm curves): the engines
    // finish at the KKT point of the support they found (see GroupPolish).
    private void SolvesToTheOptimum(GroupProblem problem, double[]? weights = null)
    {
        int n = problem.Samples, p = problem.Features;
        var batch = ProblemBatch<double>.Single(problem.X, p, problem.Y, problem.Settings with { GroupWeights = weights });
        var result = Backend.Solve(batch, Tight)[0];
        Assert.True(result.Status == ProblemStatus.Converged, $"{problem}: {result.Status} {result.Message}");
        Assert.True(result.DualityGap <= result.GapTolerance, $"{problem}: gap {result.DualityGap:E3} > {result.GapTolerance:E3}");
        double residual = IndependentGroupLasso.KktResidual(problem.X, problem.Y, n, p, problem.Groups, problem.Lambda,
            problem.L1Ratio, result.Coefficients, weights);
        double scale = IndependentGroupLasso.LambdaMax(problem.X, problem.Y, n, p, problem.Groups, problem.L1Ratio, weights) * problem.L1Ratio;
        Assert.True(residual <= 1e-9 * scale, $"{problem}: KKT residual {residual / scale:E3} of λ_max·r");

        var independent = IndependentGroupLasso.Solve(problem.X, problem.Y, n, p, problem.Groups, problem.Lambda, problem.L1Ratio, weights);
        double independentIntercept = Intercept(problem, independent);
        double objective = IndependentGroupLasso.Objective(problem.X, problem.Y, n, p, problem.Groups, problem.Lambda,
            problem.L1Ratio, result.Coefficients, result.Intercept, weights);
        double reference = IndependentGroupLasso.Objective(problem.X, problem.Y, n, p, problem.Groups, problem.Lambda,
            problem.L1Ratio, independent, independentIntercept, weights);
        Assert.True(Math.Abs(objective - reference) <= 1e-10 * reference, $"{problem}: objective {objective:R} vs independent {reference:R}");
        Assert.True(Math.Abs(result.Objective - objective) <= 1e-10 * objective,
            $"{problem}: reported objective {result.Objective:R} vs evaluated {objective:R}");
        double size = independent.Max(Math.Abs);
        for (int j = 0; j < p; j++)
            Assert.True(Math.Abs(result.Coefficients[j] - independent[j]) <= 1e-6 * size,
                $"{problem}: β[{j}] = {result.Coefficients[j]:R} vs independent {independent[j]:R}");
    }

    // Custom weights in [0.2, 3], one group of the first kind left unpenalised (w = 0; p > n included: index 4).
    [SkippableTheory]
    [InlineData(1, false)]
    [InlineData(4, true)]
    [InlineData(8, true)]
    [InlineData(13, false)]
    public void CustomGroupWeightsMeetTheirKktConditionsAndTheIndependentSolver(int index, bool oneUnpenalised) =>
        SolvesToTheOptimum(GroupProblems.Lasso[index], CustomWeights(GroupProblems.Lasso[index], oneUnpenalised));

    [SkippableFact]
    public void CustomGroupWeightsOfTheGroupElasticNetMeetTheirKktConditions() =>
        SolvesToTheOptimum(GroupProblems.ElasticNet[2], CustomWeights(GroupProblems.ElasticNet[2], oneUnpenalised: true));

    [SkippableTheory]
    [InlineData(2)]
    [InlineData(9)]
    public void GroupWeightsOfRootSizeAreTheDefaultBitForBit(int index)
    {
        var problem = GroupProblems.Lasso[index];
        double[] root = [.. problem.Groups.Distinct().Order().Select(label => Math.Sqrt(problem.Groups.Count(g => g == label)))];
        var weighted = problem.Settings with { GroupWeights = root };
        SolvesTheSameBits(problem, problem.Settings, weighted);
    }

    // λ_max = max_g ‖X_gᵀy_c‖/(n·w_g·r) with the weights given: everything is zero just above it, not just below.
    [SkippableTheory]
    [InlineData(3)]
    [InlineData(14)]
    public void GroupWeightsSetLambdaMax(int index)
    {
        var problem = GroupProblems.Lasso[index];
        int n = problem.Samples, p = problem.Features;
        var weights = CustomWeights(problem, oneUnpenalised: false);
        double lambdaMax = IndependentGroupLasso.LambdaMax(problem.X, problem.Y, n, p, problem.Groups, problem.L1Ratio, weights);
        double defaultMax = IndependentGroupLasso.LambdaMax(problem.X, problem.Y, n, p, problem.Groups, problem.L1Ratio);
        Assert.NotEqual(defaultMax, lambdaMax, 3);
        IsZeroFrom(problem, lambdaMax, problem.Settings with { GroupWeights = weights });
    }

    [SkippableFact]
    public void BadGroupWeightsAreRefusedWithTheirField()
    {
        var problem = GroupProblems.Lasso[0];
        int p = problem.Features, groups = problem.Groups.Distinct().Count();
        var valid = CustomWeights(problem, oneUnpenalised: false);
        var settings = new[]
        {
            problem.Settings with { GroupWeights = [.. valid, 1.0] },
            problem.Settings with { GroupWeights = [.. valid.Select((w, g) => g == groups - 1 ? -1.0 : w)] },
            problem.Settings with { GroupWeights = [.. valid.Select((w, g) => g == 0 ? double.NaN : w)] },
            problem.Settings with { Groups = null, GroupWeights = valid },
            problem.Settings with { GroupWeights = valid, PenaltyFactors = [.. Enumerable.Repeat(1.0, p)] },
            problem.Settings with { GroupWeights = valid },
        };
        var batch = ProblemBatch<double>.WithSharedDesign(problem.X, p, [.. settings.Select(_ => (ReadOnlyMemory<double>)problem.Y)], settings);
        var results = Backend.Solve(batch, new SolverOptions());
        for (int k = 0; k < settings.Length - 1; k++)
            Assert.True((results[k].Field, results[k].Status) == ("group_weights", ProblemStatus.Invalid),
                $"problem {k}: {results[k].Status} {results[k].Field} {results[k].Message}");
        Assert.Contains($"w[{groups - 1}]", results[1].Message);
        Assert.Equal(ProblemStatus.Converged, results[settings.Length - 1].Status);
    }

    // Weights in [0.2, 3] per group in ascending label order (seeded by the problem), the first 0 when asked.
    private static double[] CustomWeights(GroupProblem problem, bool oneUnpenalised)
    {
        var random = new Random(500 + problem.Seed);
        double[] weights = [.. problem.Groups.Distinct().Order().Select(_ => 0.2 + 2.8 * random.NextDouble())];
        if (oneUnpenalised)
            weights[0] = 0;
        return weights;
    }

    // float32: the same problems rounded to float32 (the independent solver runs on the rounded data in float64).
    [SkippableTheory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(14)]
    public void Float32IsSolvedToItsTolerance(int index)
    {
        var problem = GroupProblems.Lasso[index];
        int n = problem.Samples, p = problem.Features;
        float[] x = [.. problem.X.Select(v => (float)v)], y = [.. problem.Y.Select(v => (float)v)];
        double[] xRounded = [.. x.Select(v => (double)v)], yRounded = [.. y.Select(v => (double)v)];
        var result = Backend.Solve(ProblemBatch<float>.Single(x, p, y, problem.Settings), new SolverOptions { Tolerance = 1e-6 })[0];
        Assert.True(result.Status == ProblemStatus.Converged, $"{problem}: {result.Status} {result.Message}");
        Assert.True(result.DualityGap <= result.GapTolerance, $"{problem}: gap {result.DualityGap:E3} > {result.GapTolerance:E3}");
        var rounded = problem with { X = xRounded, Y = yRounded };
        var independent = IndependentGroupLasso.Solve(xRounded, yRounded, n, p, problem.Groups, problem.Lambda, problem.L1Ratio);
        double reference = IndependentGroupLasso.Objective(xRounded, yRounded, n, p, problem.Groups, problem.Lambda, problem.L1Ratio,
            independent, Intercept(rounded, independent));
        double objective = IndependentGroupLasso.Objective(xRounded, yRounded, n, p, problem.Groups, problem.Lambda, problem.L1Ratio,
            result.Coefficients, result.Intercept);
        // the gap bounds the excess objective; float32 coefficients add their own rounding
        Assert.InRange(objective - reference, -1e-6 * reference, result.GapTolerance + 1e-6 * reference);
    }

    // Coordinate descent takes the same form for groups as for the Lasso: the Gram form for p = 12 and 40, the
    // residual form for p = 90 (indices 4 and 5).
    [SkippableTheory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void GroupsOfSizeOneAreTheLassoBitForBit(int index)
    {
        var problem = GroupProblems.Lasso[index];
        int p = problem.Features;
        var lasso = ProblemSettings.ElasticNet(problem.Lambda, problem.L1Ratio);
        var singletons = lasso with { Groups = [.. Enumerable.Range(0, p).Select(j => 7 * j)] };
        SolvesTheSameBits(problem, lasso, singletons);
    }

    // The two settings on one batch: the same iterations, gap, intercept and coefficients to the bit.
    private void SolvesTheSameBits(GroupProblem problem, ProblemSettings first, ProblemSettings second)
    {
        var batch = ProblemBatch<double>.WithSharedDesign(problem.X, problem.Features, [problem.Y, problem.Y], [first, second]);
        var results = Backend.Solve(batch, new SolverOptions { Tolerance = 1e-10 });
        Assert.Equal(ProblemStatus.Converged, results[0].Status);
        Assert.Equal(results[0].Iterations, results[1].Iterations);
        Assert.Equal(results[0].DualityGap, results[1].DualityGap);
        Assert.Equal(results[0].Intercept, results[1].Intercept);
        Assert.Equal(results[0].Coefficients, results[1].Coefficients);
    }

    [SkippableTheory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(14)]
    public void EveryGroupIsZeroFromLambdaMax(int index)
    {
        var problem = GroupProblems.Lasso[index];
        int n = problem.Samples, p = problem.Features;
        IsZeroFrom(problem, IndependentGroupLasso.LambdaMax(problem.X, problem.Y, n, p, problem.Groups, problem.L1Ratio), problem.Settings);
    }

    // Every coefficient is zero at λ_max·(1 + 1e-9), some are not at 0.99·λ_max; a zero is +0 in both (a zeroed block of
    // negative values must not come back as −0, which coef.csv would print as "-0").
    private void IsZeroFrom(GroupProblem problem, double lambdaMax, ProblemSettings settings)
    {
        var above = settings with { Lambda = lambdaMax * (1 + 1e-9) };
        var below = settings with { Lambda = lambdaMax * 0.99 };
        var batch = ProblemBatch<double>.WithSharedDesign(problem.X, problem.Features, [problem.Y, problem.Y], [above, below]);
        var results = Backend.Solve(batch, new SolverOptions { Tolerance = 1e-10 });
        Assert.All(results.Problems, r => Assert.Equal(ProblemStatus.Converged, r.Status));
        Assert.All(results[0].Coefficients, b => Assert.Equal(0.0, b));
        Assert.Contains(results[1].Coefficients, b => b != 0);
        foreach (var result in results.Problems)
            Assert.DoesNotContain(result.Coefficients, b => b == 0 && double.IsNegative(b));
    }

    // Scattered labels shared by a batch: the design is reordered once and each problem's coefficients come back
    // in the order posed, as when the problem is solved alone.
    [SkippableFact]
    public void ABatchSharingScatteredGroupsEqualsEachProblemAlone()
    {
        var problem = GroupProblems.Lasso[2];
        int p = problem.Features;
        ProblemSettings[] settings = [.. new[] { 0.5, 1.0, 2.0 }.Select(scale => problem.Settings with { Lambda = scale * problem.Lambda })];
        var options = new SolverOptions { Tolerance = 1e-10 };
        var batch = ProblemBatch<double>.WithSharedDesign(problem.X, p, [.. settings.Select(_ => (ReadOnlyMemory<double>)problem.Y)], settings);
        var together = Backend.Solve(batch, options);
        for (int k = 0; k < settings.Length; k++)
        {
            var alone = Backend.Solve(ProblemBatch<double>.Single(problem.X, p, problem.Y, settings[k]), options)[0];
            Assert.Equal(ProblemStatus.Converged, together[k].Status);
            Assert.Equal(alone.Coefficients, together[k].Coefficients);
            Assert.Equal(alone.Intercept, together[k].Intercept);
        }
    }

    [SkippableFact]
    public void BadGroupsAreRefusedWithTheirField()
    {
        var problem = GroupProblems.Lasso[0];
        int p = problem.Features;
        var settings = new[]
        {
            problem.Settings with { Groups = [1, 2, 3] },
            problem.Settings with { Positive = true },
            problem.Settings with { PenaltyFactors = [.. Enumerable.Range(0, p).Select(j => 1.0 + j)] },
            problem.Settings,
        };
        var batch = ProblemBatch<double>.WithSharedDesign(problem.X, p, [.. settings.Select(_ => (ReadOnlyMemory<double>)problem.Y)], settings);
        var results = Backend.Solve(batch, new SolverOptions());
        Assert.Equal(("groups", ProblemStatus.Invalid), (results[0].Field, results[0].Status));
        Assert.Equal(("groups", ProblemStatus.Invalid), (results[1].Field, results[1].Status));
        Assert.Equal(("penalty_factors", ProblemStatus.Invalid), (results[2].Field, results[2].Status));
        Assert.Equal(ProblemStatus.Converged, results[3].Status);
    }

    // b₀ = ȳ − x̄·β, the intercept of the centred solution.
    private static double Intercept(GroupProblem problem, double[] beta)
    {
        int n = problem.Samples, p = problem.Features;
        double intercept = problem.Y.Average();
        for (int j = 0; j < p; j++)
        {
            double mean = 0;
            for (int i = 0; i < n; i++)
                mean += problem.X[i * p + j];
            intercept -= mean / n * beta[j];
        }
        return intercept;
    }
}

/// <summary>The group-Lasso suite on the managed reference path (FISTA).</summary>
public sealed class ReferenceGroupLassoTests : GroupLassoSuite
{
    public override string BackendName => "reference";

    protected override ISolverBackend CreateBackend() => new ReferenceBackend();
}

/// <summary>The group-Lasso suite on coordinate descent (block coordinate descent, Gram or residual form by shape).</summary>
public sealed class CoordinateDescentGroupLassoTests : GroupLassoSuite
{
    public override string BackendName => "cd";

    protected override ISolverBackend CreateBackend() => new CoordinateDescentBackend();
}

/// <summary>The group-Lasso suite on block coordinate descent in the residual form, whatever the shape (p &gt; n included).</summary>
public sealed class ResidualCoordinateDescentGroupLassoTests : GroupLassoSuite
{
    public override string BackendName => "cd";

    protected override ISolverBackend CreateBackend() => new CoordinateDescentBackend { Form = CoordinateDescentForm.Residual };
}

/// <summary>The group-Lasso suite on block coordinate descent in the Gram form, whatever the shape.</summary>
public sealed class GramCoordinateDescentGroupLassoTests : GroupLassoSuite
{
    public override string BackendName => "cd";

    protected override ISolverBackend CreateBackend() => new CoordinateDescentBackend { Form = CoordinateDescentForm.Gram };
}

/// <summary>
/// The group-Lasso suite on ILGPU's CPU accelerator, on the proximal-gradient kernels (the engine every block penalty
/// runs on there), so that the Lasso it is compared with bit for bit runs on the same engine.
/// </summary>
[Collection(Backends.IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuGroupLassoTests : GroupLassoSuite
{
    public override string BackendName => "cpu";

    protected override ISolverBackend CreateBackend()
    {
        var backend = IlgpuBackend.CreateCpu();
        backend.Engine = DeviceEngine.ProximalGradient;
        return backend;
    }

    // The on-chip engines (chosen by default for these shapes) are coordinate-wise: they decline groups, and the
    // proximal-gradient kernels serve them with the same bits as when chosen outright.
    [SkippableTheory]
    [InlineData(0)]
    [InlineData(5)]
    public void TheOnChipEnginesDeclineGroupsToTheProximalGradientKernels(int index)
    {
        var problem = GroupProblems.Lasso[index];
        var batch = ProblemBatch<double>.Single(problem.X, problem.Features, problem.Y, problem.Settings);
        var options = new SolverOptions { Tolerance = 1e-10 };
        var chosen = Backend.Solve(batch, options)[0];
        using var automatic = IlgpuBackend.CreateCpu();
        var declined = automatic.Solve(batch, options)[0];
        Assert.Equal(ProblemStatus.Converged, declined.Status);
        Assert.Equal(chosen.Coefficients, declined.Coefficients);
        Assert.Equal(chosen.DualityGap, declined.DualityGap);
    }
}

/// <summary>
/// The group-Lasso suite on CUDA, on the proximal-gradient kernels as on <c>cpu</c>: runs where a GPU is present,
/// reported skipped elsewhere.
/// </summary>
public sealed class IlgpuCudaGroupLassoTests : GroupLassoSuite
{
    public override string BackendName => "cuda";

    protected override ISolverBackend CreateBackend()
    {
        var backend = IlgpuBackend.CreateCuda();
        backend.Engine = DeviceEngine.ProximalGradient;
        return backend;
    }
}
