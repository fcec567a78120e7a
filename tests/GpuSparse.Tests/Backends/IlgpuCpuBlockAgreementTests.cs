using GpuSparse.Backends;
using GpuSparse.Model;
using Xunit;
using Xunit.Abstractions;

namespace GpuSparse.Tests.Backends;

/// <summary>One ILGPU CPU backend on the block-per-problem proximal-gradient engine for a test class.</summary>
public sealed class BlockBackendFixture : IDisposable
{
    /// <summary>The backend (the default CPU device: groups of up to 16 threads).</summary>
    public IlgpuBackend Backend { get; } = IlgpuBackend.CreateCpu().With(DeviceEngine.BlockProximalGradient);

    public void Dispose() => Backend.Dispose();
}

/// <summary>
/// The block-per-problem ISTA/FISTA kernel (X in shared memory when it fits) keeps the reference iteration's
/// operation order, so on the CPU accelerator its results must be bit-identical to the reference path's, with X in
/// shared memory and without (float64 50 × 200 exceeds the 40 KB it keeps there).
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuBlockAgreementTests(BlockBackendFixture fixture, ITestOutputHelper output)
    : ProximalGradientAgreementSuite(fixture.Backend, output), IClassFixture<BlockBackendFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WideElasticNets_50x200_AreBitIdentical(bool float32)
    {
        // X of 50 × 200 is 40 KB in float32 (in shared memory) and 80 KB in float64 (read from device memory)
        var settings = TestProblems.Mixed(6, 200, seed: 61);
        var options = new SolverOptions { Tolerance = 1e-6, MaxIterations = 300 };
        var report = float32
            ? Agreement.Check(Backend, TestProblems.PerProblem<float>([50], 200, settings, seed: 62), options, 0)
            : Agreement.Check(Backend, TestProblems.PerProblem<double>([50], 200, settings, seed: 62), options, 0);
        Output.WriteLine($"50 × 200, {(float32 ? "float32" : "float64")}: {report}");
    }
}
