using System.Numerics;
using GpuSparse.Preparation;

namespace GpuSparse.Certificates;

/// <summary>
/// The duality gap of a prepared problem at β, in the units of the objective f (an upper bound on f(β) − f*),
/// as defined in scikit-learn and <c>shared/README.md</c> §1, extended to penalty factors and positivity.
/// </summary>
/// <remarks>
/// n-scaled quantities: <c>R = y_c − X_wβ</c>, <c>v = X_wᵀR</c>,
/// <c>P = ½‖R‖² + n·Σⱼ(l1ⱼ|βⱼ| + ½·l2ⱼβⱼ²)</c>. The dual point is <c>θ = s·R</c> with s the largest value ≤ 1
/// keeping <c>|vⱼ|·s ≤ n·l1ⱼ</c> on pure-L1 coordinates (l2ⱼ = 0, the Lasso); coordinates with l2ⱼ &gt; 0 enter
/// through the conjugate <c>h*ⱼ(u) = max(|u| − n·l1ⱼ, 0)²/(2n·l2ⱼ)</c> (one-sided, <c>max(u − n·l1ⱼ, 0)</c>, with
/// positivity). <c>D = θ·y_c − ½‖θ‖² − Σⱼ h*ⱼ(s·vⱼ)</c> and <c>gap = (P − D)/n</c>. Unpenalised coordinates
/// (l1ⱼ = l2ⱼ = 0) impose <c>vⱼ = 0</c> on θ, which is left out (as skglm does): the gap is then exact once
/// their gradient vanishes at the optimum. Evaluated in float64 whatever the working precision.
/// </remarks>
internal static class DualityGap
{
    /// <summary>Returns (gap, primal objective), both in units of f. <paramref name="residual"/> needs n entries, <paramref name="correlation"/> p.</summary>
    public static (double Gap, double Objective) Evaluate<T>(PreparedProblem<T> problem, ReadOnlySpan<T> beta,
        Span<double> residual, Span<double> correlation) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var design = problem.Design;
        int n = design.Samples, p = design.Features;
        var x = design.Values.AsSpan();
        var y = problem.Response.AsSpan();
        // R = y_c − X_w β
        double residualNorm2 = 0, residualDotY = 0;
        for (int i = 0; i < n; i++)
        {
            double acc = 0;
            for (int j = 0; j < p; j++)
                acc += double.CreateTruncating(x[i * p + j]) * double.CreateTruncating(beta[j]);
            double yi = double.CreateTruncating(y[i]);
            double r = yi - acc;
            residual[i] = r;
            residualNorm2 += r * r;
            residualDotY += r * yi;
        }
        // v = X_wᵀ R
        correlation.Clear();
        for (int i = 0; i < n; i++)
        {
            double r = residual[i];
            for (int j = 0; j < p; j++)
                correlation[j] += double.CreateTruncating(x[i * p + j]) * r;
        }
        return Combine(problem, beta, correlation, residualNorm2, residualDotY, n);
    }

    /// <summary>
    /// The gap from the residual's summaries, for any problem whose coordinates carry the weights of
    /// <paramref name="problem"/> (a prepared problem, or one step of a path on a subset of its columns): <paramref name="correlation"/> is vⱼ = X_wᵀR, <paramref name="residualNorm2"/>
    /// ‖R‖² and <paramref name="residualDotY"/> R·y_c, all in units of <paramref name="n"/> (n for the sums as they are;
    /// 1 for the same sums divided by n, as the Gram form has them). Returns (gap, primal objective) in units of f.
    /// </summary>
    internal static (double Gap, double Objective) Combine<TPenalty, TBeta>(TPenalty problem, ReadOnlySpan<TBeta> beta,
        ReadOnlySpan<double> correlation, double residualNorm2, double residualDotY, double n)
        where TPenalty : ICoordinatePenalties
        where TBeta : unmanaged, IFloatingPointIeee754<TBeta>
    {
        int p = beta.Length;
        double penalty = 0, scale = 1;
        for (int j = 0; j < p; j++)
        {
            double b = double.CreateTruncating(beta[j]);
            double a1 = n * problem.L1Weight(j);
            double a2 = n * problem.L2Weight(j);
            penalty += a1 * Math.Abs(b) + 0.5 * a2 * b * b;
            if (a2 == 0 && a1 > 0)
            {
                double v = problem.Positive ? Math.Max(correlation[j], 0) : Math.Abs(correlation[j]);
                if (v * scale > a1)
                    scale = a1 / v;
            }
        }
        double conjugate = 0;
        for (int j = 0; j < p; j++)
        {
            double a2 = n * problem.L2Weight(j);
            if (a2 == 0)
                continue;
            double a1 = n * problem.L1Weight(j);
            double v = scale * correlation[j];
            double excess = (problem.Positive ? v : Math.Abs(v)) - a1;
            if (excess > 0)
                conjugate += excess * excess / (2 * a2);
        }
        double primal = 0.5 * residualNorm2 + penalty;
        double dual = scale * residualDotY - 0.5 * scale * scale * residualNorm2 - conjugate;
        return ((primal - dual) / n, primal / n);
    }
}
