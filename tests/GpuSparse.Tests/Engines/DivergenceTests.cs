using System.Numerics;
using GpuSparse.Data;
using GpuSparse.Engines;
using GpuSparse.Model;
using GpuSparse.Preparation;
using Xunit;

namespace GpuSparse.Tests.Engines;

/// <summary>
/// Divergence cannot be reached from valid input (the validator rejects what would overflow), so these
/// tests break a prepared problem the way a bug or an overflow would: a step 100 times too large, a NaN
/// in the working response. The iteration must mark the problem Diverged with a reason and return its
/// best finite iterate, never non-finite coefficients and never Converged.
/// </summary>
public sealed class DivergenceTests
{
    public static TheoryData<SolverAlgorithm> Algorithms() => [SolverAlgorithm.Ista, SolverAlgorithm.Fista];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void AStepTooLargeMakesTheObjectiveRunAwayAndTheProblemDiverged_Float64(SolverAlgorithm algorithm) =>
        AssertDiverges<double>(algorithm, stepFactor: 100, poisonResponse: false);

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void AStepTooLargeOverflowsFloat32AndTheProblemDiverged(SolverAlgorithm algorithm) =>
        AssertDiverges<float>(algorithm, stepFactor: 100, poisonResponse: false);

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void ANaNInTheWorkingResponseIsDivergedAtIterationZero(SolverAlgorithm algorithm)
    {
        var result = AssertDiverges<double>(algorithm, stepFactor: 1, poisonResponse: true);
        Assert.Equal(0, result.Iterations);
        Assert.Contains("at iteration 0", result.Message);
    }

    private static ProblemResult AssertDiverges<T>(SolverAlgorithm algorithm, double stepFactor, bool poisonResponse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = 64, p = 32;
        var data = PortableGenerator.Problem(n, p, 11);
        var options = new SolverOptions { Algorithm = algorithm, Tolerance = 1e-12 };
        double lambda = 0.05 * PortableGenerator.AlphaMax(data.X, data.Y, n, p);
        var batch = ProblemBatch<T>.Single(data.X.Select(T.CreateTruncating).ToArray(), p,
            data.Y.Select(T.CreateTruncating).ToArray(), ProblemSettings.ElasticNet(lambda, 0.8));
        var problem = BatchPreparation.Prepare(batch, options).Problems[0]!;
        var d = problem.Design;
        var design = new PreparedDesign<T>(d.Values, d.Samples, d.Features, d.ColumnMeans, d.ColumnScales, d.ActiveColumns,
            new Lazy<double>(d.Lipschitz / stepFactor), d.Projection) { PenaltyExponents = d.PenaltyExponents };
        var broken = new PreparedProblem<T>(problem.Index, design, (T[])problem.Response.Clone(), problem.ResponseMean, problem.L1,
            problem.L2, problem.Positive, problem.Initial, problem.NullObjective, problem.GapTolerance, problem.FitIntercept, problem.BasisDotResponse);
        if (poisonResponse)
            broken.Response[5] = T.NaN;

        var result = ProximalGradient.Solve(broken, options, CancellationToken.None);

        Assert.Equal(ProblemStatus.Diverged, result.Status);
        Assert.Contains("problem 0: the objective became", result.Message);
        Assert.Contains("diverged", result.Message);
        Assert.All(result.Coefficients, c => Assert.True(double.IsFinite(c)));
        Assert.True(double.IsFinite(result.Intercept));
        // The best iterate is returned: never worse than the start, β = 0, whose objective is the null objective
        // (up to the rounding of the response to T).
        if (!poisonResponse)
            Assert.True(result.Objective <= problem.NullObjective * (1 + 1e-6), $"objective {result.Objective:E3} above the null objective {problem.NullObjective:E3}");
        return result;
    }
}
