using GpuSparse.Model;
using GpuSparse.Sweeps;
using Xunit;

namespace GpuSparse.Tests.Reliability;

/// <summary>Array lengths sized by the inputs never overflow: beyond the largest array they are refused, naming what they hold.</summary>
public sealed class ArraySizeTests
{
    [Fact]
    public void ProductsWithinTheLimitAreExact()
    {
        Assert.Equal(60, ArraySize.Of("x", 3, 4, 5));
        Assert.Equal(0, ArraySize.Of("x", 0, int.MaxValue, int.MaxValue));
        Assert.Equal(Array.MaxLength, ArraySize.Of("x", Array.MaxLength, 1));
    }

    [Theory]
    // p² beyond an int, and products whose int wrap-around would look small (65,536² wraps to 0).
    [InlineData(46_341, 46_341, 1)]
    [InlineData(65_536, 65_536, 1)]
    [InlineData(int.MaxValue, int.MaxValue, int.MaxValue)]
    [InlineData(100_000, 100, 1_000)]
    public void ProductsBeyondTheLimitAreRefusedByName(int a, int b, int c)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ArraySize.Of("path coefficients", a, b, c));
        Assert.Contains("path coefficients", error.Message);
        Assert.Contains("largest array", error.Message);
    }

    [Fact]
    public void APathResultTooLargeForAnArrayIsRefusedBeforeAllocating()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new PathResult(100_000, 100, 1_000));
        Assert.Contains("path coefficients", error.Message);
    }
}
