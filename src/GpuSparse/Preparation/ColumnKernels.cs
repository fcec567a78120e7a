using System.Numerics;
using System.Runtime.InteropServices;

namespace GpuSparse.Preparation;

/// <summary>
/// The per-row steps of design preparation on <see cref="Vector{T}"/> lanes with a scalar tail. Each lane is one
/// column and rows are taken in order, so every column sums exactly what the plain scalar loop would: results are
/// bit for bit those of the scalar loops.
/// </summary>
internal static class ColumnKernels
{
    /// <summary>
    /// <c>sums += row</c> (when <paramref name="sums"/> is not empty), <c>squares += row²</c> (when
    /// <paramref name="squares"/> is not empty) and <c>maxAbs = max(maxAbs, |row|)</c>.
    /// </summary>
    public static void AddRow(ReadOnlySpan<double> row, Span<double> sums, Span<double> squares, Span<double> maxAbs)
    {
        var vr = MemoryMarshal.Cast<double, Vector<double>>(row);
        var vm = MemoryMarshal.Cast<double, Vector<double>>(maxAbs);
        var vs = MemoryMarshal.Cast<double, Vector<double>>(sums);
        var vq = MemoryMarshal.Cast<double, Vector<double>>(squares);
        for (int v = 0; v < vr.Length; v++)
        {
            vm[v] = Vector.Max(vm[v], Vector.Abs(vr[v]));
            if (!vs.IsEmpty)
                vs[v] += vr[v];
            if (!vq.IsEmpty)
                vq[v] += vr[v] * vr[v];
        }
        for (int j = vr.Length * Vector<double>.Count; j < row.Length; j++)
        {
            maxAbs[j] = Math.Max(maxAbs[j], Math.Abs(row[j]));
            if (!sums.IsEmpty)
                sums[j] += row[j];
            if (!squares.IsEmpty)
                squares[j] += row[j] * row[j];
        }
    }

    /// <summary><c>squares += (row − means)²</c>.</summary>
    public static void AddCentredSquares(ReadOnlySpan<double> row, ReadOnlySpan<double> means, Span<double> squares)
    {
        var vr = MemoryMarshal.Cast<double, Vector<double>>(row);
        var vmean = MemoryMarshal.Cast<double, Vector<double>>(means);
        var vq = MemoryMarshal.Cast<double, Vector<double>>(squares);
        for (int v = 0; v < vr.Length; v++)
        {
            var c = vr[v] - vmean[v];
            vq[v] += c * c;
        }
        for (int j = vr.Length * Vector<double>.Count; j < row.Length; j++)
        {
            double c = row[j] - means[j];
            squares[j] += c * c;
        }
    }

    /// <summary>
    /// <c>output = active ? (row − means)/scales : 0</c>, without the division when <paramref name="scales"/> is
    /// empty (all 1: the division would be exact). <paramref name="active"/> holds −1 (all bits) or 0 per column.
    /// </summary>
    public static void Working(ReadOnlySpan<double> row, ReadOnlySpan<double> means, ReadOnlySpan<double> scales,
        ReadOnlySpan<long> active, Span<double> output)
    {
        var vr = MemoryMarshal.Cast<double, Vector<double>>(row);
        var vmean = MemoryMarshal.Cast<double, Vector<double>>(means);
        var vscale = MemoryMarshal.Cast<double, Vector<double>>(scales);
        var vactive = MemoryMarshal.Cast<long, Vector<long>>(active);
        var vo = MemoryMarshal.Cast<double, Vector<double>>(output);
        for (int v = 0; v < vr.Length; v++)
        {
            var c = vr[v] - vmean[v];
            if (!vscale.IsEmpty)
                c /= vscale[v];
            vo[v] = Vector.ConditionalSelect(vactive[v], c, Vector<double>.Zero);
        }
        for (int j = vr.Length * Vector<double>.Count; j < row.Length; j++)
        {
            double c = row[j] - means[j];
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
