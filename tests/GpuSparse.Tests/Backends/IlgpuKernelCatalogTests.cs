using GpuSparse.Backends;
using GpuSparse.Kernels;
using GpuSparse.Model;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>The kernel catalog lists every kernel the backend launches, and every entry has a cost formula.</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuKernelCatalogTests
{
    [Fact]
    public void EveryKernelTheBackendLoadsIsInTheCatalog()
    {
        using var backend = IlgpuBackend.CreateCpu();
        var settings = TestProblems.Mixed(8, 5, seed: 41);
        foreach (var options in new[] { new SolverOptions { MaxIterations = 30 }, new SolverOptions { MaxIterations = 30, Algorithm = SolverAlgorithm.Ista } })
        {
            backend.Solve(TestProblems.Shared<double>(9, 5, settings, seed: 42), options);
            // a shared X beyond 48 KB: the shared-design kernel reads it from global memory
            backend.Solve(TestProblems.Shared<float>(2600, 5, TestProblems.Mixed(2, 5, seed: 49), seed: 50), options);
            backend.Solve(TestProblems.PerProblem<float>([9, 4], 5, settings, seed: 43), options);
            // p > 64: the block-per-problem kernel
            backend.Solve(TestProblems.Shared<double>(6, 70, TestProblems.Mixed(3, 70, seed: 44), seed: 45), options);
        }
        // warps of 32: p > 64 fits the register kernel, which the auto engine then picks
        using var wide = IlgpuBackend.CreateCpu(RegisterBackendsFixture.Warp32);
        wide.Solve(TestProblems.PerProblem<float>([9], 70, TestProblems.Mixed(2, 70, seed: 46), seed: 47), new SolverOptions { MaxIterations = 30 });
        // the register kernel on the default device (warps of 4, groups of at most 16 threads: n ≤ 28, p ≤ 28)
        using var small = IlgpuBackend.CreateCpu().With(DeviceEngine.RegisterProximalGradient);
        small.Solve(TestProblems.PerProblem<double>([10], 5, settings, seed: 48), new SolverOptions { MaxIterations = 30 });
        var catalog = KernelCatalog.All.Select(entry => entry.Method).ToHashSet();
        Assert.NotEmpty(backend.Kernels.Loaded);
        Assert.All(backend.Kernels.Loaded.Concat(wide.Kernels.Loaded).Concat(small.Kernels.Loaded), method => Assert.Contains(method, catalog));
        Assert.Contains(wide.Kernels.Loaded, method => method.DeclaringType == typeof(GpuSparse.Kernels.OnChip.RegisterFistaKernel));
        Assert.Contains(backend.Kernels.Loaded, method => method.DeclaringType == typeof(GpuSparse.Kernels.OnChip.SharedGramCoordinateDescentKernel)
            && method.GetGenericArguments()[^1] == typeof(GpuSparse.Kernels.OnChip.GlobalDesign));
    }

    [Fact]
    public void EntriesAreUniqueClosedAndCosted()
    {
        Assert.Equal(KernelCatalog.All.Count, KernelCatalog.All.Select(entry => entry.Name).Distinct().Count());
        foreach (var entry in KernelCatalog.All)
        {
            Assert.False(entry.Method.ContainsGenericParameters, entry.Name);
            Assert.True(entry.Method.IsStatic, entry.Name);
            Assert.Equal(entry.ExplicitlyGrouped, entry.GroupSize > 0);
            var cost = KernelCostModel.For(entry, 64, 32, entry.Name.Contains("float32") ? 4 : 8);
            Assert.True(cost.HbmBytesOnce + cost.HbmBytesPerIteration + cost.HbmBytesPerCheck > 0, entry.Name);
        }
    }
}
