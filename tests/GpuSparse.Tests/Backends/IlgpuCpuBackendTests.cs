using GpuSparse.Backends;
using GpuSparse.Solvers;
using GpuSparse.Tests.Solvers;

using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>The backend suite bound to ILGPU's CPU accelerator: the device code path CI can run.</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuBackendTests : BackendSuite
{
    protected override ISolverBackend CreateBackend() => IlgpuBackend.CreateCpu();
}
