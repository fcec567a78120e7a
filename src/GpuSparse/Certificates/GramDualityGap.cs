using System.Numerics;
using GpuSparse.Preparation;

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
    public static (double Gap, double Objective) Evaluate<T>(PreparedProblem<T> problem, ReadOnlySpan<double> beta,
        ReadOnlySpan<double> c, ReadOnlySpan<double> q, double responseNorm2OverN) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = beta.Length;
        double betaDotC = 0, betaDotQ = 0, penalty = 0, scale = 1;
        for (int j = 0; j < p; j++)
        {
            double b = beta[j];
            betaDotC += b * c[j];
            betaDotQ += b * q[j];
            double l1 = double.CreateTruncating(problem.L1[j]);
            double l2 = double.CreateTruncating(problem.L2[j]);
            penalty += l1 * Math.Abs(b) + 0.5 * l2 * b * b;
            // s = min(1, l1ⱼ/|qⱼ|) over the pure-L1 coordinates (the Lasso's dual rescaling)
            if (l2 == 0 && l1 > 0)
            {
                double v = problem.Positive ? Math.Max(q[j], 0) : Math.Abs(q[j]);
                if (v * scale > l1)
                    scale = l1 / v;
            }
        }
        // Σ h*ⱼ(s·vⱼ)/n = Σ max(|s·qⱼ| − l1ⱼ, 0)²/(2·l2ⱼ) over the coordinates with a ridge part
        double conjugate = 0;
        for (int j = 0; j < p; j++)
        {
            double l2 = double.CreateTruncating(problem.L2[j]);
            if (l2 == 0)
                continue;
            double v = scale * q[j];
            double excess = (problem.Positive ? v : Math.Abs(v)) - double.CreateTruncating(problem.L1[j]);
            if (excess > 0)
                conjugate += excess * excess / (2 * l2);
        }
        double residualNorm2 = Math.Max(responseNorm2OverN - betaDotC - betaDotQ, 0);
        double residualDotY = responseNorm2OverN - betaDotC;
        double primal = 0.5 * residualNorm2 + penalty;
        double dual = scale * residualDotY - 0.5 * scale * scale * residualNorm2 - conjugate;
        return (primal - dual, primal);
    }
}
