using System.Numerics;
using System.Runtime.InteropServices;
using GpuSparse.Preparation;
using Xunit;

namespace GpuSparse.Tests.Preparation;

/// <summary>
/// <see cref="ResponseLanes.Centre{T}"/> against <see cref="BatchPreparation.CentreResponse{T, TOut}"/> one response at
/// a time: y_c, m̂ + δ, ‖y_c‖² (and so the scales) to the last bit, for n below, at and past a block of four (tails of
/// 1–3 samples) and 9 problems in the groups a resident call centres (the last one's lanes all repeat it). The responses
/// sit on an offset of 10³ with magnitudes from 10⁻³ to 10⁹, so that any other order of any of the three sums (a pairwise
/// or blocked sum, an addition moved within a block) changes bits.
/// </summary>
public sealed class ResponseLanesTests
{
    private const int Count = 9;

    [SkippableTheory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    [InlineData(5, false)]
    [InlineData(7, true)]
    [InlineData(16, true)]
    [InlineData(17, false)]
    [InlineData(17, true)]
    [InlineData(64, true)]
    [InlineData(67, true)]
    public void FourAtOnce_AreOneAtATimeToTheBit(int n, bool fitIntercept)
    {
        Skip.IfNot(ResponseLanes.IsSupported, "the lanes are transposed with AVX; elsewhere responses are centred one at a time");
        AssertLikeOneAtATime<double>(n, fitIntercept);
        AssertLikeOneAtATime<float>(n, fitIntercept);
    }

    private static unsafe void AssertLikeOneAtATime<T>(int n, bool fitIntercept) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(n * 2 + (fitIntercept ? 1 : 0));
        var y = new T[Count * n];
        for (int e = 0; e < y.Length; e++)
            y[e] = T.CreateTruncating(1e3 + (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 10)));
        var centred = new T[Count * n];
        var expected = new T[n];
        fixed (T* responses = y, staged = centred)
        {
            for (int first = 0; first < Count; first += ResponseLanes.Count)
            {
                int last = Math.Min(first + ResponseLanes.Count, Count) - 1;
                var sums = ResponseLanes.Centre(responses, staged, n, first, last, fitIntercept);
                for (int lane = 0; lane < ResponseLanes.Count; lane++)
                {
                    int k = Math.Min(first + lane, last);
                    var response = y.AsSpan(k * n, n);
                    var scales = BatchPreparation.CentreResponse(response, fitIntercept, 1e-6, expected.AsSpan());
                    var lanes = BatchPreparation.Scales(sums.Mean[lane], sums.Correction[lane], sums.Loss[lane], n, 1e-6);
                    Assert.Equal(Bits(scales.Mean), Bits(lanes.Mean));
                    Assert.Equal(Bits(scales.NullObjective), Bits(lanes.NullObjective));
                    Assert.Equal(Bits(scales.GapTolerance), Bits(lanes.GapTolerance));
                    Assert.Equal(MemoryMarshal.AsBytes(expected.AsSpan()).ToArray(), MemoryMarshal.AsBytes(centred.AsSpan(k * n, n)).ToArray());
                    if (typeof(T) == typeof(float))
                    {
                        double largest = 0;
                        foreach (var v in response)
                            largest = Math.Max(largest, Math.Abs(double.CreateTruncating(v)));
                        Assert.Equal(largest, sums.Largest[lane]);
                    }
                }
            }
        }
    }

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);
}
