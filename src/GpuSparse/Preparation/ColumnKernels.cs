using System.Numerics;
using System.Runtime.InteropServices;

namespace GpuSparse.Preparation;

/// <summary>
/// The per-row steps of design preparation on <see cref="Vector{T}"/> lanes with a scalar tail. Each lane is one
/// column, so results are bit for bit those of the scalar loops.
/// </summary>
internal static class ColumnKernels
{
    /// <summary>
    /// <c>output = active ? ((row − means) − corrections)/scales : 0</c>: the two-part mean of
    /// <see cref="ColumnStatistics"/> subtracted in order, without the division when <paramref name="scales"/> is empty
    /// (all 1: the division would be exact). <paramref name="active"/> holds −1 (all bits) or 0 per column.
    /// </summary>
    public static void Working(ReadOnlySpan<double> row, ReadOnlySpan<double> means, ReadOnlySpan<double> corrections,
        ReadOnlySpan<double> scales, ReadOnlySpan<long> active, Span<double> output)
    {
        var vr = MemoryMarshal.Cast<double, Vector<double>>(row);
        var vmean = MemoryMarshal.Cast<double, Vector<double>>(means);
        var vcorrection = MemoryMarshal.Cast<double, Vector<double>>(corrections);
        var vscale = MemoryMarshal.Cast<double, Vector<double>>(scales);
        var vactive = MemoryMarshal.Cast<long, Vector<long>>(active);
        var vo = MemoryMarshal.Cast<double, Vector<double>>(output);
        for (int v = 0; v < vr.Length; v++)
        {
            var c = (vr[v] - vmean[v]) - vcorrection[v];
            if (!vscale.IsEmpty)
                c /= vscale[v];
            vo[v] = Vector.ConditionalSelect(vactive[v], c, Vector<double>.Zero);
        }
        for (int j = vr.Length * Vector<double>.Count; j < row.Length; j++)
        {
            double c = (row[j] - means[j]) - corrections[j];
            if (!scales.IsEmpty)
                c /= scales[j];
            output[j] = active[j] != 0 ? c : 0.0;
        }
    }

    /// <summary>
    /// Row i of a row-major design of p columns in float64: the design's own memory for float64, else
    /// widened into <paramref name="buffer"/>.
    /// </summary>
    public static ReadOnlySpan<double> Row<T>(ReadOnlySpan<T> x, int i, int p, Span<double> buffer)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var row = x.Slice(i * p, p);
        if (typeof(T) == typeof(double))
            return MemoryMarshal.Cast<T, double>(row);
        for (int j = 0; j < p; j++)
            buffer[j] = double.CreateTruncating(row[j]);
        return buffer[..p];
    }
}
