using GpuSparse.Kernels.Penalties;

namespace GpuSparse.Sweeps;

/// <summary>
/// Sequential strong rules with a KKT check (Tibshirani et al. 2012, as glmnet uses them): which features a
/// path step may leave out of the solve, and which left-out features the solution proves were needed, for a
/// coordinate-wise penalty (|cⱼ| is its dual norm on coordinate j).
/// </summary>
/// <remarks>
/// At the optimum every feature with βⱼ = 0 has |cⱼ| ≤ λ·r·wⱼ, with cⱼ = x̃ⱼᵀr/n the scaled gradient.
/// If cⱼ(λ) is 1-Lipschitz in λ, |cⱼ(λ_prev)| &lt; r·wⱼ·(2λ − λ_prev) implies βⱼ(λ) = 0; the rule discards
/// those features. It is a heuristic, so after the solve the left-out features are checked against the
/// exact condition and violators are added back and the step is solved again: the result is the solution
/// of the full problem. A step solved this way has the same duality gap as the full problem, because a
/// left-out feature that passes the check neither changes the primal objective (βⱼ = 0) nor the dual
/// point (|cⱼ| ≤ λ·r·wⱼ never sets the dual scaling, and contributes 0 to the elastic-net conjugate).
/// </remarks>
internal static class StrongRules
{
    /// <summary>
    /// Marks in <paramref name="keep"/> the features the rule keeps for the step to <paramref name="lambda"/>
    /// from the solution at <paramref name="previousLambda"/> (coefficients <paramref name="previousBeta"/>,
    /// gradient <paramref name="previousGradient"/>): every feature that is nonzero, unpenalised (r·wⱼ = 0),
    /// or has |cⱼ| ≥ r·wⱼ·(2λ − λ_prev). Marks are only added, so one mask can collect several paths.
    /// </summary>
    public static void MarkStrong<TPenalty>(ReadOnlySpan<double> previousGradient, ReadOnlySpan<double> previousBeta,
        double lambda, double previousLambda, double l1Ratio, IReadOnlyList<double>? penaltyFactors, Span<bool> keep)
        where TPenalty : struct, IPenaltyNorms
    {
        var form = default(TPenalty);
        double threshold = l1Ratio * (2 * lambda - previousLambda);
        for (int j = 0; j < keep.Length; j++)
        {
            double w = penaltyFactors?[j] ?? 1.0;
            if (previousBeta[j] != 0 || l1Ratio * w == 0 || form.DualNorm(new SpanValues<double>(previousGradient), j, j + 1) >= threshold * w)
                keep[j] = true;
        }
    }

    /// <summary>
    /// The KKT check: adds to <paramref name="keep"/> every left-out feature with |cⱼ| &gt; λ·r·wⱼ at the
    /// solution whose gradient is <paramref name="gradient"/>. Returns whether any feature was added.
    /// </summary>
    public static bool AddViolators<TPenalty>(ReadOnlySpan<double> gradient, double lambda, double l1Ratio,
        IReadOnlyList<double>? penaltyFactors, Span<bool> keep)
        where TPenalty : struct, IPenaltyNorms
    {
        var form = default(TPenalty);
        bool added = false;
        for (int j = 0; j < keep.Length; j++)
        {
            if (keep[j])
                continue;
            double w = penaltyFactors?[j] ?? 1.0;
            if (form.DualNorm(new SpanValues<double>(gradient), j, j + 1) > lambda * l1Ratio * w)
            {
                keep[j] = true;
                added = true;
            }
        }
        return added;
    }
}
