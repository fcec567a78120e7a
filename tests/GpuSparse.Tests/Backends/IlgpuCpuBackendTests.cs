using GpuSparse.Backends;
using GpuSparse.Solvers;
using GpuSparse.Tests.Solvers;
using ILGPU.Runtime.CPU;

using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>The backend suite bound to ILGPU's CPU accelerator on the proximal-gradient engine (one thread per problem).</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuBackendTests : BackendSuite
{
    protected override ISolverBackend CreateBackend() => IlgpuBackend.CreateCpu().With(DeviceEngine.ProximalGradient);
}

/// <summary>
/// The backend suite bound to ILGPU's CPU accelerator on the on-chip coordinate-descent engine (a warp per problem,
/// G in shared memory), with warps of 32 as on CUDA.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuGramBackendTests : BackendSuite
{
    protected override bool UsesProximalGradient => false;

    protected override ISolverBackend CreateBackend() => IlgpuBackend.CreateCpu(CPUDevice.Nvidia).With(DeviceEngine.GramCoordinateDescent);
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
