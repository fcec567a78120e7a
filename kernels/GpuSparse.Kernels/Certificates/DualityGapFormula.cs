using GpuSparse.Kernels.Penalties;

namespace GpuSparse.Kernels.Certificates;

/// <summary>
/// The duality gap of one problem from its residual's summaries, in float64, for any penalty: the one source of
/// the certificate of the host engines (spans) and of the device kernels (views; one thread evaluates it).
/// </summary>
/// <remarks>
/// n-scaled quantities: R = y_c − X_wβ, v = X_wᵀR, <c>P = ½‖R‖² + n·Σ_B(l1_B‖β_B‖ + ½·l2_B‖β_B‖²)</c>. The dual point
/// is θ = s·R with s the largest value ≤ 1 keeping σ_B(s·v) ≤ n·l1_B on pure-L1 blocks (l2_B = 0), σ the penalty's
/// <see cref="IPenaltyNorms.Support"/>; blocks with l2_B &gt; 0 enter through the conjugate
/// <c>h*_B(u) = max(σ_B(u) − n·l1_B, 0)²/(2n·l2_B)</c>. <c>D = θ·y_c − ½‖θ‖² − Σ_B h*_B(s·v)</c>, gap = (P − D)/n.
/// Unpenalised blocks (l1 = l2 = 0) would impose v_B = 0 on θ, which is left out (as skglm does): the gap is
/// exact once their gradient vanishes. Comparisons keep a NaN operand out of the scaling as <c>Math.Max</c> would.
/// </remarks>
public static class DualityGapFormula
{
    /// <summary>
    /// (gap, primal objective) in units of f. <paramref name="correlation"/> is v = X_wᵀR, <paramref name="residualNorm2"/>
    /// ‖R‖² and <paramref name="residualDotY"/> R·y_c, all in units of <paramref name="n"/> (n for plain sums, 1 for
    /// sums divided by n, as the Gram form has them).
    /// </summary>
    public static (double Gap, double Objective) Combine<TPenalty, TWeights, TBeta, TCorrelation>(TPenalty form,
        TWeights weights, TBeta beta, TCorrelation correlation, int p, double residualNorm2, double residualDotY, double n)
        where TPenalty : struct, IPenaltyNorms
        where TWeights : IPenaltyWeights, allows ref struct
        where TBeta : IValues, allows ref struct
        where TCorrelation : IValues, allows ref struct
    {
        // P/n·n = ½‖R‖² + n·Σ_B(l1_B‖β_B‖ + ½·l2_B‖β_B‖²); s from the pure-L1 blocks
        double penalty = 0, scale = 1;
        for (int j = 0, end; j < p; j = end)
        {
            end = form.BlockEnd(weights, j);
            double b = form.Norm(beta, j, end);
            double a1 = n * weights.L1Weight(j);
            double a2 = n * weights.L2Weight(j);
            penalty += a1 * b + 0.5 * a2 * b * b;
            if (a2 == 0 && a1 > 0)
            {
                double v = form.Support(correlation, j, end);
                if (v * scale > a1)
                    scale = a1 / v;
            }
        }
        // Σ_B h*_B(s·v) = Σ_B max(s·σ_B(v) − n·l1_B, 0)²/(2n·l2_B)
        double conjugate = 0;
        for (int j = 0, end; j < p; j = end)
        {
            end = form.BlockEnd(weights, j);
            double a2 = n * weights.L2Weight(j);
            if (a2 == 0)
                continue;
            double a1 = n * weights.L1Weight(j);
            double excess = scale * form.Support(correlation, j, end) - a1;
            if (excess > 0)
                conjugate += excess * excess / (2 * a2);
        }
        // gap = (P − D)/n with D = s·R·y_c − ½s²‖R‖² − Σ_B h*_B(s·v)
        double primal = 0.5 * residualNorm2 + penalty;
        double dual = scale * residualDotY - 0.5 * scale * scale * residualNorm2 - conjugate;
        return ((primal - dual) / n, primal / n);
    }
}
