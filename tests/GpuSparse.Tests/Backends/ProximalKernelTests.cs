using System.Numerics;
using GpuSparse.Kernels.Penalties;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>Device kernels that map a proximal functor over a vector, as the batched step does per coordinate.</summary>
public static class ProximalTestKernels
{
    /// <summary>out[i] = prox(z[i], l1[i], l2[i]).</summary>
    public static void Map<T, TPenalty>(Index1D i, ArrayView<T> z, ArrayView<T> l1, ArrayView<T> l2, ArrayView<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T> =>
        result[i] = default(TPenalty).Proximal(z[i], l1[i], l2[i]);
}

/// <summary>
/// The proximal maps compiled by ILGPU (CPU accelerator) against an independent scalar formula, for every
/// length from 1 to 70 and a few odd large ones, with values on, inside and outside the threshold.
/// </summary>
public sealed class ProximalKernelTests : IDisposable
{
    private static readonly int[] Lengths = [.. Enumerable.Range(1, 70), 127, 255, 1000, 1023];
    private readonly Context _context = Context.Create(builder => builder.CPU());
    private readonly Accelerator _accelerator;

    public ProximalKernelTests() => _accelerator = _context.CreateCPUAccelerator(0);

    [Fact]
    public void ElasticNet_Float64_AllLengths() =>
        Check<double, ElasticNet<double>>((z, l1, l2) => Math.Sign(z) * Math.Max(Math.Abs(z) - l1, 0) / (1 + l2));

    [Fact]
    public void ElasticNet_Float32_AllLengths() =>
        Check<float, ElasticNet<float>>((z, l1, l2) => MathF.Sign(z) * MathF.Max(MathF.Abs(z) - l1, 0) / (1 + l2));

    [Fact]
    public void NonNegative_Float64_AllLengths() =>
        Check<double, NonNegativeElasticNet<double>>((z, l1, l2) => Math.Max(z - l1, 0) / (1 + l2));

    [Fact]
    public void NonNegative_Float32_AllLengths() =>
        Check<float, NonNegativeElasticNet<float>>((z, l1, l2) => MathF.Max(z - l1, 0) / (1 + l2));

    private void Check<T, TPenalty>(Func<T, T, T, T> scalar)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
    {
        var kernel = _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>>(
            ProximalTestKernels.Map<T, TPenalty>);
        var random = new Random(Lengths.Length);
        foreach (int length in Lengths)
        {
            var z = new T[length];
            var l1 = new T[length];
            var l2 = new T[length];
            for (int i = 0; i < length; i++)
            {
                l1[i] = i % 9 == 0 ? T.Zero : T.CreateTruncating(random.NextDouble());
                l2[i] = i % 4 == 0 ? T.Zero : T.CreateTruncating(2 * random.NextDouble());
                // exactly on ±threshold, inside it, and outside it on either side
                z[i] = (i % 5) switch
                {
                    0 => l1[i],
                    1 => -l1[i],
                    _ => T.CreateTruncating(4 * random.NextDouble() - 2),
                };
            }
            using var zBuffer = _accelerator.Allocate1D(z);
            using var l1Buffer = _accelerator.Allocate1D(l1);
            using var l2Buffer = _accelerator.Allocate1D(l2);
            using var result = _accelerator.Allocate1D<T>(length);
            kernel(length, zBuffer.View, l1Buffer.View, l2Buffer.View, result.View);
            var actual = result.GetAsArray1D();
            for (int i = 0; i < length; i++)
            {
                T expected = scalar(z[i], l1[i], l2[i]);
                Assert.True(expected == actual[i], $"length {length}, i = {i}: prox({z[i]}, {l1[i]}, {l2[i]}) = {actual[i]}, expected {expected}");
            }
        }
    }

    public void Dispose()
    {
        _accelerator.Dispose();
        _context.Dispose();
    }
}
