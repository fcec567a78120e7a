using System.Numerics;
using GpuSparse.Kernels.Numerics;
using ILGPU;

namespace GpuSparse.Kernels.OnChip;

/// <summary>
/// Seven values of one thread kept in registers: a thread's columns j = first + stride·b (or rows) for b &lt; 7.
/// </summary>
/// <remarks>
/// ILGPU 1.5.3 does not unroll loops (its loop unrolling pass is disabled), so a per-thread array indexed in a loop
/// stays in local memory. Every operation here is written out element by element on named fields, which ILGPU
/// lowers to separate registers; sums run in ascending element order.
/// </remarks>
public readonly struct Register7<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The number of values.</summary>
    public const int Length = 7;

    /// <summary>Element b.</summary>
    public readonly T V0, V1, V2, V3, V4, V5, V6;

    /// <summary>Seven values.</summary>
    public Register7(T v0, T v1, T v2, T v3, T v4, T v5, T v6)
    {
        V0 = v0;
        V1 = v1;
        V2 = v2;
        V3 = v3;
        V4 = v4;
        V5 = v5;
        V6 = v6;
    }

    /// <summary>Element b = <c>values[offset + first + stride·b]</c> where <c>first + stride·b &lt; limit</c>, else 0.</summary>
    public static Register7<T> Load(ArrayView<T> values, int offset, int first, int stride, int limit) => new(
        At(values, offset, first, limit), At(values, offset, first + stride, limit),
        At(values, offset, first + 2 * stride, limit), At(values, offset, first + 3 * stride, limit),
        At(values, offset, first + 4 * stride, limit), At(values, offset, first + 5 * stride, limit),
        At(values, offset, first + 6 * stride, limit));

    /// <summary>Element b = <c>values[offset + b]</c>: seven consecutive slots, read at constant offsets from one address.</summary>
    public static Register7<T> Load(ArrayView<T> values, int offset)
    {
        var slots = values.SubView(offset, Length);
        return new(slots[0], slots[1], slots[2], slots[3], slots[4], slots[5], slots[6]);
    }

    /// <summary>Writes element b to <c>values[offset + b]</c>: seven consecutive slots, at constant offsets from one address.</summary>
    public void Store(ArrayView<T> values, int offset)
    {
        var slots = values.SubView(offset, Length);
        slots[0] = V0;
        slots[1] = V1;
        slots[2] = V2;
        slots[3] = V3;
        slots[4] = V4;
        slots[5] = V5;
        slots[6] = V6;
    }

    private static T At(ArrayView<T> values, int offset, int index, int limit) => index < limit ? values[offset + index] : T.Zero;

    /// <summary>Writes element b to <c>values[offset + first + stride·b]</c> where <c>first + stride·b &lt; limit</c>.</summary>
    public void Store(ArrayView<T> values, int offset, int first, int stride, int limit)
    {
        Put(values, offset, first, limit, V0);
        Put(values, offset, first + stride, limit, V1);
        Put(values, offset, first + 2 * stride, limit, V2);
        Put(values, offset, first + 3 * stride, limit, V3);
        Put(values, offset, first + 4 * stride, limit, V4);
        Put(values, offset, first + 5 * stride, limit, V5);
        Put(values, offset, first + 6 * stride, limit, V6);
    }

    private static void Put(ArrayView<T> values, int offset, int index, int limit, T value)
    {
        if (index < limit)
            values[offset + index] = value;
    }

    /// <summary>Element b = Σ_w <c>values[w·span + first + stride·b]</c> over w &lt; <paramref name="count"/>, in ascending w.</summary>
    public static Register7<T> SumOver(ArrayView<T> values, int count, int span, int first, int stride) => new(
        SumOver(values, count, span, first), SumOver(values, count, span, first + stride), SumOver(values, count, span, first + 2 * stride),
        SumOver(values, count, span, first + 3 * stride), SumOver(values, count, span, first + 4 * stride),
        SumOver(values, count, span, first + 5 * stride), SumOver(values, count, span, first + 6 * stride));

    /// <summary>Σ_w <c>values[w·span + index]</c> over w &lt; <paramref name="count"/>, in ascending w (from 0).</summary>
    public static T SumOver(ArrayView<T> values, int count, int span, int index)
    {
        T acc = T.Zero;
        for (int w = 0; w < count; w++)
            acc += values[w * span + index];
        return acc;
    }

    /// <summary>Σ_b this_b·other_b, in ascending b.</summary>
    public T Dot(Register7<T> other)
    {
        T acc = T.Zero;
        acc += V0 * other.V0;
        acc += V1 * other.V1;
        acc += V2 * other.V2;
        acc += V3 * other.V3;
        acc += V4 * other.V4;
        acc += V5 * other.V5;
        acc += V6 * other.V6;
        return acc;
    }

    /// <summary>Σ_b this_b·other_b in float64, in ascending b.</summary>
    public double DotWide<TPrecision>(Register7<T> other) where TPrecision : struct, IWorkingPrecision<T>
    {
        var wide = default(TPrecision);
        double acc = 0;
        acc += wide.ToDouble(V0) * wide.ToDouble(other.V0);
        acc += wide.ToDouble(V1) * wide.ToDouble(other.V1);
        acc += wide.ToDouble(V2) * wide.ToDouble(other.V2);
        acc += wide.ToDouble(V3) * wide.ToDouble(other.V3);
        acc += wide.ToDouble(V4) * wide.ToDouble(other.V4);
        acc += wide.ToDouble(V5) * wide.ToDouble(other.V5);
        acc += wide.ToDouble(V6) * wide.ToDouble(other.V6);
        return acc;
    }

    /// <summary>this_b + other_b·scale.</summary>
    public Register7<T> MultiplyAdd(Register7<T> other, T scale) => new(V0 + other.V0 * scale, V1 + other.V1 * scale,
        V2 + other.V2 * scale, V3 + other.V3 * scale, V4 + other.V4 * scale, V5 + other.V5 * scale, V6 + other.V6 * scale);

    /// <summary><paramref name="sum"/>_b + this_b·<paramref name="scale"/> in float64.</summary>
    public Register7<double> MultiplyAddWide<TPrecision>(Register7<double> sum, double scale) where TPrecision : struct, IWorkingPrecision<T>
    {
        var wide = default(TPrecision);
        return new(sum.V0 + wide.ToDouble(V0) * scale, sum.V1 + wide.ToDouble(V1) * scale, sum.V2 + wide.ToDouble(V2) * scale,
            sum.V3 + wide.ToDouble(V3) * scale, sum.V4 + wide.ToDouble(V4) * scale, sum.V5 + wide.ToDouble(V5) * scale,
            sum.V6 + wide.ToDouble(V6) * scale);
    }

    /// <summary>this_b − <paramref name="value"/>.</summary>
    public Register7<T> Minus(T value) => new(V0 - value, V1 - value, V2 - value, V3 - value, V4 - value, V5 - value, V6 - value);

    /// <summary>this_b − other_b.</summary>
    public Register7<T> Minus(Register7<T> other) => new(V0 - other.V0, V1 - other.V1, V2 - other.V2, V3 - other.V3,
        V4 - other.V4, V5 - other.V5, V6 - other.V6);

    /// <summary>Element <paramref name="b"/> (0 ≤ b &lt; 7), chosen by comparisons: registers cannot be indexed (ptxas makes the chain one indexed branch).</summary>
    public T Element(int b) =>
        b == 0 ? V0 : b == 1 ? V1 : b == 2 ? V2 : b == 3 ? V3 : b == 4 ? V4 : b == 5 ? V5 : V6;

    /// <summary>this_b·scale.</summary>
    public Register7<T> Times(T scale) => new(V0 * scale, V1 * scale, V2 * scale, V3 * scale, V4 * scale, V5 * scale, V6 * scale);

    /// <summary>Every element in float64.</summary>
    public Register7<double> Widen<TPrecision>() where TPrecision : struct, IWorkingPrecision<T>
    {
        var wide = default(TPrecision);
        return new(wide.ToDouble(V0), wide.ToDouble(V1), wide.ToDouble(V2), wide.ToDouble(V3), wide.ToDouble(V4),
            wide.ToDouble(V5), wide.ToDouble(V6));
    }

    /// <summary>
    /// Element b summed over the warp's lanes, on every lane (a butterfly over the masks L/2, …, 2, 1: pairs add in
    /// both orders, so all lanes get the same bits). The levels up to 32 lanes are written out, not looped, so that
    /// the compiler schedules their shuffles with the work around them.
    /// </summary>
    public Register7<T> WarpSum(int lanes)
    {
        var sum = this;
        for (int mask = lanes / 2; mask > 16; mask /= 2)
            sum = sum.PlusLane(mask);
        if (lanes > 16)
            sum = sum.PlusLane(16);
        if (lanes > 8)
            sum = sum.PlusLane(8);
        if (lanes > 4)
            sum = sum.PlusLane(4);
        if (lanes > 2)
            sum = sum.PlusLane(2);
        return lanes > 1 ? sum.PlusLane(1) : sum;
    }

    /// <summary>this_b + this_b of lane (lane ⊕ <paramref name="mask"/>).</summary>
    private Register7<T> PlusLane(int mask) => new(V0 + Warp.ShuffleXor(V0, mask), V1 + Warp.ShuffleXor(V1, mask),
        V2 + Warp.ShuffleXor(V2, mask), V3 + Warp.ShuffleXor(V3, mask), V4 + Warp.ShuffleXor(V4, mask),
        V5 + Warp.ShuffleXor(V5, mask), V6 + Warp.ShuffleXor(V6, mask));
}

/// <summary>
/// A thread's 7 × 7 tile of X in registers: rows i = firstRow + rowStride·a, columns j = firstColumn + columnStride·b,
/// zero outside n × p. <see cref="Times"/> gives the tile's row partials of Xv, <see cref="TransposeTimes"/> its column
/// partials of Xᵀu.
/// </summary>
public readonly struct RegisterTile<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Row a of the tile.</summary>
    public readonly Register7<T> R0, R1, R2, R3, R4, R5, R6;

    private RegisterTile(Register7<T> r0, Register7<T> r1, Register7<T> r2, Register7<T> r3, Register7<T> r4, Register7<T> r5,
        Register7<T> r6)
    {
        R0 = r0;
        R1 = r1;
        R2 = r2;
        R3 = r3;
        R4 = r4;
        R5 = r5;
        R6 = r6;
    }

    /// <summary>The tile of the row-major n × p design at <paramref name="offset"/> (for fixed a and b consecutive column firsts read consecutive addresses).</summary>
    public static RegisterTile<T> Load(ArrayView<T> design, int offset, int n, int p, int firstRow, int rowStride, int firstColumn, int columnStride) => new(
        Row(design, offset, n, p, firstRow, firstColumn, columnStride),
        Row(design, offset, n, p, firstRow + rowStride, firstColumn, columnStride),
        Row(design, offset, n, p, firstRow + 2 * rowStride, firstColumn, columnStride),
        Row(design, offset, n, p, firstRow + 3 * rowStride, firstColumn, columnStride),
        Row(design, offset, n, p, firstRow + 4 * rowStride, firstColumn, columnStride),
        Row(design, offset, n, p, firstRow + 5 * rowStride, firstColumn, columnStride),
        Row(design, offset, n, p, firstRow + 6 * rowStride, firstColumn, columnStride));

    private static Register7<T> Row(ArrayView<T> design, int offset, int n, int p, int i, int firstColumn, int columnStride) =>
        Register7<T>.Load(design, offset + (i < n ? i * p : 0), firstColumn, columnStride, i < n ? p : 0);

    /// <summary>X[a, b] − <paramref name="value"/>.</summary>
    public RegisterTile<T> Minus(T value) => new(R0.Minus(value), R1.Minus(value), R2.Minus(value), R3.Minus(value), R4.Minus(value),
        R5.Minus(value), R6.Minus(value));

    /// <summary>Element a = Σ_b X[a, b]·v_b (the row partials of X v over the tile's columns).</summary>
    public Register7<T> Times(Register7<T> v) => new(R0.Dot(v), R1.Dot(v), R2.Dot(v), R3.Dot(v), R4.Dot(v), R5.Dot(v), R6.Dot(v));

    /// <summary>Element a = Σ_b X[a, b]·v_b in float64.</summary>
    public Register7<double> TimesWide<TPrecision>(Register7<T> v) where TPrecision : struct, IWorkingPrecision<T> => new(
        R0.DotWide<TPrecision>(v), R1.DotWide<TPrecision>(v), R2.DotWide<TPrecision>(v), R3.DotWide<TPrecision>(v),
        R4.DotWide<TPrecision>(v), R5.DotWide<TPrecision>(v), R6.DotWide<TPrecision>(v));

    /// <summary>Element b = Σ_a X[a, b]·u_a in ascending a (the column partials of Xᵀu over the tile's rows).</summary>
    public Register7<T> TransposeTimes(Register7<T> u)
    {
        var zero = default(Register7<T>);
        return zero.MultiplyAdd(R0, u.V0).MultiplyAdd(R1, u.V1).MultiplyAdd(R2, u.V2).MultiplyAdd(R3, u.V3)
            .MultiplyAdd(R4, u.V4).MultiplyAdd(R5, u.V5).MultiplyAdd(R6, u.V6);
    }

    /// <summary>Element b = Σ_a X[a, b]·u_a in float64, in ascending a.</summary>
    public Register7<double> TransposeTimesWide<TPrecision>(Register7<double> u) where TPrecision : struct, IWorkingPrecision<T>
    {
        var sum = default(Register7<double>);
        sum = R0.MultiplyAddWide<TPrecision>(sum, u.V0);
        sum = R1.MultiplyAddWide<TPrecision>(sum, u.V1);
        sum = R2.MultiplyAddWide<TPrecision>(sum, u.V2);
        sum = R3.MultiplyAddWide<TPrecision>(sum, u.V3);
        sum = R4.MultiplyAddWide<TPrecision>(sum, u.V4);
        sum = R5.MultiplyAddWide<TPrecision>(sum, u.V5);
        return R6.MultiplyAddWide<TPrecision>(sum, u.V6);
    }
}
