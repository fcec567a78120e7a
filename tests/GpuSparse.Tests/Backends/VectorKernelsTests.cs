using GpuSparse.Numerics;
using Xunit;

namespace GpuSparse.Tests.Backends;

public sealed class VectorKernelsTests
{
    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(5, 3, false)]
    [InlineData(9, 8, false)]
    [InlineData(17, 13, false)]
    [InlineData(64, 32, false)]
    [InlineData(11, 37, false)]
    [InlineData(5, 4, true)]
    [InlineData(301, 150, true)]
    [InlineData(1000, 17, true)]
    [InlineData(70, 403, true)]
    public void GramEqualsThePlainTripleLoop(int n, int p, bool parallel)
    {
        // 301 × 150, 1000 × 17 and 70 × 403 span several tiles of rows; 403 leaves a partial block of rows of G.
        var x = new double[n * p];
        for (int e = 0; e < x.Length; e++)
            x[e] = Math.Sin(1.7 * e + 0.3) * (1 + e % 3);
        var gram = new double[p * p];
        VectorKernels.Gram(x, n, p, gram, parallel);
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
