using GpuSparse.Backends;
using GpuSparse.Engines;
using ILGPU.Runtime.CPU;

using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>The backend suite bound to ILGPU's CPU accelerator on the proximal-gradient engine (one thread per problem).</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuBackendTests : BackendSuite
{
    public override string BackendName => "cpu";

    protected override ISolverBackend CreateBackend() => IlgpuBackend.CreateCpu().With(DeviceEngine.ProximalGradient);
}

/// <summary>
/// The backend suite bound to ILGPU's CPU accelerator on the engine the backend picks by shape: the on-chip
/// coordinate descent (a warp per problem, G in shared memory) for p ≤ 64. The emulated warps have 2 lanes
/// (<see cref="IlgpuDevices.TwoLanes"/>), so that the 1000-problem batches fit CI's time; the agreement tests run
/// warps of 4 and 32.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuGramBackendTests : BackendSuite
{
    protected override bool UsesProximalGradient => false;

    public override string BackendName => "cpu";

    protected override ISolverBackend CreateBackend() => IlgpuBackend.CreateCpu(IlgpuDevices.TwoLanes).With(DeviceEngine.Auto);
}

/// <summary>
/// Emulated devices for the warp kernels. Every lane of an emulated warp is an OS thread that waits at each
/// shuffle and barrier, so on a 2-core machine the cost per coordinate update grows steeply with the lanes
/// (measured: 50 problems of 64 × 32 at tol 1e-15 take 0.14 s with 2 lanes, 4 s with 4, 34 s with 32).
/// </summary>
internal static class IlgpuDevices
{
    /// <summary>Warps of 2 lanes, one warp per multiprocessor: the cheapest emulation that still splits coordinates over lanes.</summary>
    public static CPUDevice TwoLanes { get; } = new(numThreadsPerWarp: 2, numWarpsPerMultiprocessor: 1, numMultiprocessors: 1);

    /// <summary>
    /// Warps of 32 lanes as on CUDA (the warp size of <see cref="CPUDevice.Nvidia"/>), one warp per multiprocessor so
    /// that the emulator runs 32 threads rather than <see cref="CPUDevice.Nvidia"/>'s 1024.
    /// </summary>
    public static CPUDevice CudaWarp { get; } = new(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 1, numMultiprocessors: 1);
}

/// <summary>Test helpers for ILGPU backends.</summary>
internal static class IlgpuBackendExtensions
{
    /// <summary>Sets the engine and returns the backend.</summary>
    public static IlgpuBackend With(this IlgpuBackend backend, DeviceEngine engine)
    {
        backend.Engine = engine;
        return backend;
    }
}
