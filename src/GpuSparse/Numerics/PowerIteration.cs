using System.Numerics.Tensors;

namespace GpuSparse.Numerics;

/// <summary>The largest eigenvalue of a small dense symmetric positive semidefinite matrix by power iteration.</summary>
internal static class PowerIteration
{
    private const int MaxIterations = 1000;
    private const double RelativeChange = 1e-10;

    /// <summary>
    /// The Rayleigh quotient vᵀAv of the row-major m × m <paramref name="matrix"/> once it changes by at most 1e-10
    /// relative (or after 1000 iterations): it approaches the largest eigenvalue from below. 0 for a zero matrix.
    /// </summary>
    public static double Largest(ReadOnlySpan<double> matrix, int m)
    {
        // A fixed, non-symmetric start so that results are deterministic and the start is not
        // orthogonal to the leading eigenvector of structured matrices.
        var v = new double[m];
        for (int a = 0; a < m; a++)
            v[a] = 1.0 + 0.5 * Math.Sin(a + 1.0);
        var w = new double[m];
        double rayleigh = 0;
        for (int it = 0; it < MaxIterations; it++)
        {
            double norm = TensorPrimitives.Norm<double>(v);
            if (norm == 0)
                return 0;
            TensorPrimitives.Divide(v, norm, v);
            // w = A·v
            for (int a = 0; a < m; a++)
                w[a] = TensorPrimitives.Dot(matrix.Slice(a * m, m), v);
            double next = TensorPrimitives.Dot<double>(v, w);
            bool settled = Math.Abs(next - rayleigh) <= RelativeChange * Math.Abs(next);
            rayleigh = next;
            (v, w) = (w, v);
            if (settled)
                break;
        }
        return Math.Max(rayleigh, 0);
    }
}
