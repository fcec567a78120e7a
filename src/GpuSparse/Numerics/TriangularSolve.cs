namespace GpuSparse.Numerics;

/// <summary>
/// Forward and back substitution with a dense m × m triangular matrix T, entry (a, k) at a·rowStride + k·columnStride of
/// its storage, so that a factor and its transpose are solved from the same storage. Solutions are written in place.
/// </summary>
internal static class TriangularSolve
{
    /// <summary>Solves T·x = b for lower-triangular T (<paramref name="rhs"/> holds b, then x), rows in ascending order.</summary>
    public static void Lower(ReadOnlySpan<double> matrix, int m, int rowStride, int columnStride, Span<double> rhs)
    {
        for (int a = 0; a < m; a++)
        {
            // xₐ = (bₐ − Σ_{k<a} Tₐₖxₖ)/Tₐₐ
            double sum = rhs[a];
            for (int k = 0; k < a; k++)
                sum -= matrix[a * rowStride + k * columnStride] * rhs[k];
            rhs[a] = sum / matrix[a * rowStride + a * columnStride];
        }
    }

    /// <summary>Solves T·x = b for upper-triangular T (<paramref name="rhs"/> holds b, then x), rows in descending order.</summary>
    public static void Upper(ReadOnlySpan<double> matrix, int m, int rowStride, int columnStride, Span<double> rhs)
    {
        for (int a = m - 1; a >= 0; a--)
        {
            // xₐ = (bₐ − Σ_{k>a} Tₐₖxₖ)/Tₐₐ
            double sum = rhs[a];
            for (int k = a + 1; k < m; k++)
                sum -= matrix[a * rowStride + k * columnStride] * rhs[k];
            rhs[a] = sum / matrix[a * rowStride + a * columnStride];
        }
    }
}
