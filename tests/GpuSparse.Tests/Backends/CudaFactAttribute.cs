using GpuSparse.Backends;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>A fact that is reported as skipped (never as passed) when no CUDA device is present.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!IlgpuBackend.IsCudaAvailable)
            Skip = "no CUDA device";
    }
}

/// <summary>A theory that is reported as skipped (never as passed) when no CUDA device is present.</summary>
public sealed class CudaTheoryAttribute : TheoryAttribute
{
    public CudaTheoryAttribute()
    {
        if (!IlgpuBackend.IsCudaAvailable)
            Skip = "no CUDA device";
    }
}
