namespace GpuSparse.Numerics;

/// <summary>The Cholesky factorisation A = L·Lᵀ of a small dense symmetric positive definite matrix, and solves with it.</summary>
internal static class Cholesky
{
    /// <summary>
    /// Factors the symmetric m × m matrix whose (a, b) entry is <paramref name="entry"/>(a, b) (read for b ≤ a only)
    /// into L, row-major m × m with L[a, b] at a·m + b (nothing is written above the diagonal). Returns false when A is
    /// not numerically positive definite (a pivot ≤ 0 or NaN).
    /// </summary>
    public static bool TryFactor(int m, Func<int, int, double> entry, Span<double> factor)
    {
        for (int a = 0; a < m; a++)
            for (int b = 0; b <= a; b++)
                factor[a * m + b] = entry(a, b);
        return TryFactor(m, factor);
    }

    /// <summary>
    /// Factors the symmetric m × m matrix held row-major in <paramref name="matrix"/> (read on and below the diagonal)
    /// in place: L overwrites the lower triangle, what lies above the diagonal is left as it was. Returns false when
    /// A is not numerically positive definite (a pivot ≤ 0 or NaN).
    /// </summary>
    public static bool TryFactor(int m, Span<double> matrix)
    {
        for (int a = 0; a < m; a++)
            for (int b = 0; b <= a; b++)
            {
                // L[a, b] = (A[a, b] − Σ_{k<b} L[a, k]·L[b, k]) / L[b, b], L[a, a] = √(A[a, a] − Σ_{k<a} L[a, k]²)
                double sum = matrix[a * m + b];
                for (int k = 0; k < b; k++)
                    sum -= matrix[a * m + k] * matrix[b * m + k];
                if (a == b)
                {
                    if (!(sum > 0))
                        return false;
                    matrix[a * m + a] = Math.Sqrt(sum);
                }
                else
                    matrix[a * m + b] = sum / matrix[b * m + b];
            }
        return true;
    }

    /// <summary>Solves A·x = b in place (<paramref name="rhs"/> holds b, then x) with the factor of <see cref="TryFactor(int, Span{double})"/>: L·z = b, then Lᵀ·x = z.</summary>
    public static void Solve(ReadOnlySpan<double> factor, int m, Span<double> rhs)
    {
        TriangularSolve.Lower(factor, m, rowStride: m, columnStride: 1, rhs);
        // Lᵀ[a, k] = L[k, a], at k·m + a
        TriangularSolve.Upper(factor, m, rowStride: 1, columnStride: m, rhs);
    }
}
