using GpuSparse.Backends;
using Xunit;

namespace GpuSparse.Tests.Backends;

public sealed class VectorKernelsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 3)]
    [InlineData(9, 8)]
    [InlineData(17, 13)]
    [InlineData(64, 32)]
    [InlineData(11, 37)]
    public void GramEqualsThePlainTripleLoop(int n, int p)
    {
        var x = new double[n * p];
        for (int e = 0; e < x.Length; e++)
            x[e] = Math.Sin(1.7 * e + 0.3) * (1 + e % 3);
        var gram = new double[p * p];
        VectorKernels.Gram(x, n, p, gram);
        for (int a = 0; a < p; a++)
            for (int b = 0; b < p; b++)
            {
                double s = 0;
                for (int i = 0; i < n; i++)
                    s += x[i * p + a] * x[i * p + b];
                Assert.Equal(s, gram[a * p + b], 1e-12 * Math.Max(1, Math.Abs(s)));
                Assert.Equal(gram[b * p + a], gram[a * p + b]);
            }
    }

    [Fact]
    public void DotAndAddScaledCoverTheScalarTail()
    {
        var x = Enumerable.Range(1, 11).Select(i => (float)i).ToArray();
        var y = Enumerable.Range(1, 11).Select(i => 2f * i).ToArray();
        Assert.Equal(2f * x.Sum(v => v * v), VectorKernels.Dot<float>(x, y));
        VectorKernels.AddScaled<float>(y, -2f, x);
        Assert.All(y, v => Assert.Equal(0f, v));
    }
}
