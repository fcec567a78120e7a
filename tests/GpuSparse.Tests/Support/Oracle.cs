namespace GpuSparse.Tests.Support;

/// <summary>
/// Plain-loop ports of the yardsticks in <c>peers_common.py</c> (objective, duality gap, KKT violation),
/// written independently of the library's solvers so a solver bug cannot hide in its own judge.
/// X is row-major n × p throughout.
/// </summary>
public static class Oracle
{
    /// <summary>
    /// <c>f(w, b) = 1/(2n)||y - Xw - b||² + alpha·l1Ratio·||w||₁ + ½·alpha·(1 - l1Ratio)·||w||²</c>.
    /// </summary>
    public static double Objective(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int n, int p,
        ReadOnlySpan<double> w, double b, double alpha, double l1Ratio)
    {
        double rss = 0.0;
        for (int i = 0; i < n; i++)
        {
            double r = y[i] - Dot(x.Slice(i * p, p), w) - b;
            rss += r * r;
        }
        double l1 = 0.0, l2 = 0.0;
        for (int j = 0; j < p; j++)
        {
            l1 += Math.Abs(w[j]);
            l2 += w[j] * w[j];
        }
        return rss / (2.0 * n) + alpha * l1Ratio * l1 + 0.5 * alpha * (1.0 - l1Ratio) * l2;
    }

    /// <summary>
    /// Centred copies of X and y and their means when <paramref name="fitIntercept"/> is set; otherwise
    /// copies of X and y with zero means.
    /// </summary>
    public static (double[] Xc, double[] Yc, double[] XMean, double YMean) Center(
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, int n, int p, bool fitIntercept)
    {
        var xMean = new double[p];
        double yMean = 0.0;
        if (fitIntercept)
        {
            for (int i = 0; i < n; i++)
            {
                yMean += y[i];
                for (int j = 0; j < p; j++)
                {
                    xMean[j] += x[i * p + j];
                }
            }
            yMean /= n;
            for (int j = 0; j < p; j++)
            {
                xMean[j] /= n;
            }
        }
        var xc = new double[n * p];
        var yc = new double[n];
        for (int i = 0; i < n; i++)
        {
            yc[i] = y[i] - yMean;
            for (int j = 0; j < p; j++)
            {
                xc[i * p + j] = x[i * p + j] - xMean[j];
            }
        }
        return (xc, yc, xMean, yMean);
    }

    /// <summary>
    /// Duality gap in the units of <see cref="Objective"/> (an upper bound on f(w) - f*): dual point θ = R
    /// with the elastic-net conjugate when alpha·(1 - l1Ratio) &gt; 0, else R scaled into the Lasso dual
    /// feasible set.
    /// </summary>
    public static double DualityGap(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int n, int p,
        ReadOnlySpan<double> w, double alpha, double l1Ratio, bool fitIntercept)
    {
        var (xc, yc, _, _) = Center(x, y, n, p, fitIntercept);
        double a1 = n * alpha * l1Ratio;
        double a2 = n * alpha * (1.0 - l1Ratio);
        var r = Residual(xc, yc, n, p, w);
        var v = TransposeTimes(xc, r, n, p);

        double l1 = 0.0, l2 = 0.0;
        for (int j = 0; j < p; j++)
        {
            l1 += Math.Abs(w[j]);
            l2 += w[j] * w[j];
        }
        double primal = 0.5 * Dot(r, r) + a1 * l1 + 0.5 * a2 * l2;

        double scale = 1.0, hStar = 0.0;
        if (a2 > 0)
        {
            for (int j = 0; j < p; j++)
            {
                double excess = Math.Max(Math.Abs(v[j]) - a1, 0.0);
                hStar += excess * excess;
            }
            hStar /= 2.0 * a2;
        }
        else
        {
            double vMax = 0.0;
            for (int j = 0; j < p; j++)
            {
                vMax = Math.Max(vMax, Math.Abs(v[j]));
            }
            scale = vMax > 0 ? Math.Min(1.0, a1 / vMax) : 1.0;
        }
        // θ = scale·R, so θ·yc = scale·(R·yc) and ||θ||² = scale²·||R||².
        double dual = scale * Dot(r, yc) - 0.5 * scale * scale * Dot(r, r) - hStar;
        return (primal - dual) / n;
    }

    /// <summary>
    /// Largest violation of the optimality conditions in gradient (1/n) units: |g_j - a1·sign(w_j) - a2·w_j|
    /// on the support, max(|g_j| - a1, 0) off it, with g = X_cᵀ(y_c - X_c w)/n.
    /// </summary>
    public static double KktViolation(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int n, int p,
        ReadOnlySpan<double> w, double alpha, double l1Ratio, bool fitIntercept)
    {
        var (xc, yc, _, _) = Center(x, y, n, p, fitIntercept);
        double a1 = alpha * l1Ratio;
        double a2 = alpha * (1.0 - l1Ratio);
        var g = TransposeTimes(xc, Residual(xc, yc, n, p, w), n, p);
        double worst = 0.0;
        for (int j = 0; j < p; j++)
        {
            double gj = g[j] / n;
            double violation = w[j] != 0
                ? Math.Abs(gj - a1 * Math.Sign(w[j]) - a2 * w[j])
                : Math.Max(Math.Abs(gj) - a1, 0.0);
            worst = Math.Max(worst, violation);
        }
        return worst;
    }

    private static double[] Residual(double[] xc, double[] yc, int n, int p, ReadOnlySpan<double> w)
    {
        var r = new double[n];
        for (int i = 0; i < n; i++)
        {
            r[i] = yc[i] - Dot(xc.AsSpan(i * p, p), w);
        }
        return r;
    }

    private static double[] TransposeTimes(double[] xc, double[] r, int n, int p)
    {
        var v = new double[p];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < p; j++)
            {
                v[j] += xc[i * p + j] * r[i];
            }
        }
        return v;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0.0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
