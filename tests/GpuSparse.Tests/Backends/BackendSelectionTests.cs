using GpuSparse.Backends;
using GpuSparse.Engines;
using Xunit;

namespace GpuSparse.Tests.Backends;

public sealed class BackendSelectionTests
{
    [Fact]
    public void Auto_IsCudaWithADevice_OtherwiseCoordinateDescent()
    {
        using var backend = BackendRegistry.Create(BackendRegistry.Auto);
        Assert.Equal(IlgpuBackend.IsCudaAvailable ? "cuda" : "cd", backend.Name);
    }

    [Fact]
    public void Names_CreateTheirBackends()
    {
        using var reference = BackendRegistry.Create("reference");
        using var cpu = BackendRegistry.Create("cpu");
        using var cd = BackendRegistry.Create("cd");
        Assert.IsType<ReferenceBackend>(reference);
        Assert.IsType<CoordinateDescentBackend>(cd);
        Assert.Equal("cpu", cpu.Name);
    }

    [Fact]
    public void Cuda_IsCreatedExactlyWhenADeviceExists()
    {
        if (IlgpuBackend.IsCudaAvailable)
        {
            using var cuda = BackendRegistry.Create("cuda");
            Assert.Equal("cuda", cuda.Name);
        }
        else
        {
            var error = Assert.Throws<NotSupportedException>(() => BackendRegistry.Create("cuda"));
            Assert.Contains("no CUDA device", error.Message);
        }
    }
}
