using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Data;
using GpuSparse.Engines;
using GpuSparse.Model;
using GpuSparse.Preparation;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// A problem that diverges on the device is flagged Diverged with its iteration and the others of its batch are
/// untouched (bit-identical to a batch without it), on both engines. As in the reference's divergence tests, valid
/// input cannot diverge, so prepared problems are broken the way a bug or an overflow would break them.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuDivergenceTests
{
    public static TheoryData<DeviceEngine> Engines =>
        [DeviceEngine.ProximalGradient, DeviceEngine.BlockProximalGradient, DeviceEngine.GramCoordinateDescent, DeviceEngine.RegisterProximalGradient];

    public static TheoryData<DeviceEngine> ProximalEngines =>
        [DeviceEngine.ProximalGradient, DeviceEngine.BlockProximalGradient, DeviceEngine.RegisterProximalGradient];

    [Theory]
    [MemberData(nameof(Engines))]
    public void ANaNInOneWorkingResponseDivergesThatProblemAtIterationZeroOnly(DeviceEngine engine)
    {
        var (clean, broken) = Problems<double>(problem => problem.Response[3] = double.NaN, stepFactor: 1);
        var expected = Solve(engine, clean);
        var actual = Solve(engine, broken);
        Assert.Equal(ProblemStatus.Diverged, actual[1].Status);
        Assert.Equal(0, actual[1].Iterations);
        Assert.Contains(engine == DeviceEngine.GramCoordinateDescent ? "at sweep 0" : "at iteration 0", actual[1].Message);
        Assert.All(actual[1].Coefficients, c => Assert.True(double.IsFinite(c)));
        AssertOthersUntouched(expected, actual);
    }

    [Theory]
    [MemberData(nameof(ProximalEngines))]
    public void AStepTooLargeRunsAwayAtALaterCheck_ProximalGradient(DeviceEngine engine)
    {
        var (clean, broken) = Problems<double>(_ => { }, stepFactor: 100);
        var expected = Solve(engine, clean);
        var actual = Solve(engine, broken);
        Assert.Equal(ProblemStatus.Diverged, actual[1].Status);
        Assert.True(actual[1].Iterations > 0, $"diverged at {actual[1].Iterations}");
        Assert.Equal(0, actual[1].Iterations % Options.CheckInterval);
        Assert.Contains($"at iteration {actual[1].Iterations}", actual[1].Message);
        Assert.All(actual[1].Coefficients, c => Assert.True(double.IsFinite(c)));
        AssertOthersUntouched(expected, actual);
    }

    private static readonly SolverOptions Options = new() { Tolerance = 1e-12, MaxIterations = 2000 };

    private static void AssertOthersUntouched(ProblemResult[] expected, ProblemResult[] actual)
    {
        foreach (int k in new[] { 0, 2 })
        {
            Assert.Equal(expected[k].Status, actual[k].Status);
            Assert.Equal(expected[k].Iterations, actual[k].Iterations);
            Assert.Equal(expected[k].Coefficients, actual[k].Coefficients);
            Assert.Equal(expected[k].DualityGap, actual[k].DualityGap);
        }
    }

    private static ProblemResult[] Solve<T>(DeviceEngine engine, PreparedProblem<T>[] problems) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // the register kernel needs a group of ⌈40/7⌉ = 6 warps
        using var backend = IlgpuBackend.CreateCpu(engine == DeviceEngine.RegisterProximalGradient ? RegisterBackendsFixture.Warp4 : IlgpuDevices.TwoLanes)
            .With(engine);
        var design = problems[0].Design;
        using var device = new DeviceBatch<T>(backend.Accelerator, backend.Kernels, problems.Length, design.Samples, design.Features,
            designPerProblem: true, positive: false, engine: engine);
        device.Load(problems);
        int iteration = device.Run(Options, null, CancellationToken.None);
        var results = new ProblemResult[problems.Length];
        device.Collect(problems, iteration, results);
        return results;
    }

    /// <summary>Three prepared elastic nets of 40 × 12; in the broken copy, problem 1 is modified.</summary>
    private static (PreparedProblem<T>[] Clean, PreparedProblem<T>[] Broken) Problems<T>(Action<PreparedProblem<T>> breakIt, double stepFactor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = 40, p = 12;
        var clean = new PreparedProblem<T>[3];
        var broken = new PreparedProblem<T>[3];
        for (int k = 0; k < 3; k++)
        {
            var data = PortableGenerator.Problem(n, p, (ulong)(30 + k));
            double lambda = 0.05 * PortableGenerator.AlphaMax(data.X, data.Y, n, p);
            var batch = ProblemBatch<T>.Single(data.X.Select(T.CreateTruncating).ToArray(), p, data.Y.Select(T.CreateTruncating).ToArray(),
                ProblemSettings.ElasticNet(lambda, 0.8));
            var problem = BatchPreparation.Prepare(batch, Options).Problems[0]!;
            clean[k] = Reindexed(problem, k, problem.Design, (T[])problem.Response.Clone());
            if (k != 1)
            {
                broken[k] = clean[k];
                continue;
            }
            var d = problem.Design;
            var design = new PreparedDesign<T>(d.Values, d.Samples, d.Features, d.ColumnMeans, d.ColumnScales, d.ActiveColumns,
                new Lazy<double>(d.Lipschitz / stepFactor), d.Projection);
            broken[k] = Reindexed(problem, k, design, (T[])problem.Response.Clone());
            breakIt(broken[k]);
        }
        return (clean, broken);
    }

    private static PreparedProblem<T> Reindexed<T>(PreparedProblem<T> problem, int index, PreparedDesign<T> design, T[] response)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        new(index, design, response, problem.ResponseMean, problem.L1, problem.L2, problem.Positive, problem.Initial,
            problem.NullObjective, problem.GapTolerance, problem.FitIntercept, problem.BasisDotResponse);
}
