using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GpuSparse.Numerics;

/// <summary>
/// The dense loops of the CPU backends: level-1 by <see cref="TensorPrimitives"/> (the widest lanes the CPU has),
/// column statistics and the Gram kernel on <see cref="Vector{T}"/> lanes with a scalar tail.
/// </summary>
internal static class VectorKernels
{
    /// <summary><c>y ← y + a·x</c> (x and y of equal length).</summary>
    public static void AddScaled<T>(Span<T> y, T a, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        TensorPrimitives.MultiplyAdd(x, a, y, y);

    /// <summary><c>Σᵢ xᵢ·yᵢ</c>.</summary>
    public static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        TensorPrimitives.Dot(x, y);

    /// <summary>
    /// <c>G = XᵀX</c> for a row-major n × p matrix X (G row-major p × p). Blocks of 4 rows × 2 vectors of G are
    /// accumulated in registers over a tile of rows of X small enough to stay in cache (X's rows are read p
    /// apart, so an untiled pass would fetch a cache line per row for every block); blocks below the diagonal
    /// are mirrored from above it.
    /// </summary>
    public static void Gram(ReadOnlySpan<double> x, int n, int p, Span<double> gram) => Gram(x, n, p, gram, parallel: false);

    /// <summary>
    /// <see cref="Gram(ReadOnlySpan{double}, int, int, Span{double})"/>, with the blocks of rows of G spread over the
    /// cores when <paramref name="parallel"/> (for one large G rather than many small ones).
    /// </summary>
    public static void Gram(ReadOnlySpan<double> x, int n, int p, Span<double> gram, bool parallel)
    {
        CheckGramSizes(x, n, p, gram);
        gram.Slice(0, p * p).Clear();
        AddGram(x, n, p, gram, parallel);
        MirrorUpper(gram, p);
    }

    /// <summary>
    /// Adds XᵀX of a row-major n × p matrix X to the upper triangle of G (the diagonal included); what lies below
    /// the diagonal is undefined until <see cref="MirrorUpper"/>. Lets a caller feed X a tile at a time.
    /// </summary>
    public static unsafe void AddGram(ReadOnlySpan<double> x, int n, int p, Span<double> gram, bool parallel)
    {
        CheckGramSizes(x, n, p, gram);
        int blocks = (p + 3) / 4;
        // A tile of rows of about 128 KiB.
        int tile = Math.Max(16, (1 << 14) / p);
        fixed (double* xp = x, gp = gram)
        {
            // Spans cannot enter a lambda: the blocks of the parallel loop see the pinned arrays by pointer.
            nint xAddress = (nint)xp, gAddress = (nint)gp;
            void Rows(int block)
            {
                var xs = new ReadOnlySpan<double>((double*)xAddress, n * p);
                var gs = new Span<double>((double*)gAddress, p * p);
                for (int i = 0; i < n; i += tile)
                    GramRows(xs.Slice(i * p, Math.Min(tile, n - i) * p), p, gs, 4 * block);
            }
            if (parallel)
                Parallel.For(0, blocks, Rows);
            else
                for (int block = 0; block < blocks; block++)
                    Rows(block);
        }
    }

    // Products in long: p·p overflows an int from p = 46,341; within the spans' lengths every int offset below is exact.
    private static void CheckGramSizes(ReadOnlySpan<double> x, int n, int p, ReadOnlySpan<double> gram)
    {
        if (x.Length < (long)n * p || gram.Length < (long)p * p)
            throw new ArgumentException($"X of {n} × {p} needs {(long)n * p} values (has {x.Length}) and G {(long)p * p} (has {gram.Length})");
    }

    /// <summary>Copies the upper triangle of the p × p matrix G below its diagonal.</summary>
    public static void MirrorUpper(Span<double> gram, int p)
    {
        for (int row = 0; row < p; row++)
            for (int column = 0; column < row; column++)
                gram[row * p + column] = gram[column * p + row];
    }

    /// <summary>Adds the products of the rows of <paramref name="x"/> to rows a..a+3 of G (fewer at the end), from column a on.</summary>
    private static void GramRows(ReadOnlySpan<double> x, int p, Span<double> gram, int a)
    {
        int n = x.Length / p, width = 2 * Vector<double>.Count, stride = Vector<double>.Count;
        if (a + 4 > p)
        {
            for (; a < p; a++)
                for (int c = a; c < p; c++)
                    gram[a * p + c] += ColumnDot(x, n, p, a, c);
            return;
        }
        int b = a / width * width;
        ref double x00 = ref MemoryMarshal.GetReference(x);
        ref double g = ref MemoryMarshal.GetReference(gram);
        for (; b + width <= p; b += width)
        {
            // G[a..a+3, b..b+width) += Σᵢ X[i, a..a+3]ᵀ · X[i, b..b+width)
            // (read through refs: the bounds of every access are those of the loops, checked once on entry)
            nuint r0 = (nuint)(a * p + b), r1 = r0 + (nuint)p, r2 = r1 + (nuint)p, r3 = r2 + (nuint)p, hiOffset = (nuint)stride;
            var g00 = Vector.LoadUnsafe(ref g, r0); var g01 = Vector.LoadUnsafe(ref g, r0 + hiOffset);
            var g10 = Vector.LoadUnsafe(ref g, r1); var g11 = Vector.LoadUnsafe(ref g, r1 + hiOffset);
            var g20 = Vector.LoadUnsafe(ref g, r2); var g21 = Vector.LoadUnsafe(ref g, r2 + hiOffset);
            var g30 = Vector.LoadUnsafe(ref g, r3); var g31 = Vector.LoadUnsafe(ref g, r3 + hiOffset);
            for (int i = 0; i < n; i++)
            {
                ref double row = ref Unsafe.Add(ref x00, i * p);
                var lo = Vector.LoadUnsafe(ref row, (nuint)b);
                var hi = Vector.LoadUnsafe(ref row, (nuint)(b + stride));
                var x0 = new Vector<double>(Unsafe.Add(ref row, a));
                var x1 = new Vector<double>(Unsafe.Add(ref row, a + 1));
                var x2 = new Vector<double>(Unsafe.Add(ref row, a + 2));
                var x3 = new Vector<double>(Unsafe.Add(ref row, a + 3));
                g00 = Vector.FusedMultiplyAdd(x0, lo, g00); g01 = Vector.FusedMultiplyAdd(x0, hi, g01);
                g10 = Vector.FusedMultiplyAdd(x1, lo, g10); g11 = Vector.FusedMultiplyAdd(x1, hi, g11);
                g20 = Vector.FusedMultiplyAdd(x2, lo, g20); g21 = Vector.FusedMultiplyAdd(x2, hi, g21);
                g30 = Vector.FusedMultiplyAdd(x3, lo, g30); g31 = Vector.FusedMultiplyAdd(x3, hi, g31);
            }
            g00.StoreUnsafe(ref g, r0); g01.StoreUnsafe(ref g, r0 + hiOffset);
            g10.StoreUnsafe(ref g, r1); g11.StoreUnsafe(ref g, r1 + hiOffset);
            g20.StoreUnsafe(ref g, r2); g21.StoreUnsafe(ref g, r2 + hiOffset);
            g30.StoreUnsafe(ref g, r3); g31.StoreUnsafe(ref g, r3 + hiOffset);
        }
        int tail = p - b;
        if (tail == 0)
            return;
        // G[a..a+3, b..p) += Σᵢ X[i, a..a+3]ᵀ · X[i, b..p): the columns past the last vector block, summed in row order
        // (as a dot product per entry would) but with independent accumulators, one pass over the rows.
        Span<double> sums = stackalloc double[4 * width];
        sums.Clear();
        for (int i = 0; i < n; i++)
        {
            ref double row = ref Unsafe.Add(ref x00, i * p);
            for (int offset = 0; offset < 4; offset++)
            {
                double xa = Unsafe.Add(ref row, a + offset);
                for (int c = 0; c < tail; c++)
                    sums[offset * width + c] += xa * Unsafe.Add(ref row, b + c);
            }
        }
        for (int offset = 0; offset < 4; offset++)
            for (int c = 0; c < tail; c++)
                gram[(a + offset) * p + b + c] += sums[offset * width + c];
    }

    private static double ColumnDot(ReadOnlySpan<double> x, int n, int p, int a, int b)
    {
        double s = 0;
        for (int i = 0; i < n; i++)
            s += x[i * p + a] * x[i * p + b];
        return s;
    }
}
