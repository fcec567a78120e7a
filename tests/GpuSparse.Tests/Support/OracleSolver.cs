namespace GpuSparse.Tests.Support;

/// <summary>
/// An independent float64 elastic-net solver for the tests: plain cyclic coordinate descent on a residual,
/// written without the library's preparation, scaling or certificates, for problems the test has already put
/// on a comfortable scale. Minimises
/// <c>1/(2n)‖y_c − X_cβ‖² + Σⱼ (l1ⱼ|βⱼ| + ½·l2ⱼβⱼ²)</c> with X_c, y_c centred by the caller (or not, without an
/// intercept), until its own duality gap is below <c>tol·‖y_c‖²/n</c>.
/// </summary>
public static class OracleSolver
{
    /// <summary>Returns β and the objective at β (X row-major n × p).</summary>
    public static (double[] Beta, double Objective) Solve(double[] x, double[] y, int n, int p, double[] l1, double[] l2,
        double tol = 1e-15, int maxSweeps = 2_000_000)
    {
        var beta = new double[p];
        var r = (double[])y.Clone();
        var norms = new double[p];
        for (int j = 0; j < p; j++)
            for (int i = 0; i < n; i++)
                norms[j] += x[i * p + j] * x[i * p + j] / n;
        double nullLoss = y.Sum(v => v * v) / n;
        for (int sweep = 0; sweep < maxSweeps; sweep++)
        {
            for (int j = 0; j < p; j++)
            {
                if (norms[j] == 0)
                    continue;
                double rho = 0;
                for (int i = 0; i < n; i++)
                    rho += x[i * p + j] * r[i];
                rho = rho / n + norms[j] * beta[j];
                double next = Math.Sign(rho) * Math.Max(Math.Abs(rho) - l1[j], 0) / (norms[j] + l2[j]);
                double change = next - beta[j];
                if (change == 0)
                    continue;
                for (int i = 0; i < n; i++)
                    r[i] -= x[i * p + j] * change;
                beta[j] = next;
            }
            if (sweep % 10 == 9 && Gap(x, y, n, p, beta, l1, l2) <= tol * nullLoss)
                break;
        }
        return (beta, Objective(x, y, n, p, beta, l1, l2));
    }

    /// <summary><c>1/(2n)‖y − Xβ‖² + Σⱼ (l1ⱼ|βⱼ| + ½·l2ⱼβⱼ²)</c>.</summary>
    public static double Objective(double[] x, double[] y, int n, int p, ReadOnlySpan<double> beta, double[] l1, double[] l2)
    {
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            double ri = y[i];
            for (int j = 0; j < p; j++)
                ri -= x[i * p + j] * beta[j];
            loss += ri * ri;
        }
        double penalty = 0;
        for (int j = 0; j < p; j++)
            penalty += l1[j] * Math.Abs(beta[j]) + 0.5 * l2[j] * beta[j] * beta[j];
        return loss / (2.0 * n) + penalty;
    }

    /// <summary>
    /// The duality gap at β (units of the objective): θ = s·r, s ≤ 1 the largest keeping |x_jᵀθ| ≤ n·l1ⱼ on pure-L1
    /// coordinates, the conjugate max(|x_jᵀθ| − n·l1ⱼ, 0)²/(2n·l2ⱼ) on the others.
    /// </summary>
    public static double Gap(double[] x, double[] y, int n, int p, ReadOnlySpan<double> beta, double[] l1, double[] l2)
    {
        var r = new double[n];
        for (int i = 0; i < n; i++)
        {
            r[i] = y[i];
            for (int j = 0; j < p; j++)
                r[i] -= x[i * p + j] * beta[j];
        }
        var v = new double[p];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < p; j++)
                v[j] += x[i * p + j] * r[i];
        double scale = 1;
        for (int j = 0; j < p; j++)
            if (l2[j] == 0 && Math.Abs(v[j]) * scale > n * l1[j])
                scale = n * l1[j] / Math.Abs(v[j]);
        double conjugate = 0;
        for (int j = 0; j < p; j++)
            if (l2[j] > 0)
            {
                double excess = Math.Max(Math.Abs(scale * v[j]) - n * l1[j], 0);
                conjugate += excess * excess / (2 * n * l2[j]);
            }
        double rr = r.Sum(e => e * e), ry = r.Zip(y, (a, b) => a * b).Sum();
        double penalty = 0;
        for (int j = 0; j < p; j++)
            penalty += n * (l1[j] * Math.Abs(beta[j]) + 0.5 * l2[j] * beta[j] * beta[j]);
        double primal = 0.5 * rr + penalty, dual = scale * ry - 0.5 * scale * scale * rr - conjugate;
        return (primal - dual) / n;
    }

    /// <summary>Centred copies of X's columns and of y (plain means: for data the test keeps free of offsets).</summary>
    public static (double[] Xc, double[] Yc) Centre(double[] x, double[] y, int n, int p)
    {
        var xc = (double[])x.Clone();
        var yc = (double[])y.Clone();
        double ym = y.Average();
        for (int i = 0; i < n; i++)
            yc[i] -= ym;
        for (int j = 0; j < p; j++)
        {
            double m = 0;
            for (int i = 0; i < n; i++)
                m += x[i * p + j];
            m /= n;
            for (int i = 0; i < n; i++)
                xc[i * p + j] -= m;
        }
        return (xc, yc);
    }
}
