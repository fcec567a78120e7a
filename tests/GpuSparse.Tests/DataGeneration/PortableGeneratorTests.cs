using System.Buffers.Binary;
using System.Security.Cryptography;
using GpuSparse.Data;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.DataGeneration;

public sealed class PortableGeneratorTests
{
    // shared/README.md: SHA-256 of the (1000, 64, 32) float64 little-endian X of the batch case.
    private const string BatchXSha256 = "c848fe5417bf1fad53ea113df2f1c29b8256bcddb974f4880fb7d70d5350c7d3";

    private static readonly Lazy<BatchCase> Batch = new(ReferenceCases.LoadBatch);

    [Fact]
    public void SplitMix64MatchesTheCanonicalSequence()
    {
        // Vigna's splitmix64.c started from state 0.
        Assert.Equal(0xE220A8397B1DCDAFUL, PortableGenerator.SplitMix64(0, 0));
        Assert.Equal(0x6E789E6AA1B965F4UL, PortableGenerator.SplitMix64(0, 1));
        Assert.Equal(0x06C45D188009454FUL, PortableGenerator.SplitMix64(0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => PortableGenerator.SplitMix64(0, -1));
    }

    [Fact]
    public void SplitMix64WrapsAroundTheState()
    {
        // Output i of seed s is output 0 of seed s + i·golden (mod 2^64), including seeds near 2^64.
        const ulong golden = 0x9E3779B97F4A7C15;
        ulong seed = ulong.MaxValue - 5;
        Assert.Equal(PortableGenerator.SplitMix64(unchecked(seed + 3 * golden), 0), PortableGenerator.SplitMix64(seed, 3));
    }

    [Fact]
    public void UniformAndSymmetricDrawsFollowTheDefinition()
    {
        var u = new double[1000];
        var s = new double[1000];
        PortableGenerator.Uniform01(42, u);
        PortableGenerator.USym(42, s);
        for (int i = 0; i < u.Length; i++)
        {
            Assert.Equal((PortableGenerator.SplitMix64(42, i) >> 11) / 9007199254740992.0, u[i]);
            Assert.InRange(u[i], 0.0, 1.0 - 1e-17);
            Assert.Equal((2 * u[i] - 1) * Math.Sqrt(3), s[i]);
        }
        Assert.InRange(s.Average(), -0.1, 0.1);
        Assert.InRange(s.Select(v => v * v).Average(), 0.9, 1.1);
    }

    [Fact]
    public void RegeneratedBatchXIsBitIdenticalToTheReference()
    {
        double[] x = Batch.Value.X;
        Assert.Equal(1000 * 64 * 32, x.Length);
        var bytes = new byte[x.Length * sizeof(double)];
        for (int i = 0; i < x.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)), x[i]);
        }
        Assert.Equal(BatchXSha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    [Fact]
    public void RegeneratedBatchYMatchesTheShippedY()
    {
        var batch = Batch.Value;
        var regenerated = PortableGenerator.Batch(batch.Count, batch.Samples, batch.Features);
        AssertRelativelyClose(batch.Y, regenerated.Y, 1e-12, floor: 1.0);
    }

    [Fact]
    public void RegeneratedAlphasMatchTheShippedAlphas()
    {
        var batch = Batch.Value;
        var regenerated = PortableGenerator.Batch(batch.Count, batch.Samples, batch.Features);
        AssertRelativelyClose(batch.Alphas, regenerated.Alphas, 1e-12, floor: 0.0);
    }

    [Fact]
    public void BatchProblemsAreThePortableProblemsOfConsecutiveSeeds()
    {
        var batch = PortableGenerator.Batch(3, 10, 4, seedBase: 50, alphaSeed: 9);
        var u = new double[3];
        PortableGenerator.Uniform01(9, u);
        for (int k = 0; k < 3; k++)
        {
            var problem = PortableGenerator.Problem(10, 4, 50 + (ulong)k);
            Assert.Equal(problem.X, batch.X.AsSpan(k * 40, 40).ToArray());
            Assert.Equal(problem.Y, batch.Y.AsSpan(k * 10, 10).ToArray());
            double alphaMax = PortableGenerator.AlphaMax(problem.X, problem.Y, 10, 4);
            Assert.Equal(Math.Pow(10, -2 + 1.5 * u[k]) * alphaMax, batch.Alphas[k]);
        }
    }

    [Fact]
    public void ProblemPlacesTheTrueSupportAndBuildsY()
    {
        var problem = PortableGenerator.Problem(40, 24, 7);
        // k = min(40, 24) / 8 = 3, step 8: +1 at 0, -2 at 8, +3 at 16.
        var w = new double[24];
        w[0] = 1;
        w[8] = -2;
        w[16] = 3;
        Assert.Equal(w, problem.WTrue);
        Assert.Equal((40, 24), (problem.Samples, problem.Features));

        var x = new double[40 * 24];
        PortableGenerator.USym(7, x);
        Assert.Equal(x, problem.X);
        var e = new double[40];
        PortableGenerator.USym(7 + 0x5851F42D4C957F2D, e);
        for (int i = 0; i < 40; i++)
        {
            double expected = x[i * 24] - 2 * x[i * 24 + 8] + 3 * x[i * 24 + 16] + 0.5 * e[i] + 1;
            Assert.Equal(expected, problem.Y[i], 1e-13);
        }
    }

    [Fact]
    public void ProblemHonoursKAndNoiseAndRejectsImpossibleSupports()
    {
        var problem = PortableGenerator.Problem(5, 4, 3, kNonzero: 4, noise: 0);
        Assert.Equal([1.0, -2.0, 3.0, -1.0], problem.WTrue);
        for (int i = 0; i < 5; i++)
        {
            double xw = 0;
            for (int j = 0; j < 4; j++)
            {
                xw += problem.X[i * 4 + j] * problem.WTrue[j];
            }
            Assert.Equal(xw + 1, problem.Y[i]);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => PortableGenerator.Problem(5, 4, 3, kNonzero: 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => PortableGenerator.Problem(5, 4, 3, kNonzero: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PortableGenerator.Problem(0, 4, 3));
    }

    public static TheoryData<string, string> AlphaMaxProblems()
    {
        var data = new TheoryData<string, string>();
        foreach (string name in ReferenceCases.Names)
        {
            foreach (var problem in ReferenceCases.Load(name).Problems.Where(q => q.L1Ratio > 0))
            {
                data.Add(name, problem.Id);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AlphaMaxProblems))]
    public void AlphaMaxMatchesTheReference(string caseName, string problemId)
    {
        var c = ReferenceCases.Load(caseName);
        var problem = c.Problems.Single(q => q.Id == problemId);

        double alphaMax = PortableGenerator.AlphaMax(c.X, c.Y, c.Samples, c.Features, problem.L1Ratio, problem.FitIntercept);

        Assert.Equal(problem.AlphaMax, alphaMax, 1e-12 * Math.Max(problem.AlphaMax, 1e-300));
    }

    [Fact]
    public void AlphaMaxRejectsRidgeAndMismatchedSizes()
    {
        double[] x = [1, 2, 3, 4];
        double[] y = [1, 2];
        Assert.Throws<ArgumentOutOfRangeException>(() => PortableGenerator.AlphaMax(x, y, 2, 2, l1Ratio: 0));
        Assert.Throws<ArgumentException>(() => PortableGenerator.AlphaMax(x, y, 2, 3));
    }

    /// <summary>|a - e| ≤ relative·max(|e|, floor): y crosses zero, so it is judged on its unit scale.</summary>
    private static void AssertRelativelyClose(double[] expected, double[] actual, double relative, double floor)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = relative * Math.Max(Math.Abs(expected[i]), floor);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
