using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuSparse.Preparation;

/// <summary>
/// <see cref="BatchPreparation.CentreResponse{T, TOut}"/> of four responses at once, one a lane of a
/// <see cref="Vector256{T}"/> of float64, to the same bits: each of its sums (Σy, Σ(y − m̂), ‖y_c‖²) is a chain of
/// dependent additions whose order fixes its result, and a lane-wise addition takes one step of each of the four
/// problems' chains in that order, so one instruction advances four chains where a single response's would wait on each
/// addition. Each block of four samples of the four responses is transposed in registers (samples to lanes) as it is
/// read, and back as y_c is written. y is not checked: a non-finite value makes ‖y_c‖² non-finite (with an intercept
/// through ȳ), which the caller tests (<see cref="CentredLanes.Loss"/>).
/// </summary>
internal static class ResponseLanes
{
    /// <summary>The responses centred at once.</summary>
    public const int Count = 4;

    /// <summary>Whether this machine transposes the blocks in registers (AVX); elsewhere responses are centred one at a time.</summary>
    public static bool IsSupported => Avx.IsSupported;

    /// <summary>
    /// Writes y_c of problems k₀ … k₃ (<paramref name="responses"/> and <paramref name="centred"/> both n a problem,
    /// problem-major; a k may repeat, then its lanes compute and write the same values) rounded to T as
    /// <see cref="BatchPreparation.CentreResponse{T, TOut}"/> writes them, and returns their sums, lane l problem kₗ's.
    /// </summary>
    public static unsafe CentredLanes Centre<T>(T* responses, T* centred, int n, int k0, int k1, int k2, int k3, bool fitIntercept)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = new Rows<T>(responses, n, k0, k1, k2, k3);
        int blocked = n & ~(Count - 1);
        // the two-part mean of BatchPreparation.TwoPartMean (0 and 0 without an intercept)
        Vector256<double> mean = Vector256<double>.Zero, correction = Vector256<double>.Zero;
        if (fitIntercept)
        {
            var samples = Vector256.Create((double)n);
            int i = 0;
            for (; i < blocked; i += Count)
            {
                y.Load(i, out var v0, out var v1, out var v2, out var v3);
                mean = (((mean + v0) + v1) + v2) + v3;
            }
            for (; i < n; i++)
                mean += y.Column(i);
            mean /= samples;
            for (i = 0; i < blocked; i += Count)
            {
                y.Load(i, out var v0, out var v1, out var v2, out var v3);
                correction = (((correction + (v0 - mean)) + (v1 - mean)) + (v2 - mean)) + (v3 - mean);
            }
            for (; i < n; i++)
                correction += y.Column(i) - mean;
            correction /= samples;
        }
        // y_c = (y − m̂) − δ into the staging, ‖y_c‖² from the float64 y_c, and (float32 only) the largest |yᵢ|
        var c = new Rows<T>(centred, n, k0, k1, k2, k3);
        Vector256<double> loss = Vector256<double>.Zero, largest = Vector256<double>.Zero;
        int j = 0;
        for (; j < blocked; j += Count)
        {
            y.Load(j, out var v0, out var v1, out var v2, out var v3);
            if (typeof(T) == typeof(float))
                largest = Vector256.Max(Vector256.Max(largest, Vector256.Abs(v0)), Vector256.Max(Vector256.Max(Vector256.Abs(v1), Vector256.Abs(v2)), Vector256.Abs(v3)));
            v0 = (v0 - mean) - correction;
            v1 = (v1 - mean) - correction;
            v2 = (v2 - mean) - correction;
            v3 = (v3 - mean) - correction;
            loss = (((loss + v0 * v0) + v1 * v1) + v2 * v2) + v3 * v3;
            c.Store(j, v0, v1, v2, v3);
        }
        for (; j < n; j++)
        {
            var v = y.Column(j);
            if (typeof(T) == typeof(float))
                largest = Vector256.Max(largest, Vector256.Abs(v));
            v = (v - mean) - correction;
            loss += v * v;
            c.StoreColumn(j, v);
        }
        return new CentredLanes(mean, correction, loss, largest);
    }

    /// <summary>The n values of four problems in a problem-major buffer, as float64 lanes (lane l: problem kₗ's).</summary>
    private readonly unsafe struct Rows<T>(T* values, int n, int k0, int k1, int k2, int k3)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _row0 = values + (long)k0 * n, _row1 = values + (long)k1 * n, _row2 = values + (long)k2 * n,
            _row3 = values + (long)k3 * n;

        /// <summary>Samples i … i + 3 of the four problems, vⱼ holding sample i + j of each (a transposed block).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Load(int i, out Vector256<double> v0, out Vector256<double> v1, out Vector256<double> v2, out Vector256<double> v3)
        {
            (v0, v1, v2, v3) = (Wide(_row0 + i), Wide(_row1 + i), Wide(_row2 + i), Wide(_row3 + i));
            Transpose(ref v0, ref v1, ref v2, ref v3);
        }

        /// <summary>Sample i of the four problems.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<double> Column(int i) => Vector256.Create(double.CreateTruncating(_row0[i]), double.CreateTruncating(_row1[i]),
            double.CreateTruncating(_row2[i]), double.CreateTruncating(_row3[i]));

        /// <summary>Writes samples i … i + 3 of the four problems from a transposed block (<see cref="Load"/>'s layout), rounded to T.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(int i, Vector256<double> v0, Vector256<double> v1, Vector256<double> v2, Vector256<double> v3)
        {
            Transpose(ref v0, ref v1, ref v2, ref v3);
            Narrow(v0, _row0 + i);
            Narrow(v1, _row1 + i);
            Narrow(v2, _row2 + i);
            Narrow(v3, _row3 + i);
        }

        /// <summary>Writes sample i of the four problems, rounded to T.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void StoreColumn(int i, Vector256<double> v)
        {
            _row0[i] = T.CreateTruncating(v.GetElement(0));
            _row1[i] = T.CreateTruncating(v.GetElement(1));
            _row2[i] = T.CreateTruncating(v.GetElement(2));
            _row3[i] = T.CreateTruncating(v.GetElement(3));
        }

        // four values from T, widened exactly
        private static Vector256<double> Wide(T* at) => typeof(T) == typeof(double)
            ? Vector256.Load((double*)at)
            : Vector256.WidenLower(Vector128.Load((float*)at).ToVector256Unsafe());

        // four values to T, rounded to nearest as T.CreateTruncating rounds one
        private static void Narrow(Vector256<double> v, T* at)
        {
            if (typeof(T) == typeof(double))
                v.Store((double*)at);
            else
                Vector256.Narrow(v, v).GetLower().Store((float*)at);
        }
    }

    // rows r₀ … r₃ of a 4 × 4 block to its columns, in place
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref Vector256<double> r0, ref Vector256<double> r1, ref Vector256<double> r2, ref Vector256<double> r3)
    {
        // (r₀[0], r₁[0], r₀[2], r₁[2]), (r₀[1], r₁[1], r₀[3], r₁[3]), and the same of r₂, r₃
        Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        // low halves paired, then high halves
        r0 = Avx.Permute2x128(t0, t2, 0x20);
        r1 = Avx.Permute2x128(t1, t3, 0x20);
        r2 = Avx.Permute2x128(t0, t2, 0x31);
        r3 = Avx.Permute2x128(t1, t3, 0x31);
    }
}

/// <summary>
/// The sums of four responses centred by <see cref="ResponseLanes.Centre{T}"/>, lane l problem kₗ's: m̂ and δ of the
/// two-part mean, ‖y_c‖² and (float32 only, else 0) the largest |yᵢ|.
/// </summary>
internal readonly record struct CentredLanes(Vector256<double> Mean, Vector256<double> Correction, Vector256<double> Loss,
    Vector256<double> Largest);
