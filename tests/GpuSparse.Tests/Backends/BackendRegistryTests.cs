using GpuSparse.Backends;
using GpuSparse.Cli.Commands;
using GpuSparse.Engines;
using GpuSparse.Model;
using GpuSparse.Tests.Reliability;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// The backend registry: names, <c>auto</c>, availability, capabilities, and that every registered backend is bound to
/// every batch suite (a backend added to the registry without its test bindings fails here).
/// </summary>
public sealed class BackendRegistryTests
{
    public static TheoryData<string> Suites() => [nameof(BackendSuite), nameof(ReliabilitySuite), nameof(CertificateSuite)];

    [Theory]
    [MemberData(nameof(Suites))]
    public void EveryRegisteredBackendIsBoundToTheSuite(string suite)
    {
        var baseType = typeof(BackendBinding).Assembly.GetTypes().Single(t => t.Name == suite && t.IsAbstract);
        var bound = baseType.Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.IsSubclassOf(baseType))
            .Select(t =>
            {
                using var binding = (BackendBinding)Activator.CreateInstance(t)!;
                return binding.BackendName;
            })
            .ToHashSet();
        Assert.All(bound, name => Assert.Contains(name, BackendRegistry.Backends.Select(b => b.Name)));
        Assert.All(BackendRegistry.Backends, backend => Assert.Contains(backend.Name, bound));
    }

    [Fact]
    public void NamesAreAutoThenEachBackendOnce()
    {
        Assert.Equal(BackendRegistry.Auto, BackendRegistry.Names[0]);
        Assert.Equal(BackendRegistry.Backends.Select(b => b.Name), BackendRegistry.Names.Skip(1));
        Assert.Equal(BackendRegistry.Names.Count, BackendRegistry.Names.Distinct().Count());
        // the command line's --backend values are the registry's
        Assert.Equal(BackendRegistry.Names, SolverBackends.Names);
        Assert.Equal(BackendRegistry.Backends.Select(b => b.Name), SolverBackends.Describe().Select(d => d.Name).Distinct());
    }

    [Fact]
    public void AnUnknownNameIsRefusedWithTheNames()
    {
        var error = Assert.Throws<ArgumentException>(() => BackendRegistry.Get("gpu"));
        Assert.Contains("unknown backend 'gpu'", error.Message);
        Assert.Contains(string.Join(", ", BackendRegistry.Names), error.Message);
    }

    [Fact]
    public void AutoIsCudaWithADeviceElseCd_AndSweepsTakeAPathEngine()
    {
        Assert.Equal(IlgpuBackend.IsCudaAvailable ? "cuda" : "cd", BackendRegistry.ChooseAuto().Name);
        var sweeps = BackendRegistry.ChooseAuto(BackendUse.Sweep);
        Assert.True(sweeps.Capabilities.PathEngine);
        Assert.Equal("cd", sweeps.Name);
        using var created = BackendRegistry.Create(BackendRegistry.Auto, BackendUse.Sweep);
        Assert.Equal("cd", created.Name);
    }

    [Fact]
    public void EachBackendIsCreatedWithItsNameAndCapabilities_OrRefusedWithItsReason()
    {
        foreach (var descriptor in BackendRegistry.Backends)
        {
            if (descriptor.IsAvailable)
            {
                using var backend = descriptor.Create();
                Assert.Equal(descriptor.Name, backend.Name);
                Assert.Equal(descriptor.Capabilities, backend.Capabilities);
                Assert.NotEmpty(descriptor.Devices);
            }
            else
            {
                var error = Assert.Throws<NotSupportedException>(descriptor.Create);
                Assert.Equal(descriptor.UnavailableReason, error.Message);
            }
        }
    }

    [Fact]
    public void AManagedBackendHasNoDevicesToChoose()
    {
        var cd = BackendRegistry.Get("cd");
        Assert.False(cd.HasDevices);
        Assert.Throws<NotSupportedException>(() => cd.Create([0]));
        Assert.True(BackendRegistry.Get("cpu").HasDevices);
    }

    [Fact]
    public void TwoEmulatedDevicesAreOneMultiDeviceBackend()
    {
        using var two = BackendRegistry.Get("cpu").Create([0, 1]);
        var multi = Assert.IsType<MultiDeviceBackend>(two);
        Assert.Equal(2, multi.DeviceCount);
        Assert.Equal("cpu", multi.Name);
    }

    [Fact]
    public void OnTheManagedPlacementTheResultDependsOnTheAlgorithmOnly()
    {
        // reference and cd are one placement with different Auto choices: the same algorithm gives the same bits.
        var batch = TestProblems.Shared<double>(40, 8, TestProblems.Mixed(6, 8, seed: 61), seed: 62);
        using var reference = new ReferenceBackend();
        using var cd = new CoordinateDescentBackend();
        foreach (var algorithm in BackendCapabilities.AllAlgorithms)
        {
            var options = new SolverOptions { Algorithm = algorithm, Tolerance = 1e-10 };
            var a = reference.Solve(batch, options);
            var b = cd.Solve(batch, options);
            for (int k = 0; k < batch.Count; k++)
            {
                Assert.Equal(a[k].Coefficients, b[k].Coefficients);
                Assert.Equal(a[k].Iterations, b[k].Iterations);
            }
        }
        // and Auto is FISTA on reference, coordinate descent on cd
        var tight = new SolverOptions { Tolerance = 1e-10 };
        Assert.Equal(reference.Solve(batch, tight with { Algorithm = SolverAlgorithm.Fista })[0].Coefficients, reference.Solve(batch, tight)[0].Coefficients);
        Assert.Equal(cd.Solve(batch, tight with { Algorithm = SolverAlgorithm.CoordinateDescent })[0].Coefficients, cd.Solve(batch, tight)[0].Coefficients);
    }

    [Fact]
    public void BothFormsOfCoordinateDescentAndBothProximalGradientsReachTheSameCertifiedSolution()
    {
        var batch = TestProblems.Shared<double>(40, 8, TestProblems.Mixed(6, 8, seed: 63), seed: 64);
        using var cd = new CoordinateDescentBackend();
        var results = BackendCapabilities.AllAlgorithms
            .Select(algorithm => cd.Solve(batch, new SolverOptions { Algorithm = algorithm, Tolerance = 1e-12, MaxIterations = 200_000 }))
            .ToArray();
        for (int k = 0; k < batch.Count; k++)
        {
            Assert.All(results, r => Assert.Equal(ProblemStatus.Converged, r[k].Status));
            double best = results.Min(r => r[k].Objective);
            Assert.All(results, r => Assert.True(r[k].Objective - best <= 1e-9 * Math.Max(1, Math.Abs(best)),
                $"problem {k}: {r[k].Objective:R} vs {best:R}"));
        }
    }

    [Fact]
    public void ADeviceRefusesTheResidualFormAndCoordinateDescentBeyondSharedMemory()
    {
        using var cpu = IlgpuBackend.CreateCpu();
        var small = TestProblems.Shared<double>(20, 5, TestProblems.Mixed(2, 5, seed: 65), seed: 66);
        var residual = Assert.Throws<NotSupportedException>(() => cpu.Solve(small, new SolverOptions { Algorithm = SolverAlgorithm.ResidualCoordinateDescent }));
        Assert.Contains("ResidualCoordinateDescent", residual.Message);
        var wide = TestProblems.Shared<double>(20, 80, TestProblems.Mixed(1, 80, seed: 67), seed: 68);
        var gram = Assert.Throws<NotSupportedException>(() => cpu.Solve(wide, new SolverOptions { Algorithm = SolverAlgorithm.GramCoordinateDescent }));
        Assert.Contains("p ≤ 64", gram.Message);
        cpu.Engine = DeviceEngine.ProximalGradient;
        Assert.Throws<NotSupportedException>(() => cpu.Solve(small, new SolverOptions { Algorithm = SolverAlgorithm.CoordinateDescent }));
        Assert.DoesNotContain(SolverAlgorithm.CoordinateDescent, cpu.Capabilities.Algorithms);
    }
}
