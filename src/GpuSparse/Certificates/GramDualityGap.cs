using GpuSparse.Kernels.Penalties;

namespace GpuSparse.Certificates;

/// <summary>
/// The duality gap of <see cref="DualityGap"/>, evaluated from the Gram form of a prepared problem in O(p)
/// instead of O(np): with <c>G = X_wᵀX_w/n</c>, <c>c = X_wᵀy_c/n</c> and <c>q = c − Gβ</c> (so that
/// <c>X_wᵀR = n·q</c>), the n-scaled quantities of <see cref="DualityGap"/> are
/// <c>‖R‖²/n = ‖y_c‖²/n − βᵀc − βᵀq</c> and <c>R·y_c/n = ‖y_c‖²/n − βᵀc</c>.
/// </summary>
/// <remarks>
/// Same dual point and conjugates as <see cref="DualityGap"/>, so the two agree to rounding. The subtraction
/// in <c>‖R‖²/n</c> cancels: its absolute error is a few ε·‖y_c‖²/n, far below the gap tolerance
/// <c>tol·‖y_c‖²/n</c> for tol ≥ <see cref="TrustedTolerance"/>; tighter solves certify with <see cref="DualityGap"/>.
/// </remarks>
internal static class GramDualityGap
{
    /// <summary>The smallest relative tolerance that the Gram form certifies (a million times its rounding error).</summary>
    public const double TrustedTolerance = 1e-9;

    /// <summary>
    /// Returns (gap, primal objective) in units of f. <paramref name="q"/> is <c>c − Gβ</c>,
    /// <paramref name="responseNorm2OverN"/> is <c>‖y_c‖²/n</c>.
    /// </summary>
    public static (double Gap, double Objective) Evaluate<TPenalty, TWeights>(TWeights weights, ReadOnlySpan<double> beta,
        ReadOnlySpan<double> c, ReadOnlySpan<double> q, double responseNorm2OverN)
        where TPenalty : struct, IPenaltyNorms
        where TWeights : IPenaltyWeights
    {
        double betaDotC = 0, betaDotQ = 0;
        for (int j = 0; j < beta.Length; j++)
        {
            betaDotC += beta[j] * c[j];
            betaDotQ += beta[j] * q[j];
        }
        // Per-n units: q = X_wᵀR/n, ‖R‖²/n and R·y_c/n, so the shared combination runs with n = 1.
        double residualNorm2 = Math.Max(responseNorm2OverN - betaDotC - betaDotQ, 0);
        double residualDotY = responseNorm2OverN - betaDotC;
        return DualityGap.Combine<TPenalty, TWeights, double>(weights, beta, q, residualNorm2, residualDotY, 1);
    }
}
