using GpuSparse.Kernels.Penalties;

namespace GpuSparse.Kernels.Certificates;

/// <summary>
/// The duality gap of one problem from its residual's summaries, in float64, for any penalty: the one source of
/// the certificate of the host engines (spans) and of the device kernels (views, on one thread; the on-chip kernels
/// sum its per-block terms over a warp's lanes, <c>OnChip.WarpGapTerms</c>, and finish with <see cref="Finish"/>).
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
            double a1 = n * weights.L1Weight(j);
            double a2 = n * weights.L2Weight(j);
            penalty += PenaltyTerm(a1, a2, form.Norm(beta, j, end));
            if (IsPureL1(a1, a2))
                scale = ScaleBound(scale, a1, form.Support(correlation, j, end));
        }
        // Σ_B h*_B(s·v) = Σ_B max(s·σ_B(v) − n·l1_B, 0)²/(2n·l2_B)
        double conjugate = 0;
        for (int j = 0, end; j < p; j = end)
        {
            end = form.BlockEnd(weights, j);
            double a2 = n * weights.L2Weight(j);
            if (a2 == 0)
                continue;
            conjugate += ConjugateTerm(scale, n * weights.L1Weight(j), a2, form.Support(correlation, j, end));
        }
        return Finish(penalty, scale, conjugate, residualNorm2, residualDotY, n);
    }

    /// <summary>A block's share of P: <c>n·l1_B‖β_B‖ + ½·n·l2_B‖β_B‖²</c> with a1 = n·l1_B, a2 = n·l2_B and ‖β_B‖ = <paramref name="norm"/>.</summary>
    public static double PenaltyTerm(double a1, double a2, double norm) => a1 * norm + 0.5 * a2 * norm * norm;

    /// <summary>Whether a block is pure L1 (a2 = 0 &lt; a1): it bounds the dual scaling instead of adding a conjugate term.</summary>
    public static bool IsPureL1(double a1, double a2) => a2 == 0 && a1 > 0;

    /// <summary>
    /// The dual scaling after a pure-L1 block with σ_B(v) = <paramref name="support"/>: a1/σ_B where s·σ_B would
    /// exceed a1, else s unchanged. Over the blocks it gives s = min(1, min_B a1_B/σ_B) in any order, up to the
    /// rounding of the product s·σ_B at a tie; a NaN support leaves s unchanged.
    /// </summary>
    public static double ScaleBound(double scale, double a1, double support) => support * scale > a1 ? a1 / support : scale;

    /// <summary>A block's conjugate term <c>h*_B(s·v) = max(s·σ_B(v) − a1, 0)²/(2·a2)</c> (a2 &gt; 0); 0 for a NaN excess, as a skipped block.</summary>
    public static double ConjugateTerm(double scale, double a1, double a2, double support)
    {
        double excess = scale * support - a1;
        return excess > 0 ? excess * excess / (2 * a2) : 0;
    }

    /// <summary>(gap, objective) from the summed terms: P = ½‖R‖² + penalty, D = s·R·y_c − ½s²‖R‖² − conjugate, gap = (P − D)/n.</summary>
    public static (double Gap, double Objective) Finish(double penalty, double scale, double conjugate, double residualNorm2,
        double residualDotY, double n)
    {
        double primal = 0.5 * residualNorm2 + penalty;
        double dual = scale * residualDotY - 0.5 * scale * scale * residualNorm2 - conjugate;
        return ((primal - dual) / n, primal / n);
    }
}
