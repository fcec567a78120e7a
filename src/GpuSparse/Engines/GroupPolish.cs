using System.Numerics;
using GpuSparse.Certificates;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Numerics;
using GpuSparse.Preparation;

namespace GpuSparse.Engines;

/// <summary>
/// Finishes a converged group-penalty solve with Newton steps on its active blocks. A float64 gap resolves about
/// 1e-16 of ‖y_c‖²/n, and where the group norm curves (or l2 &gt; 0) an iterate whose objective is that close to
/// f* can still be √(2L·1e-16) from meeting its KKT conditions (about 1e-8 of λ_max). On the blocks A with
/// β_B ≠ 0 the objective is smooth, and Newton's method on it,
/// <c>(G_AA + D)·d = −∇f_A</c>, <c>D_B = l1_B/‖β_B‖·(I − u_Buᵀ_B) + l2_B·I</c> (u_B = β_B/‖β_B‖),
/// converges quadratically from there to the KKT point of that support, to rounding.
/// </summary>
/// <remarks>
/// The polished iterate replaces the engine's only when its own gap (recomputed in float64 by
/// <see cref="DualityGap"/>) is still within the tolerance and its KKT residual (<see cref="KktResidual"/>, every
/// block, the zero ones included) is smaller: a wrong support, a singular G_AA or float32 rounding leaves the
/// engine's iterate as it was. A block whose Newton step would cross zero leaves A (its group is zero at the
/// optimum of the support). Problems whose blocks are all single coordinates are the elastic net and are not polished.
/// </remarks>
internal static class GroupPolish
{
    /// <summary>Newton steps at most: from the ~1e-8 an engine leaves, one or two reach rounding.</summary>
    private const int MaxSteps = 4;

    /// <summary>The largest active set polished: its m × m Newton matrix is formed in n·m²/2 and factored in m³/6.</summary>
    private const int MaxActive = 2048;

    /// <summary>Whether converged group solves are polished; off only where a benchmark measures the polish's share of a solve.</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>Whether <paramref name="problem"/> has a block of two or more coordinates (a group penalty proper).</summary>
    public static bool Applies<T>(PreparedProblem<T> problem) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (problem.BlockEnds is not { } ends)
            return false;
        for (int start = 0; start < ends.Length; start = ends[start])
            if (ends[start] - start > 1)
                return true;
        return false;
    }

    /// <summary>
    /// The polished iterate of a converged <paramref name="beta"/> with its gap and objective (working units), or
    /// null when polishing does not lower the KKT residual within the gap tolerance.
    /// </summary>
    public static (T[] Beta, double Gap, double Objective)? Polish<T>(PreparedProblem<T> problem, ReadOnlySpan<T> beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Applies(problem))
            return null;
        int n = problem.Design.Samples, p = problem.Design.Features;
        var residual = new double[n];
        var correlation = new double[p];
        DualityGap.Evaluate<T, GroupElasticNet<T>>(problem, beta, residual, correlation);
        double before = KktResidual(problem, new SpanValues<T>(beta), correlation, n);
        var point = new double[p];
        for (int j = 0; j < p; j++)
            point[j] = double.CreateTruncating(beta[j]);
        if (!NewtonSteps(problem, point))
            return null;
        var polished = new T[p];
        for (int j = 0; j < p; j++)
            polished[j] = T.CreateTruncating(point[j]);
        var (gap, objective) = DualityGap.Evaluate<T, GroupElasticNet<T>>(problem, polished, residual, correlation);
        double after = KktResidual(problem, new SpanValues<T>(polished), correlation, n);
        return gap <= problem.GapTolerance && after < before ? (polished, gap, objective) : null;
    }

    /// <summary>
    /// The norm of the smallest subgradient of the objective at β, from v = X_wᵀ(y_c − X_wβ): on a block with
    /// β_B ≠ 0 the gradient <c>−v_B/n + l1_B·β_B/‖β_B‖ + l2_B·β_B</c>, on a zero block <c>max(‖v_B‖/n − l1_B, 0)</c>.
    /// </summary>
    private static double KktResidual<TBeta>(PreparedProblem<TBeta> problem, SpanValues<TBeta> beta, ReadOnlySpan<double> correlation, int n)
        where TBeta : unmanaged, IFloatingPointIeee754<TBeta>
    {
        var penalty = default(GroupElasticNet<TBeta>);
        double sum = 0;
        for (int start = 0, end; start < correlation.Length; start = end)
        {
            end = penalty.BlockEnd(problem, start);
            double l1 = problem.L1Weight(start), l2 = problem.L2Weight(start);
            double norm = penalty.Norm(beta, start, end);
            if (norm == 0)
            {
                double excess = Math.Max(penalty.DualNorm(new SpanValues<double>(correlation), start, end) / n - l1, 0);
                sum += excess * excess;
                continue;
            }
            for (int j = start; j < end; j++)
            {
                double gradient = -correlation[j] / n + l1 * beta[j] / norm + l2 * beta[j];
                sum += gradient * gradient;
            }
        }
        return Math.Sqrt(sum);
    }

    /// <summary>Newton steps on the nonzero blocks of <paramref name="point"/>, in place; false when none could be taken.</summary>
    private static bool NewtonSteps<T>(PreparedProblem<T> problem, double[] point) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = problem.Design.Samples, p = problem.Design.Features;
        var x = problem.Design.Values;
        var y = problem.Response;
        var penalty = default(GroupElasticNet<T>);
        bool stepped = false;
        for (int step = 0; step < MaxSteps; step++)
        {
            // the coordinates of the nonzero blocks, and where each block starts among them
            var active = new List<int>();
            var blocks = new List<(int Start, int End)>();
            for (int start = 0, end; start < p; start = end)
            {
                end = penalty.BlockEnd(problem, start);
                if (penalty.Norm(new SpanValues<double>(point), start, end) == 0)
                    continue;
                blocks.Add((active.Count, active.Count + end - start));
                for (int j = start; j < end; j++)
                    active.Add(j);
            }
            int m = active.Count;
            if (m == 0 || m > MaxActive)
                return stepped;
            // X_A (n × m, float64) and R = y_c − X_Aβ_A
            var design = new double[(long)n * m];
            var residual = new double[n];
            for (int i = 0; i < n; i++)
            {
                double fitted = 0;
                for (int a = 0; a < m; a++)
                {
                    double value = double.CreateTruncating(x[i * p + active[a]]);
                    design[i * m + a] = value;
                    fitted += value * point[active[a]];
                }
                residual[i] = double.CreateTruncating(y[i]) - fitted;
            }
            // H = X_AᵀX_A/n + D, rhs = −∇f_A = X_AᵀR/n − l1_B·u_B − l2_B·β_B
            var hessian = new double[m * m];
            VectorKernels.Gram(design, n, m, hessian);
            var rhs = new double[m];
            for (int i = 0; i < n; i++)
                VectorKernels.AddScaled<double>(rhs, residual[i], design.AsSpan(i * m, m));
            for (int e = 0; e < hessian.Length; e++)
                hessian[e] /= n;
            foreach (var (first, last) in blocks)
            {
                int feature = active[first];
                double l1 = problem.L1Weight(feature), l2 = problem.L2Weight(feature);
                double norm = penalty.Norm(new SpanValues<double>(point), feature, feature + last - first);
                for (int a = first; a < last; a++)
                {
                    double ua = point[active[a]] / norm;
                    rhs[a] = rhs[a] / n - l1 * ua - l2 * point[active[a]];
                    // D = l1/‖β_B‖·(I − u uᵀ) + l2·I (zero curvature of |β| for a block of one)
                    for (int b = first; b < last; b++)
                    {
                        double ub = point[active[b]] / norm;
                        double curvature = last - first == 1 ? 0 : l1 / norm * ((a == b ? 1 : 0) - ua * ub);
                        hessian[a * m + b] += curvature + (a == b ? l2 : 0);
                    }
                }
            }
            var factor = new double[m * m];
            if (!Cholesky.TryFactor(m, (a, b) => hessian[a * m + b], factor))
                return stepped;
            Cholesky.Solve(factor, m, rhs);
            if (!rhs.All(double.IsFinite))
                return stepped;
            // a block whose step crosses zero (β_B·(β_B + d_B) ≤ 0) leaves the support; the others take the step
            bool collapsed = false;
            foreach (var (first, last) in blocks)
            {
                double along = 0;
                for (int a = first; a < last; a++)
                    along += point[active[a]] * (point[active[a]] + rhs[a]);
                if (along > 0)
                    continue;
                for (int a = first; a < last; a++)
                    point[active[a]] = 0;
                collapsed = true;
            }
            stepped = true;
            if (collapsed)
                continue;
            double largest = 0, change = 0;
            for (int a = 0; a < m; a++)
            {
                change = Math.Max(change, Math.Abs(rhs[a]));
                point[active[a]] += rhs[a];
                largest = Math.Max(largest, Math.Abs(point[active[a]]));
            }
            if (change <= 1e-15 * largest)
                break;
        }
        return stepped;
    }
}
