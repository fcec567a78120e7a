using GpuSparse.Anomaly;
using Xunit;

namespace GpuSparse.Tests.Anomaly;

public sealed class DictionariesTests
{
    [Theory]
    [InlineData(8, 14, 64)]
    [InlineData(8, 2, 6)]
    [InlineData(4, 3, 10)]
    [InlineData(5, 0, 1)]
    public void DctAtomsAreOrthonormal(int width, int maxFrequency, int expectedAtoms)
    {
        var d = CodingDictionary.Dct2D(width, maxFrequency);
        Assert.Equal(width * width, d.Length);
        Assert.Equal(expectedAtoms, d.Count);
        Assert.True(MaxGramError(d) < 1e-12);
    }

    [Fact]
    public void DctAtomsAreTheSeparableCosines()
    {
        // Atom 2 of an 8 × 8 basis ordered by u + v then u is (u, v) = (1, 0): it varies down the rows only.
        var d = CodingDictionary.Dct2D(8, 1);
        for (int a = 0; a < 8; a++)
            for (int b = 0; b < 8; b++)
            {
                double expected = 0.5 * Math.Cos(Math.PI * (2 * a + 1) / 16) * Math.Sqrt(1.0 / 8);
                Assert.Equal(expected, d[a * 8 + b, 2], 14);
                Assert.Equal(1.0 / 8, d[a * 8 + b, 0], 14);
            }
    }

    [Fact]
    public void FromMatrixScalesAtomsToUnitNorm()
    {
        var d = CodingDictionary.FromMatrix([3, 0, 4, 2, 0, 0], 2);
        Assert.Equal(0.6, d[0, 0], 15);
        Assert.Equal(0.8, d[1, 0], 15);
        Assert.Equal(1.0, d[1, 1], 15);
        Assert.Throws<ArgumentException>(() => CodingDictionary.FromMatrix([1, 0, 1, 0], 2));
    }

    [Fact]
    public void PrincipalComponentsSpanTheTrainingSubspace()
    {
        const int n = 16, rank = 3, m = 200;
        var random = new Random(7);
        var basis = new double[rank][];
        for (int r = 0; r < rank; r++)
            basis[r] = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1)];
        var windows = new double[m * n];
        for (int w = 0; w < m; w++)
            for (int r = 0; r < rank; r++)
            {
                double c = random.NextDouble() * 4 - 2;
                for (int i = 0; i < n; i++)
                    windows[w * n + i] += c * basis[r][i];
            }

        var d = CodingDictionary.PrincipalComponents(windows, n, rank);

        Assert.True(MaxGramError(d) < 1e-12);
        // Every training generator lies in span(D): its residual after projection onto the atoms vanishes.
        foreach (var v in basis)
            Assert.True(ProjectionResidual(d, v) < 1e-10 * Norm(v));
        // With one atom too few, the span misses part of the training subspace.
        var smaller = CodingDictionary.PrincipalComponents(windows, n, rank - 1);
        Assert.Contains(basis, v => ProjectionResidual(smaller, v) > 1e-3 * Norm(v));
    }

    private static double MaxGramError(CodingDictionary d)
    {
        double worst = 0;
        for (int a = 0; a < d.Count; a++)
            for (int b = 0; b < d.Count; b++)
            {
                double dot = 0;
                for (int i = 0; i < d.Length; i++)
                    dot += d[i, a] * d[i, b];
                worst = Math.Max(worst, Math.Abs(dot - (a == b ? 1 : 0)));
            }
        return worst;
    }

    /// <summary>‖v − DDᵀv‖ for a dictionary with orthonormal atoms.</summary>
    private static double ProjectionResidual(CodingDictionary d, double[] v)
    {
        var residual = (double[])v.Clone();
        for (int j = 0; j < d.Count; j++)
        {
            double c = 0;
            for (int i = 0; i < d.Length; i++)
                c += d[i, j] * v[i];
            for (int i = 0; i < d.Length; i++)
                residual[i] -= c * d[i, j];
        }
        return Norm(residual);
    }

    private static double Norm(double[] v) => Math.Sqrt(v.Sum(e => e * e));
}
