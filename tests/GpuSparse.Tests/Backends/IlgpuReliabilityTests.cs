using GpuSparse.Backends;
using GpuSparse.Solvers;
using GpuSparse.Tests.Reliability;

using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>The reliability suite bound to ILGPU's CPU accelerator.</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuReliabilityTests : ReliabilitySuite
{
    protected override ISolverBackend CreateBackend() => IlgpuBackend.CreateCpu();
}

/// <summary>The reliability suite bound to CUDA: runs where a GPU is present, reported as skipped elsewhere.</summary>
public sealed class IlgpuCudaReliabilityTests : ReliabilitySuite
{
    protected override string? SkipReason => CudaAvailability.SkipReason;

    protected override ISolverBackend CreateBackend() => IlgpuBackend.CreateCuda();
}
