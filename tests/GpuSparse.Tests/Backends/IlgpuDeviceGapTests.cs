using GpuSparse.Kernels.Certificates;
using GpuSparse.Kernels.Numerics;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// The device kernels' maxima keep NaN operands explicitly, as .NET's Math.Max does, so that a NaN reaches the
/// divergence test on CUDA too (PTX max.f64 would return the other operand).
/// </summary>
public sealed class IlgpuDeviceGapTests
{
    [Theory]
    [InlineData(double.NaN, 1.0)]
    [InlineData(1.0, double.NaN)]
    [InlineData(double.NaN, double.NaN)]
    public void MaxKeepsNaN(double a, double b)
    {
        Assert.True(double.IsNaN(Math.Max(a, b)));
        Assert.True(double.IsNaN(NanPreserving.Max(a, b)));
    }

    [Theory]
    [InlineData(2.0, 3.0)]
    [InlineData(3.0, 2.0)]
    [InlineData(-1.0, double.PositiveInfinity)]
    public void MaxOfNumbersIsMathMax(double a, double b) => Assert.Equal(Math.Max(a, b), NanPreserving.Max(a, b));

    [Theory]
    [InlineData(-2.0)]
    [InlineData(0.0)]
    [InlineData(3.5)]
    [InlineData(double.NaN)]
    public void PositivePartIsMathMaxWithZero(double x) => Assert.Equal(Math.Max(x, 0), NanPreserving.PositivePart(x));

    [Fact]
    public void ANaNObjectiveDivergesAndSetsANaNRunaway()
    {
        Assert.True(double.IsNaN(StoppingRule.Runaway(double.NaN, 1)));
        Assert.True(StoppingRule.Diverged(0, double.NaN, double.NaN));
        Assert.True(StoppingRule.Diverged(double.NaN, 1, 100));
        Assert.True(StoppingRule.Diverged(1e-3, 101, StoppingRule.Runaway(10, 1)));
        Assert.False(StoppingRule.Diverged(1e-3, 99, StoppingRule.Runaway(10, 1)));
    }
}
