using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuSparse.Preparation;

/// <summary>
/// <see cref="BatchPreparation.CentreResponse{T, TOut}"/> of eight responses at once, one a float64 lane of
/// <see cref="Lanes"/>, to the same bits: each of its sums (Σy, Σ(y − m̂), ‖y_c‖²) is a chain of dependent additions whose
/// order fixes its result, and a lane-wise addition takes one step of each problem's chain in that order, so the eight
/// chains advance together where a single response's would wait on each addition. Each block of four samples of four
/// responses is transposed in registers (samples to lanes) as it is read, and back as y_c is written. y is not checked: a
/// non-finite value makes ‖y_c‖² non-finite (with an intercept through ȳ), which the caller tests
/// (<see cref="CentredLanes.Loss"/>).
/// </summary>
internal static class ResponseLanes
{
    /// <summary>The responses centred at once.</summary>
    public const int Count = 2 * Group;

    // the responses of one Vector256 (a 4 × 4 block of samples is transposed at a time)
    private const int Group = 4;

    /// <summary>Whether this machine transposes the blocks in registers (AVX); elsewhere responses are centred one at a time.</summary>
    public static bool IsSupported => Avx.IsSupported;

    /// <summary>
    /// Writes y_c of problems <paramref name="first"/> … <paramref name="last"/> (at most <see cref="Count"/>;
    /// <paramref name="responses"/> and <paramref name="centred"/> both n values a problem, problem-major) rounded to T as
    /// <see cref="BatchPreparation.CentreResponse{T, TOut}"/> writes them, and returns their sums, lane l problem
    /// first + l's; lanes beyond <paramref name="last"/> repeat it (its values computed and written again).
    /// </summary>
    // Not inlined: inside the staging loop it exhausted the JIT's inlining budget there, which left the lane operators
    // as calls; on its own, every helper below is inlined into it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static unsafe CentredLanes Centre<T>(T* responses, T* centred, int n, int first, int last, bool fitIntercept)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = new Rows<T>(responses, n, first, last);
        int blocked = n & ~(Group - 1);
        // the two-part mean of BatchPreparation.TwoPartMean (0 and 0 without an intercept)
        Lanes mean = default, correction = default;
        if (fitIntercept)
        {
            var samples = Lanes.Create(n);
            int i = 0;
            for (; i < blocked; i += Group)
            {
                y.Load(i, out var v0, out var v1, out var v2, out var v3);
                mean = (((mean + v0) + v1) + v2) + v3;
            }
            for (; i < n; i++)
                mean += y.Column(i);
            mean /= samples;
            for (i = 0; i < blocked; i += Group)
            {
                y.Load(i, out var v0, out var v1, out var v2, out var v3);
                correction = (((correction + (v0 - mean)) + (v1 - mean)) + (v2 - mean)) + (v3 - mean);
            }
            for (; i < n; i++)
                correction += y.Column(i) - mean;
            correction /= samples;
        }
        // y_c = (y − m̂) − δ into the staging, ‖y_c‖² from the float64 y_c, and (float32 only) the largest |yᵢ|
        var c = new Rows<T>(centred, n, first, last);
        Lanes loss = default, largest = default;
        int j = 0;
        for (; j < blocked; j += Group)
        {
            y.Load(j, out var v0, out var v1, out var v2, out var v3);
            if (typeof(T) == typeof(float))
                largest = Lanes.Max(Lanes.Max(largest, Lanes.Abs(v0)), Lanes.Max(Lanes.Max(Lanes.Abs(v1), Lanes.Abs(v2)), Lanes.Abs(v3)));
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
                largest = Lanes.Max(largest, Lanes.Abs(v));
            v = (v - mean) - correction;
            loss += v * v;
            c.StoreColumn(j, v);
        }
        return new CentredLanes(mean, correction, loss, largest);
    }

    /// <summary>
    /// Asks the caches for the n values each of problems <paramref name="first"/> … <paramref name="first"/> +
    /// <paramref name="count"/> − 1 (contiguous, problem-major), to be read by the next <see cref="Centre{T}"/>.
    /// </summary>
    /// <remarks>
    /// <see cref="Centre{T}"/> reads its group's rows interleaved, a block of four values of each in turn, an order the
    /// hardware's stream prefetcher follows poorly; the next group requested one group ahead made large-K staging
    /// 10–20 % faster (benchmarks/RESULTS.md). A request changes no value.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch<T>(T* responses, int n, int first, int count) where T : unmanaged
    {
        byte* start = (byte*)(responses + (long)first * n);
        long bytes = (long)count * n * sizeof(T);
        for (long line = 0; line < bytes; line += CacheLine)
            Sse.Prefetch0(start + line);
    }

    // the bytes one prefetch brings in
    private const int CacheLine = 64;

    /// <summary>
    /// The n values of <see cref="Count"/> problems in a problem-major buffer, as float64 lanes (lane l: problem
    /// first + l's, the last repeated), read and written a transposed block of four samples at a time.
    /// </summary>
    private readonly unsafe struct Rows<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T* _row0, _row1, _row2, _row3, _row4, _row5, _row6, _row7;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Rows(T* values, int n, int first, int last)
        {
            _row0 = Row(values, n, first, last);
            _row1 = Row(values, n, first + 1, last);
            _row2 = Row(values, n, first + 2, last);
            _row3 = Row(values, n, first + 3, last);
            _row4 = Row(values, n, first + 4, last);
            _row5 = Row(values, n, first + 5, last);
            _row6 = Row(values, n, first + 6, last);
            _row7 = Row(values, n, first + 7, last);
        }

        // problem k's n values, or the last problem's beyond it
        private static T* Row(T* values, int n, int k, int last) => values + (long)Math.Min(k, last) * n;

        /// <summary>Samples i … i + 3 of the problems, vⱼ holding sample i + j of each.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Load(int i, out Lanes v0, out Lanes v1, out Lanes v2, out Lanes v3)
        {
            var low = Transposed(_row0 + i, _row1 + i, _row2 + i, _row3 + i);
            var high = Transposed(_row4 + i, _row5 + i, _row6 + i, _row7 + i);
            (v0, v1, v2, v3) = (new(low.V0, high.V0), new(low.V1, high.V1), new(low.V2, high.V2), new(low.V3, high.V3));
        }

        /// <summary>Sample i of the problems.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Lanes Column(int i) => new(
            Vector256.Create(double.CreateTruncating(_row0[i]), double.CreateTruncating(_row1[i]), double.CreateTruncating(_row2[i]), double.CreateTruncating(_row3[i])),
            Vector256.Create(double.CreateTruncating(_row4[i]), double.CreateTruncating(_row5[i]), double.CreateTruncating(_row6[i]), double.CreateTruncating(_row7[i])));

        /// <summary>Writes samples i … i + 3 of the problems from a block in <see cref="Load"/>'s layout, rounded to T.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(int i, Lanes v0, Lanes v1, Lanes v2, Lanes v3)
        {
            StoreTransposed(new Block(v0.Low, v1.Low, v2.Low, v3.Low), _row0 + i, _row1 + i, _row2 + i, _row3 + i);
            StoreTransposed(new Block(v0.High, v1.High, v2.High, v3.High), _row4 + i, _row5 + i, _row6 + i, _row7 + i);
        }

        /// <summary>Writes sample i of the problems, rounded to T.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void StoreColumn(int i, Lanes v)
        {
            _row0[i] = T.CreateTruncating(v.Low.GetElement(0));
            _row1[i] = T.CreateTruncating(v.Low.GetElement(1));
            _row2[i] = T.CreateTruncating(v.Low.GetElement(2));
            _row3[i] = T.CreateTruncating(v.Low.GetElement(3));
            _row4[i] = T.CreateTruncating(v.High.GetElement(0));
            _row5[i] = T.CreateTruncating(v.High.GetElement(1));
            _row6[i] = T.CreateTruncating(v.High.GetElement(2));
            _row7[i] = T.CreateTruncating(v.High.GetElement(3));
        }

        // four values of four rows, widened exactly, to the block's columns
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Block Transposed(T* row0, T* row1, T* row2, T* row3) =>
            new Block(Wide(row0), Wide(row1), Wide(row2), Wide(row3)).Transpose();

        // a block's columns to four values of four rows, rounded to T
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreTransposed(Block columns, T* row0, T* row1, T* row2, T* row3)
        {
            var rows = columns.Transpose();
            Narrow(rows.V0, row0);
            Narrow(rows.V1, row1);
            Narrow(rows.V2, row2);
            Narrow(rows.V3, row3);
        }

        // four values from T, widened exactly
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<double> Wide(T* at) => typeof(T) == typeof(double)
            ? Vector256.Load((double*)at)
            : Vector256.WidenLower(Vector128.Load((float*)at).ToVector256Unsafe());

        // four values to T, rounded to nearest as T.CreateTruncating rounds one
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Narrow(Vector256<double> v, T* at)
        {
            if (typeof(T) == typeof(double))
                v.Store((double*)at);
            else
                Vector256.Narrow(v, v).GetLower().Store((float*)at);
        }
    }

    /// <summary>A 4 × 4 block of float64, four rows (or columns) of four.</summary>
    private readonly record struct Block(Vector256<double> V0, Vector256<double> V1, Vector256<double> V2, Vector256<double> V3)
    {
        /// <summary>The block transposed: rows to columns.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Block Transpose()
        {
            // (r₀[0], r₁[0], r₀[2], r₁[2]), (r₀[1], r₁[1], r₀[3], r₁[3]), and the same of r₂, r₃
            Vector256<double> t0 = Avx.UnpackLow(V0, V1), t1 = Avx.UnpackHigh(V0, V1), t2 = Avx.UnpackLow(V2, V3), t3 = Avx.UnpackHigh(V2, V3);
            // low halves paired, then high halves
            return new(Avx.Permute2x128(t0, t2, 0x20), Avx.Permute2x128(t1, t3, 0x20), Avx.Permute2x128(t0, t2, 0x31), Avx.Permute2x128(t1, t3, 0x31));
        }
    }
}

/// <summary>
/// <see cref="ResponseLanes.Count"/> float64 lanes, one a problem, as two <see cref="Vector256{T}"/> (lanes 0–3 and 4–7):
/// two independent chains of additions a step, which on one core overlap where a single vector's would wait on each
/// addition. Every operation is lane-wise IEEE float64, as on a scalar.
/// </summary>
internal readonly record struct Lanes(Vector256<double> Low, Vector256<double> High)
{
    /// <summary>Lane l.</summary>
    public double this[int lane]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => lane < 4 ? Low.GetElement(lane) : High.GetElement(lane - 4);
    }

    /// <summary>Every lane <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes Create(double value) => new(Vector256.Create(value), Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes operator +(Lanes a, Lanes b) => new(a.Low + b.Low, a.High + b.High);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes operator -(Lanes a, Lanes b) => new(a.Low - b.Low, a.High - b.High);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes operator *(Lanes a, Lanes b) => new(a.Low * b.Low, a.High * b.High);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes operator /(Lanes a, Lanes b) => new(a.Low / b.Low, a.High / b.High);

    /// <summary>The larger of each lane (NaN-propagating, as <see cref="Math.Max(double, double)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes Max(Lanes a, Lanes b) => new(Vector256.Max(a.Low, b.Low), Vector256.Max(a.High, b.High));

    /// <summary>|a| of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes Abs(Lanes a) => new(Vector256.Abs(a.Low), Vector256.Abs(a.High));
}

/// <summary>
/// The sums of the responses centred by <see cref="ResponseLanes.Centre{T}"/>, lane l problem first + l's: m̂ and δ of
/// the two-part mean, ‖y_c‖² and (float32 only, else 0) the largest |yᵢ|.
/// </summary>
internal readonly record struct CentredLanes(Lanes Mean, Lanes Correction, Lanes Loss, Lanes Largest);
