using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using GpuSparse.Numerics;

namespace GpuSparse.Preparation;

/// <summary>The largest eigenvalue of XᵀX/n by power iteration, for the step size t = 1/L.</summary>
internal static class SpectralNorm
{
    // Power iteration only approaches L from below; the margin keeps t ≤ 1/L when it stopped early.
    private const double SafetyMargin = 1.001;

    /// <summary>
    /// L = λ_max(XᵀX/n) of a row-major n × p matrix, computed on the smaller of XᵀX and XXᵀ
    /// (they share their nonzero eigenvalues). Returns 0 for a zero matrix.
    /// </summary>
    public static double LargestEigenvalue<T>(ReadOnlySpan<T> x, int n, int p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = Math.Min(n, p);
        // Called once per problem: G and the float64 rows are pooled, not allocated (a float32 X of n·p values
        // would otherwise cost an n·p float64 copy per problem).
        var pool = ArrayPool<double>.Shared;
        var gramArray = pool.Rent(m * m);
        bool copied = p > n || typeof(T) != typeof(double);
        var rowsArray = copied ? pool.Rent(n * p) : null;
        try
        {
            var gram = gramArray.AsSpan(0, m * m);
            // G = XᵀX (p × p) from X's rows, or XXᵀ (n × n) from the rows of Xᵀ, in float64
            ReadOnlySpan<double> source;
            if (!copied)
                source = MemoryMarshal.Cast<T, double>(x[..(n * p)]);
            else
            {
                var rows = rowsArray.AsSpan(0, n * p);
                if (p <= n)
                    TensorPrimitives.ConvertTruncating<T, double>(x[..(n * p)], rows);
                else
                    for (int i = 0; i < n; i++)
                        for (int j = 0; j < p; j++)
                            rows[j * n + i] = double.CreateTruncating(x[i * p + j]);
                source = rows;
            }
            if (p <= n)
                VectorKernels.Gram(source, n, p, gram);
            else
                VectorKernels.Gram(source, p, n, gram);
            // G/n
            TensorPrimitives.Divide(gram, n, gram);
            return PowerIteration.Largest(gram, m) * SafetyMargin;
        }
        finally
        {
            pool.Return(gramArray);
            if (rowsArray is not null)
                pool.Return(rowsArray);
        }
    }
}
