using GpuSparse.Model;

namespace GpuSparse.Numerics;

/// <summary>Eigen-decomposition of a small dense symmetric matrix by cyclic Jacobi rotations.</summary>
internal static class SymmetricEigen
{
    private const int MaxSweeps = 100;

    /// <summary>
    /// Returns the eigenvalues and the eigenvectors (the columns of a row-major n × n matrix V with
    /// <c>A = V·diag(λ)·Vᵀ</c>) of the symmetric row-major <paramref name="matrix"/>, which is not modified.
    /// </summary>
    public static (double[] Values, double[] Vectors) Jacobi(ReadOnlySpan<double> matrix, int n)
    {
        var a = matrix.ToArray();
        var v = new double[ArraySize.Of("eigenvectors", n, n)];
        for (int i = 0; i < n; i++)
            v[i * n + i] = 1;
        double total = 0;
        foreach (double x in a)
            total += x * x;
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                    off += a[p * n + q] * a[p * n + q];
            // Converged when the off-diagonal mass is rounding noise relative to ‖A‖_F².
            if (off <= 1e-30 * total)
                break;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                    if (a[p * n + q] != 0)
                        Rotate(a, v, n, p, q);
        }
        var values = new double[n];
        for (int i = 0; i < n; i++)
            values[i] = a[i * n + i];
        return (values, v);
    }

    /// <summary>
    /// One Jacobi rotation zeroing A[p, q]: θ = (A_qq − A_pp)/(2A_pq), t = sign(θ)/(|θ| + √(θ² + 1)),
    /// c = 1/√(t² + 1), s = t·c; A ← JᵀAJ and V ← VJ (Numerical Recipes' stable form).
    /// </summary>
    private static void Rotate(double[] a, double[] v, int n, int p, int q)
    {
        double apq = a[p * n + q];
        double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        double t = Math.Sign(theta) == 0 ? 1 : Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
        double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < n; k++)
        {
            // Columns p and q of A·J.
            double akp = a[k * n + p], akq = a[k * n + q];
            a[k * n + p] = c * akp - s * akq;
            a[k * n + q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++)
        {
            // Rows p and q of Jᵀ·(A·J).
            double apk = a[p * n + k], aqk = a[q * n + k];
            a[p * n + k] = c * apk - s * aqk;
            a[q * n + k] = s * apk + c * aqk;
        }
        for (int k = 0; k < n; k++)
        {
            double vkp = v[k * n + p], vkq = v[k * n + q];
            v[k * n + p] = c * vkp - s * vkq;
            v[k * n + q] = s * vkp + c * vkq;
        }
    }
}
