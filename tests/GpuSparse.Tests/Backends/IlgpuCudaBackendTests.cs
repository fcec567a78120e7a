using GpuSparse.Backends;

namespace GpuSparse.Tests.Backends;

/// <summary>The backend suite bound to CUDA: runs where a GPU is present, reported as skipped elsewhere.</summary>
public sealed class IlgpuCudaBackendTests : BackendSuite
{
    public override string BackendName => "cuda";
}
