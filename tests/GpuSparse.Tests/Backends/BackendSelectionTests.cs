using GpuSparse.Backends;
using GpuSparse.Engines;
using Xunit;

namespace GpuSparse.Tests.Backends;

public sealed class BackendSelectionTests
{
    [Fact]
    public void Auto_IsCudaWithADevice_OtherwiseCoordinateDescent()
    {
        using var backend = Backend.Create(BackendKind.Auto);
        Assert.Equal(IlgpuBackend.IsCudaAvailable ? "cuda" : "cd", backend.Name);
    }

    [Fact]
    public void Kinds_HaveTheirNames()
    {
        using var reference = Backend.Create(BackendKind.Reference);
        using var cpu = Backend.Create(BackendKind.Cpu);
        using var cd = Backend.Create(BackendKind.CoordinateDescent);
        Assert.IsType<ReferenceBackend>(reference);
        Assert.IsType<CoordinateDescentBackend>(cd);
        Assert.Equal("cpu", cpu.Name);
    }

    [Fact]
    public void Cuda_IsCreatedExactlyWhenADeviceExists()
    {
        if (IlgpuBackend.IsCudaAvailable)
        {
            using var cuda = Backend.Create(BackendKind.Cuda);
            Assert.Equal("cuda", cuda.Name);
        }
        else
        {
            var error = Assert.Throws<NotSupportedException>(() => Backend.Create(BackendKind.Cuda));
            Assert.Contains("no CUDA device", error.Message);
        }
    }
}
