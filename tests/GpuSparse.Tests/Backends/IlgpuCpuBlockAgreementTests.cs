using GpuSparse.Backends;
using GpuSparse.Kernels.OnChip;
using GpuSparse.Model;
using ILGPU.Runtime.CPU;
using Xunit;
using Xunit.Abstractions;

namespace GpuSparse.Tests.Backends;

/// <summary>One ILGPU CPU backend on the block-per-problem proximal-gradient engine for a test class.</summary>
public sealed class BlockBackendFixture : IDisposable
{
    /// <summary>The backend (the default CPU device: warps of 4, groups of up to 16 threads).</summary>
    public IlgpuBackend Backend { get; } = IlgpuBackend.CreateCpu().With(DeviceEngine.BlockProximalGradient);

    public void Dispose() => Backend.Dispose();
}

/// <summary>The block engine on warps of 32 lanes, groups of 128 threads: the block CUDA launches.</summary>
public sealed class BlockWarp32BackendFixture : IDisposable
{
    /// <summary>The backend (<see cref="CPUDevice.Nvidia"/>'s warps, 4 a group).</summary>
    public IlgpuBackend Backend { get; } =
        IlgpuBackend.CreateCpu(new CPUDevice(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 4, numMultiprocessors: 1))
            .With(DeviceEngine.BlockProximalGradient);

    public void Dispose() => Backend.Dispose();
}

/// <summary>
/// The block-per-problem ISTA/FISTA kernel keeps the reference iteration's operation order, so on the CPU accelerator
/// its results must be bit-identical to the reference path's in every placement of X and the state
/// (<see cref="BlockIterationKernel.Placement"/>): both in shared memory, the state alone (float64 50 × 200: X of 80 KB),
/// and neither (a state beyond 48 KB), on both sides of each boundary of the size rule.
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
        // X of 50 × 200 is 40 KB in float32 (in shared memory with the state) and 80 KB in float64 (read from device memory)
        Assert.Equal(float32 ? BlockPlacement.DesignAndState : BlockPlacement.State,
            BlockIterationKernel.Placement(50, 200, float32 ? sizeof(float) : sizeof(double)));
        var settings = TestProblems.Mixed(6, 200, seed: 61);
        var options = new SolverOptions { Tolerance = 1e-6, MaxIterations = 300 };
        var report = float32
            ? Agreement.Check(Backend, TestProblems.PerProblem<float>([50], 200, settings, seed: 62), options, 0)
            : Agreement.Check(Backend, TestProblems.PerProblem<double>([50], 200, settings, seed: 62), options, 0);
        Output.WriteLine($"50 × 200, {(float32 ? "float32" : "float64")}: {report}");
    }

    /// <summary>
    /// The size rule at its boundaries, where the shared memory a group needs (X rounded up to doubles, then z, β, β⁺,
    /// l1, l2, y_c and r, then the 2 doubles of the restart hand-off) is exactly 48 KB and one row more: float64 3 × 767
    /// (2,301 + 3,841 + 2 doubles) and 4 × 767; float32 23 × 437 (5,026 + 1,116 + 2) and 24 × 437; float64 6 × 1226
    /// (6,142 + 2 doubles of state) and 7 × 1226; float32 2 × 2456 and 3 × 2456.
    /// </summary>
    [Theory]
    [InlineData(3, 767, 8, BlockPlacement.DesignAndState)]
    [InlineData(4, 767, 8, BlockPlacement.State)]
    [InlineData(23, 437, 4, BlockPlacement.DesignAndState)]
    [InlineData(24, 437, 4, BlockPlacement.State)]
    [InlineData(6, 1226, 8, BlockPlacement.State)]
    [InlineData(7, 1226, 8, BlockPlacement.GlobalMemory)]
    [InlineData(2, 2456, 4, BlockPlacement.State)]
    [InlineData(3, 2456, 4, BlockPlacement.GlobalMemory)]
    public void ThePlacementRule_SwitchesWhereTheSharedMemoryExceeds48KB(int samples, int features, int elementBytes, BlockPlacement expected)
    {
        Assert.Equal(expected, BlockIterationKernel.Placement(samples, features, elementBytes));
        int doubles = BlockIterationKernel.SharedDoubles(expected, samples, features, elementBytes);
        Assert.True(doubles * sizeof(double) <= BlockIterationKernel.MaxSharedBytes, $"{doubles} doubles");
        // the first shape of each pair fills the 48 KB exactly
        if (expected != BlockIterationKernel.Placement(samples + 1, features, elementBytes))
            Assert.Equal(BlockIterationKernel.MaxSharedBytes, doubles * sizeof(double));
    }

    /// <summary>Both sides of each boundary, solved bit-identically (FISTA and ISTA, several launches: 23 iterations, checks every 4).</summary>
    [Theory]
    [InlineData(3, 767, false, SolverAlgorithm.Fista)]
    [InlineData(4, 767, false, SolverAlgorithm.Fista)]
    [InlineData(23, 437, true, SolverAlgorithm.Fista)]
    [InlineData(24, 437, true, SolverAlgorithm.Ista)]
    [InlineData(6, 1226, false, SolverAlgorithm.Fista)]
    [InlineData(7, 1226, false, SolverAlgorithm.Fista)]
    [InlineData(7, 1226, false, SolverAlgorithm.Ista)]
    public void EitherSideOfThePlacementBoundaries_IsBitIdentical(int samples, int features, bool float32, SolverAlgorithm algorithm)
    {
        var settings = TestProblems.Mixed(2, features, seed: samples);
        var options = new SolverOptions { Algorithm = algorithm, Tolerance = 0, MaxIterations = 23, CheckInterval = 4 };
        var report = float32
            ? Agreement.Check(Backend, TestProblems.PerProblem<float>([samples], features, settings, seed: features), options, 0)
            : Agreement.Check(Backend, TestProblems.PerProblem<double>([samples], features, settings, seed: features), options, 0);
        Output.WriteLine($"{samples} × {features}, {algorithm}: {report}");
    }
}

/// <summary>
/// The block engine on warps of 32 and CUDA's block of 128 threads, more threads than most rows and columns here (the
/// kernel has no warp collectives, so the warp size matters only through the group size): the wide shape, the odd
/// shapes (one sample, one feature, p &gt; n, a zero column) and an invalid problem in chunks, bit-identical to the
/// reference; the whole suite runs on the default device (<see cref="IlgpuCpuBlockAgreementTests"/>), at 16 threads.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuBlockWarp32AgreementTests(BlockWarp32BackendFixture fixture, ITestOutputHelper output)
    : IClassFixture<BlockWarp32BackendFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WideElasticNets_64x256_AreBitIdentical(bool float32)
    {
        // the anomaly-detection dictionary's shape: X of 64 KB in float32 is read from device memory, the state staged
        Assert.Equal(BlockPlacement.State, BlockIterationKernel.Placement(64, 256, float32 ? sizeof(float) : sizeof(double)));
        var settings = TestProblems.Mixed(2, 256, seed: 63);
        var options = new SolverOptions { Tolerance = 1e-5, MaxIterations = 120 };
        var report = float32
            ? Agreement.Check(fixture.Backend, TestProblems.PerProblem<float>([64], 256, settings, seed: 64), options, 0)
            : Agreement.Check(fixture.Backend, TestProblems.PerProblem<double>([64], 256, settings, seed: 64), options, 0);
        output.WriteLine($"64 × 256, {(float32 ? "float32" : "float64")}: {report}");
    }

    [Fact]
    public void OddShapes_Float64_AreBitIdentical() => AgreementScenarios.OddShapes(fixture.Backend, 0, output);

    [Fact]
    public void InvalidProblemsAndChunks_Agree()
    {
        fixture.Backend.MaxProblemsPerChunk = 4;
        try
        {
            AgreementScenarios.InvalidAndChunked(fixture.Backend, 0, output);
        }
        finally
        {
            fixture.Backend.MaxProblemsPerChunk = IlgpuBackend.DefaultMaxProblemsPerChunk;
        }
    }
}
