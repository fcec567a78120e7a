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
        var gram = new double[m * m];
        // G = XᵀX (p × p) from X's rows, or XXᵀ (n × n) from the rows of Xᵀ, in float64
        double[] rows;
        if (p <= n)
        {
            rows = typeof(T) == typeof(double) ? [] : new double[n * p];
            if (typeof(T) != typeof(double))
                TensorPrimitives.ConvertTruncating<T, double>(x[..(n * p)], rows);
        }
        else
        {
            rows = new double[n * p];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < p; j++)
                    rows[j * n + i] = double.CreateTruncating(x[i * p + j]);
        }
        ReadOnlySpan<double> source = rows.Length == 0 ? MemoryMarshal.Cast<T, double>(x[..(n * p)]) : rows;
        if (p <= n)
            VectorKernels.Gram(source, n, p, gram);
        else
            VectorKernels.Gram(source, p, n, gram);
        // G/n
        TensorPrimitives.Divide(gram, n, gram);
        return PowerIteration.Largest(gram, m) * SafetyMargin;
    }
}
