using GpuSparse.Backends;
using GpuSparse.Engines;
using GpuSparse.Tests.Reliability;

using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>The reliability suite bound to ILGPU's CPU accelerator on the proximal-gradient engine.</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuReliabilityTests : ReliabilitySuite
{
    public override string BackendName => "cpu";

    protected override ISolverBackend CreateBackend() => IlgpuBackend.CreateCpu().With(DeviceEngine.ProximalGradient);
}

/// <summary>The reliability suite bound to ILGPU's CPU accelerator on the engine picked by shape (coordinate descent on G for p ≤ 64; warps of 2 lanes, see <see cref="IlgpuDevices"/>).</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuGramReliabilityTests : ReliabilitySuite
{
    public override string BackendName => "cpu";

    protected override ISolverBackend CreateBackend() => IlgpuBackend.CreateCpu(IlgpuDevices.TwoLanes).With(DeviceEngine.Auto);
}

/// <summary>The reliability suite bound to CUDA: runs where a GPU is present, reported as skipped elsewhere.</summary>
public sealed class IlgpuCudaReliabilityTests : ReliabilitySuite
{
    public override string BackendName => "cuda";
}
