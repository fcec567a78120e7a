using System.Numerics;

namespace GpuSparse.Preparation;

/// <summary>The largest eigenvalue of XᵀX/n by power iteration, for the step size t = 1/L.</summary>
internal static class SpectralNorm
{
    private const int MaxIterations = 1000;
    private const double RelativeChange = 1e-10;

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
        if (p <= n)
        {
            // G = XᵀX/n (p × p)
            for (int i = 0; i < n; i++)
            {
                var row = x.Slice(i * p, p);
                for (int a = 0; a < p; a++)
                {
                    double xa = double.CreateTruncating(row[a]);
                    if (xa == 0) continue;
                    for (int b = a; b < p; b++)
                        gram[a * m + b] += xa * double.CreateTruncating(row[b]);
                }
            }
        }
        else
        {
            // G = XXᵀ/n (n × n)
            for (int a = 0; a < n; a++)
                for (int b = a; b < n; b++)
                {
                    double s = 0;
                    for (int j = 0; j < p; j++)
                        s += double.CreateTruncating(x[a * p + j]) * double.CreateTruncating(x[b * p + j]);
                    gram[a * m + b] = s;
                }
        }
        for (int a = 0; a < m; a++)
            for (int b = a; b < m; b++)
            {
                gram[a * m + b] /= n;
                gram[b * m + a] = gram[a * m + b];
            }
        return PowerIteration(gram, m) * SafetyMargin;
    }

    private static double PowerIteration(double[] gram, int m)
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
            double norm = Math.Sqrt(Dot(v, v));
            if (norm == 0)
                return 0;
            for (int a = 0; a < m; a++)
                v[a] /= norm;
            // w = G v
            for (int a = 0; a < m; a++)
            {
                double s = 0;
                for (int b = 0; b < m; b++)
                    s += gram[a * m + b] * v[b];
                w[a] = s;
            }
            double next = Dot(v, w);
            bool settled = Math.Abs(next - rayleigh) <= RelativeChange * Math.Abs(next);
            rayleigh = next;
            (v, w) = (w, v);
            if (settled)
                break;
        }
        return Math.Max(rayleigh, 0);
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
            s += a[i] * b[i];
        return s;
    }
}
