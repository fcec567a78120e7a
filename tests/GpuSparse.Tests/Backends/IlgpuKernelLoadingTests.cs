using GpuSparse.Backends;
using GpuSparse.Engines;
using GpuSparse.Kernels.Batched;
using GpuSparse.Model;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// A backend compiles only the kernels its engine launches: the on-chip engines check the gap in their own kernels, so
/// the thread-per-problem gap kernel is loaded (on CUDA: compiled, once per process) for the proximal-gradient engine alone.
/// </summary>
public sealed class IlgpuKernelLoadingTests
{
    [Theory]
    [InlineData(DeviceEngine.ProximalGradient, SolverAlgorithm.Fista, true)]
    [InlineData(DeviceEngine.GramCoordinateDescent, SolverAlgorithm.CoordinateDescent, false)]
    [InlineData(DeviceEngine.SharedGramCoordinateDescent, SolverAlgorithm.CoordinateDescent, false)]
    [InlineData(DeviceEngine.RegisterProximalGradient, SolverAlgorithm.Fista, false)]
    [InlineData(DeviceEngine.BlockProximalGradient, SolverAlgorithm.Fista, false)]
    public void TheGapKernelIsLoadedOnlyWhereTheEngineChecksInIt(DeviceEngine engine, SolverAlgorithm algorithm, bool loadsGapKernel)
    {
        using var backend = IlgpuBackend.CreateCpu().With(engine);
        var settings = Enumerable.Range(0, 3).Select(k => ProblemSettings.Lasso(0.05 + 0.05 * k)).ToArray();
        var batch = TestProblems.Shared<double>(9, 5, settings, seed: 71);
        var results = backend.Solve(batch, new SolverOptions { Tolerance = 1e-8, Algorithm = algorithm });
        Assert.All(results.Problems, result => Assert.Equal(ProblemStatus.Converged, result.Status));
        Assert.Equal(loadsGapKernel, backend.Kernels.Loaded.Any(method => method.DeclaringType == typeof(GapKernel)));
    }
}
