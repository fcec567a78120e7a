using GpuSparse.Kernels.Certificates;
using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.OnChip;
using GpuSparse.Kernels.Penalties;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using Xunit;
using Xunit.Abstractions;

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

/// <summary>
/// The on-chip kernels' gap combination (<see cref="WarpGapTerms"/>: terms summed over a warp's lanes) against the
/// host's sequential <see cref="DualityGapFormula.Combine"/> on the same inputs, on ILGPU's CPU accelerator with warps
/// of 4 and of 32: p below, around and above the warp, every kind of coordinate (pure L1, elastic net, ridge,
/// unpenalised, padding), with and without the dual scaling binding, a NaN correlation on a pure-L1 coordinate and a
/// NaN coefficient.
/// </summary>
/// <remarks>
/// The bound: both sides add the same nonnegative terms, the host in index order, the device in lane partials then
/// a tree, so each of the two sums differs by at most 2γ_p·Σ terms (γ_p = p·u/(1 − p·u), u = 2⁻⁵³); the scaling s is a
/// minimum (exact but for the rounding of s·σⱼ against n·l1ⱼ at a tie), and the final formula rounds P and D once
/// more each: 4u·(|R·y_c| + ‖R‖² + Σ penalty + Σ conjugate) allows for both.
/// </remarks>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuWarpGapTermsTests(ITestOutputHelper output)
{
    private const double Unit = 1.0 / (1L << 53);

    public static TheoryData<int, int, bool> Cases => new()
    {
        { 4, 1, false }, { 4, 3, false }, { 4, 7, true }, { 4, 29, false },
        { 32, 1, false }, { 32, 20, true }, { 32, 31, false }, { 32, 33, false }, { 32, 97, true }, { 32, 224, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void WarpSums_AgreeWithTheHostFormula(int lanes, int p, bool nonNegative)
    {
        var random = new Random(1000 * lanes + p);
        const double n = 13;
        var beta = new double[p];
        var l1 = new double[p];
        var l2 = new double[p];
        var correlation = new double[p];
        for (int j = 0; j < p; j++)
        {
            // coordinate kinds in turn: pure L1, elastic net, ridge, unpenalised, a zero coefficient (padding-like)
            double weight = 0.05 + 0.1 * random.NextDouble();
            (l1[j], l2[j]) = (j % 5) switch { 0 => (weight, 0.0), 1 => (0.5 * weight, 0.5 * weight), 2 => (0.0, weight), 3 => (0.0, 0.0), _ => (weight, 0.0) };
            beta[j] = j % 5 == 4 ? 0 : random.NextDouble() * 2 - 1;
            // |vⱼ| up to 2·n·l1ⱼ on average: the scaling binds on some pure-L1 coordinates
            correlation[j] = (random.NextDouble() * 2 - 1) * n * 0.3;
        }
        double residualNorm2 = 5 + random.NextDouble(), residualDotY = 4 + random.NextDouble();
        var scenarios = new List<(string Name, double[] Beta, double[] Correlation)> { ("random", beta, correlation) };
        if (p > 1)
        {
            // a NaN correlation on a pure-L1 coordinate stays out of the scaling on both sides
            var nanCorrelation = (double[])correlation.Clone();
            nanCorrelation[p / 2 / 5 * 5] = double.NaN;
            scenarios.Add(("NaN v on a pure-L1 coordinate", beta, nanCorrelation));
            var nanBeta = (double[])beta.Clone();
            nanBeta[p - 1] = double.NaN;
            scenarios.Add(("NaN β", nanBeta, correlation));
        }
        foreach (var (name, b, v) in scenarios)
        {
            var (hostGap, hostObjective) = nonNegative
                ? DualityGapFormula.Combine(default(NonNegativeElasticNet<double>), new ArrayWeights(l1, l2), new SpanValues<double>(b), new SpanValues<double>(v), p, residualNorm2, residualDotY, n)
                : DualityGapFormula.Combine(default(ElasticNet<double>), new ArrayWeights(l1, l2), new SpanValues<double>(b), new SpanValues<double>(v), p, residualNorm2, residualDotY, n);
            var lanesOut = nonNegative
                ? OnDevice<NonNegativeElasticNet<double>>(lanes, b, l1, l2, v, residualNorm2, residualDotY, n)
                : OnDevice<ElasticNet<double>>(lanes, b, l1, l2, v, residualNorm2, residualDotY, n);
            for (int lane = 1; lane < lanes; lane++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(lanesOut[0]), BitConverter.DoubleToInt64Bits(lanesOut[2 * lane]));
                Assert.Equal(BitConverter.DoubleToInt64Bits(lanesOut[1]), BitConverter.DoubleToInt64Bits(lanesOut[2 * lane + 1]));
            }
            double gap = lanesOut[0], objective = lanesOut[1];
            output.WriteLine($"warp {lanes}, p = {p}, {(nonNegative ? "β ≥ 0" : "free")}, {name}: host gap {hostGap:R}, device {gap:R}, " +
                $"difference {Math.Abs(gap - hostGap):E2}");
            if (double.IsNaN(hostGap))
            {
                Assert.True(double.IsNaN(gap) && double.IsNaN(objective), $"{name}: device gap {gap}, objective {objective}");
                continue;
            }
            var (penaltySum, conjugateSum) = Terms(b, l1, l2, v, n, nonNegative);
            double gamma = p * Unit / (1 - p * Unit);
            // the sums' reordering, then the final formula's roundings of P and D moved by it (an ulp of each operand)
            double bound = (2 * gamma * (penaltySum + conjugateSum)
                + 4 * Unit * (Math.Abs(residualDotY) + residualNorm2 + penaltySum + conjugateSum)) / n;
            Assert.True(Math.Abs(gap - hostGap) <= bound, $"{name}: device gap {gap:R}, host {hostGap:R}, bound {bound:E2}");
            double objectiveBound = (2 * gamma * penaltySum + 2 * Unit * (0.5 * residualNorm2 + penaltySum)) / n;
            Assert.True(Math.Abs(objective - hostObjective) <= objectiveBound, $"{name}: device objective {objective:R}, host {hostObjective:R}");
        }
    }

    // Σ penalty terms and Σ conjugate terms (all nonnegative) in plain loops, for the bound
    private static (double Penalty, double Conjugate) Terms(double[] beta, double[] l1, double[] l2, double[] v, double n, bool nonNegative)
    {
        double penalty = 0, scale = 1, conjugate = 0;
        for (int j = 0; j < beta.Length; j++)
        {
            penalty += n * l1[j] * Math.Abs(beta[j]) + 0.5 * n * l2[j] * beta[j] * beta[j];
            double support = nonNegative ? Math.Max(v[j], 0) : Math.Abs(v[j]);
            if (l2[j] == 0 && l1[j] > 0 && support > n * l1[j])
                scale = Math.Min(scale, n * l1[j] / support);
        }
        for (int j = 0; j < beta.Length; j++)
        {
            double support = nonNegative ? Math.Max(v[j], 0) : Math.Abs(v[j]);
            double excess = scale * support - n * l1[j];
            if (l2[j] > 0 && excess > 0)
                conjugate += excess * excess / (2 * n * l2[j]);
        }
        return (penalty, conjugate);
    }

    /// <summary>(gap, objective) of every lane of one warp of <paramref name="lanes"/>, lane l at 2l and 2l + 1.</summary>
    private static double[] OnDevice<TPenalty>(int lanes, double[] beta, double[] l1, double[] l2, double[] correlation,
        double residualNorm2, double residualDotY, double n)
        where TPenalty : struct, IPenaltyNorms
    {
        var device = new CPUDevice(numThreadsPerWarp: lanes, numWarpsPerMultiprocessor: 1, numMultiprocessors: 1);
        using var context = Context.Create(builder => builder.CPU(device));
        using var accelerator = context.CreateCPUAccelerator(0);
        var kernel = accelerator.LoadStreamKernel<ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>,
            int, double, double, double>(CombineKernel<TPenalty>);
        using var betaBuffer = accelerator.Allocate1D(beta);
        using var l1Buffer = accelerator.Allocate1D(l1);
        using var l2Buffer = accelerator.Allocate1D(l2);
        using var correlationBuffer = accelerator.Allocate1D(correlation);
        using var outputBuffer = accelerator.Allocate1D<double>(2 * lanes);
        kernel(new KernelConfig(1, lanes), betaBuffer.View, l1Buffer.View, l2Buffer.View, correlationBuffer.View, outputBuffer.View,
            beta.Length, residualNorm2, residualDotY, n);
        accelerator.Synchronize();
        return outputBuffer.GetAsArray1D();
    }

    // The combination as the Gram kernel runs it: lane l the coordinates j ≡ l, the two passes, the butterflies.
    private static void CombineKernel<TPenalty>(ArrayView<double> beta, ArrayView<double> l1, ArrayView<double> l2,
        ArrayView<double> correlation, ArrayView<double> output, int p, double residualNorm2, double residualDotY, double n)
        where TPenalty : struct, IPenaltyNorms
    {
        int lane = Group.IdxX, lanes = Group.DimX;
        var terms = WarpGapTerms.Empty;
        for (int j = lane; j < p; j += lanes)
            terms = terms.AddPrimal<TPenalty>(beta[j], l1[j], l2[j], correlation[j], n);
        terms = terms.ReducePrimal(lanes);
        for (int j = lane; j < p; j += lanes)
            terms = terms.AddConjugate<TPenalty>(l1[j], l2[j], correlation[j], n);
        var (gap, objective) = terms.Finish(lanes, residualNorm2, residualDotY, n);
        output[2 * lane] = gap;
        output[2 * lane + 1] = objective;
    }

    private readonly struct ArrayWeights(double[] l1, double[] l2) : IPenaltyWeights
    {
        public double L1Weight(int j) => l1[j];

        public double L2Weight(int j) => l2[j];

        public int BlockEnd(int start) => start + 1;
    }
}
