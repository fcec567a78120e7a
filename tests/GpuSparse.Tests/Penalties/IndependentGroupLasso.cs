using GpuSparse.Tests.Support;

namespace GpuSparse.Tests.Penalties;

/// <summary>
/// An independent group elastic net with an intercept, for the tests only: centred data, plain proximal gradient
/// (FISTA with restarts) in float64 with step 1/L, L = ‖X_c‖₂²/n by power iteration, block soft-thresholding per
/// group, run until the iterate moves less than 1e-14 relative. Objective
/// <c>1/(2n)‖y_c − X_cβ‖² + λ·(r·Σ_g w_g‖β_g‖ + (1 − r)/2·Σ_g w_g‖β_g‖²)</c>, w_g = √|g| unless weights are given
/// (one per group, in ascending label order).
/// </summary>
public static class IndependentGroupLasso
{
    public static double[] Solve(double[] x, double[] y, int n, int p, int[] groups, double lambda, double ratio,
        double[]? weights = null)
    {
        var (xc, yc) = OracleSolver.Centre(x, y, n, p);
        var members = Members(groups, weights);
        double lipschitz = LargestEigenvalue(xc, n, p);
        double step = 1 / lipschitz;
        var beta = new double[p];
        var previous = new double[p];
        var z = new double[p];
        var gradient = new double[p];
        double momentum = 1;
        for (int iteration = 0; iteration < 200_000; iteration++)
        {
            // ∇f(z) = −X_cᵀ(y_c − X_c z)/n
            Gradient(xc, yc, z, n, p, gradient);
            Array.Copy(beta, previous, p);
            foreach (var (group, weight) in members)
            {
                double norm2 = 0;
                foreach (int j in group)
                {
                    beta[j] = z[j] - step * gradient[j];
                    norm2 += beta[j] * beta[j];
                }
                double norm = Math.Sqrt(norm2), l1 = step * lambda * ratio * weight, l2 = step * lambda * (1 - ratio) * weight;
                double shrink = norm > l1 ? (1 - l1 / norm) / (1 + l2) : 0;
                foreach (int j in group)
                    beta[j] *= shrink;
            }
            double uphill = 0, change = 0, size = 0;
            for (int j = 0; j < p; j++)
            {
                uphill += (z[j] - beta[j]) * (beta[j] - previous[j]);
                change = Math.Max(change, Math.Abs(beta[j] - previous[j]));
                size = Math.Max(size, Math.Abs(beta[j]));
            }
            if (change <= 1e-14 * Math.Max(size, 1e-300) && iteration > 10)
                break;
            double next = uphill > 0 ? 1 : (1 + Math.Sqrt(1 + 4 * momentum * momentum)) / 2;
            double weightNext = uphill > 0 ? 0 : (momentum - 1) / next;
            for (int j = 0; j < p; j++)
                z[j] = beta[j] + weightNext * (beta[j] - previous[j]);
            momentum = next;
        }
        return beta;
    }

    /// <summary>max_g ‖X_gᵀy_c‖/(n·w_g·r) over the penalised groups (w_g &gt; 0).</summary>
    public static double LambdaMax(double[] x, double[] y, int n, int p, int[] groups, double ratio, double[]? weights = null)
    {
        var (xc, yc) = OracleSolver.Centre(x, y, n, p);
        var gradient = new double[p];
        Gradient(xc, yc, new double[p], n, p, gradient);
        return Members(groups, weights).Where(e => e.Weight > 0)
            .Max(e => Math.Sqrt(e.Features.Sum(j => gradient[j] * gradient[j])) / (e.Weight * ratio));
    }

    /// <summary>The objective at (β, b₀) on the raw data.</summary>
    public static double Objective(double[] x, double[] y, int n, int p, int[] groups, double lambda, double ratio,
        double[] beta, double intercept, double[]? weights = null)
    {
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            double r = y[i] - intercept;
            for (int j = 0; j < p; j++)
                r -= x[i * p + j] * beta[j];
            loss += r * r;
        }
        double penalty = 0;
        foreach (var (group, weight) in Members(groups, weights))
        {
            double norm2 = group.Sum(j => beta[j] * beta[j]);
            penalty += weight * (ratio * Math.Sqrt(norm2) + (1 - ratio) / 2 * norm2);
        }
        return loss / (2 * n) + lambda * penalty;
    }

    /// <summary>
    /// The KKT residual at β on the centred data: the norm of the gradient mapping L·(β − prox_{h/L}(β − ∇f(β)/L)),
    /// zero exactly at the optimum, with L the smoothness constant of f.
    /// </summary>
    public static double KktResidual(double[] x, double[] y, int n, int p, int[] groups,
        double lambda, double ratio, double[] beta, double[]? weights = null)
    {
        var (xc, yc) = OracleSolver.Centre(x, y, n, p);
        var gradient = new double[p];
        Gradient(xc, yc, beta, n, p, gradient);
        double lipschitz = LargestEigenvalue(xc, n, p), step = 1 / lipschitz, sum = 0;
        foreach (var (group, weight) in Members(groups, weights))
        {
            double norm2 = 0;
            var moved = group.Select(j => beta[j] - step * gradient[j]).ToArray();
            foreach (double v in moved)
                norm2 += v * v;
            double norm = Math.Sqrt(norm2), l1 = step * lambda * ratio * weight, l2 = step * lambda * (1 - ratio) * weight;
            double shrink = norm > l1 ? (1 - l1 / norm) / (1 + l2) : 0;
            for (int e = 0; e < group.Length; e++)
            {
                double mapping = lipschitz * (beta[group[e]] - shrink * moved[e]);
                sum += mapping * mapping;
            }
        }
        return Math.Sqrt(sum);
    }

    // The features of each group with its weight: weights[g] for the g-th label in ascending order, else √|g|.
    private static (int[] Features, double Weight)[] Members(int[] groups, double[]? weights)
    {
        var labels = groups.Distinct().Order().ToList();
        return [.. groups.Select((label, j) => (label, j)).GroupBy(e => e.label)
            .Select(g => (g.Select(e => e.j).ToArray(), weights?[labels.IndexOf(g.Key)] ?? Math.Sqrt(g.Count())))];
    }

    private static void Gradient(double[] xc, double[] yc, double[] beta, int n, int p, double[] gradient)
    {
        Array.Clear(gradient);
        for (int i = 0; i < n; i++)
        {
            double r = yc[i];
            for (int j = 0; j < p; j++)
                r -= xc[i * p + j] * beta[j];
            for (int j = 0; j < p; j++)
                gradient[j] -= xc[i * p + j] * r / n;
        }
    }

    private static double LargestEigenvalue(double[] xc, int n, int p)
    {
        var v = Enumerable.Repeat(1.0 / Math.Sqrt(p), p).ToArray();
        var w = new double[p];
        double value = 0;
        for (int iteration = 0; iteration < 500; iteration++)
        {
            // w = X_cᵀX_c v/n
            Array.Clear(w);
            for (int i = 0; i < n; i++)
            {
                double xv = 0;
                for (int j = 0; j < p; j++)
                    xv += xc[i * p + j] * v[j];
                for (int j = 0; j < p; j++)
                    w[j] += xc[i * p + j] * xv / n;
            }
            double norm = Math.Sqrt(w.Sum(e => e * e));
            if (norm == 0)
                return 1;
            value = norm;
            for (int j = 0; j < p; j++)
                v[j] = w[j] / norm;
        }
        // power iteration approaches from below: a margin keeps the step 1/L safe
        return value * 1.01;
    }
}
