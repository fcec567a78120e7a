using System.Numerics;
using System.Runtime.InteropServices;

namespace GpuSparse.Backends;

/// <summary>The dense level-1 loops of the CPU backends, on <see cref="Vector{T}"/> lanes with a scalar tail.</summary>
internal static class VectorKernels
{
    /// <summary><c>y ← y + a·x</c> (x and y of equal length).</summary>
    public static void AddScaled<T>(Span<T> y, T a, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var vy = MemoryMarshal.Cast<T, Vector<T>>(y);
        var vx = MemoryMarshal.Cast<T, Vector<T>>(x);
        var va = new Vector<T>(a);
        for (int v = 0; v < vy.Length; v++)
            vy[v] += va * vx[v];
        for (int i = vy.Length * Vector<T>.Count; i < y.Length; i++)
            y[i] += a * x[i];
    }

    /// <summary><c>Σᵢ xᵢ·yᵢ</c>, summed lane-wise then across lanes.</summary>
    public static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var vx = MemoryMarshal.Cast<T, Vector<T>>(x);
        var vy = MemoryMarshal.Cast<T, Vector<T>>(y);
        var acc = Vector<T>.Zero;
        for (int v = 0; v < vx.Length; v++)
            acc += vx[v] * vy[v];
        T sum = Vector.Sum(acc);
        for (int i = vx.Length * Vector<T>.Count; i < x.Length; i++)
            sum += x[i] * y[i];
        return sum;
    }

    /// <summary>
    /// <c>G = XᵀX</c> for a row-major n × p matrix X (G row-major p × p). Blocks of 4 rows × 2 vectors of G are
    /// accumulated in registers over the n rows of X; blocks below the diagonal are mirrored from above it.
    /// </summary>
    public static void Gram(ReadOnlySpan<double> x, int n, int p, Span<double> gram)
    {
        int width = 2 * Vector<double>.Count;
        int a = 0;
        for (; a + 4 <= p; a += 4)
        {
            int b = a / width * width;
            for (; b + width <= p; b += width)
            {
                // G[a..a+3, b..b+width) = Σᵢ X[i, a..a+3]ᵀ · X[i, b..b+width)
                Vector<double> g00 = default, g01 = default, g10 = default, g11 = default;
                Vector<double> g20 = default, g21 = default, g30 = default, g31 = default;
                for (int i = 0; i < n; i++)
                {
                    var row = x.Slice(i * p, p);
                    var lo = new Vector<double>(row.Slice(b));
                    var hi = new Vector<double>(row.Slice(b + Vector<double>.Count));
                    var x0 = new Vector<double>(row[a]);
                    var x1 = new Vector<double>(row[a + 1]);
                    var x2 = new Vector<double>(row[a + 2]);
                    var x3 = new Vector<double>(row[a + 3]);
                    g00 += x0 * lo; g01 += x0 * hi;
                    g10 += x1 * lo; g11 += x1 * hi;
                    g20 += x2 * lo; g21 += x2 * hi;
                    g30 += x3 * lo; g31 += x3 * hi;
                }
                int stride = Vector<double>.Count;
                g00.CopyTo(gram.Slice(a * p + b)); g01.CopyTo(gram.Slice(a * p + b + stride));
                g10.CopyTo(gram.Slice((a + 1) * p + b)); g11.CopyTo(gram.Slice((a + 1) * p + b + stride));
                g20.CopyTo(gram.Slice((a + 2) * p + b)); g21.CopyTo(gram.Slice((a + 2) * p + b + stride));
                g30.CopyTo(gram.Slice((a + 3) * p + b)); g31.CopyTo(gram.Slice((a + 3) * p + b + stride));
            }
            for (int r = a; r < a + 4; r++)
                for (int c = b; c < p; c++)
                    gram[r * p + c] = ColumnDot(x, n, p, r, c);
        }
        for (; a < p; a++)
            for (int c = a; c < p; c++)
                gram[a * p + c] = ColumnDot(x, n, p, a, c);
        // Everything at or above the diagonal is filled; mirror it below.
        for (int r = 0; r < p; r++)
            for (int c = 0; c < r; c++)
                gram[r * p + c] = gram[c * p + r];
    }

    private static double ColumnDot(ReadOnlySpan<double> x, int n, int p, int a, int b)
    {
        double s = 0;
        for (int i = 0; i < n; i++)
            s += x[i * p + a] * x[i * p + b];
        return s;
    }
}
