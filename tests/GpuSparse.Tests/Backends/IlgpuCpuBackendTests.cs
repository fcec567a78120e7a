using GpuSparse.Backends;
using GpuSparse.Solvers;
using GpuSparse.Tests.Solvers;

namespace GpuSparse.Tests.Backends;

/// <summary>The backend suite bound to ILGPU's CPU accelerator: the device code path CI can run.</summary>
public sealed class IlgpuCpuBackendTests : BackendSuite
{
    protected override ISolverBackend CreateBackend() => IlgpuBackend.CreateCpu();
}
