using System.Numerics;
using GpuSparse.Kernels.Numerics;
using ILGPU;

namespace GpuSparse.Kernels.Certificates;

/// <summary>
/// The duality gap of one problem from its residual's summaries, in float64, with the formula and the operation
/// order of <c>GpuSparse.Certificates.DualityGap.Combine</c>, for every device kernel (one thread evaluates it).
/// </summary>
/// <remarks>
/// Maxima are written as comparisons that keep a NaN operand, as .NET's <see cref="Math.Max(double, double)"/>
/// does: PTX's <c>max.f64</c> returns the non-NaN operand, so a NaN would otherwise vanish on CUDA.
/// </remarks>
public static class DeviceGap
{
    /// <summary>
    /// (gap, primal objective) in units of f. β at <c>beta[b0 + j]</c>, l1ⱼ and l2ⱼ at <c>l1[w0 + j]</c> and
    /// <c>l2[w0 + j]</c>, vⱼ = X_wᵀR at <c>correlation[v0 + j]</c>; <paramref name="residualNorm2"/> ‖R‖²,
    /// <paramref name="residualDotY"/> R·y_c and vⱼ all in units of <paramref name="n"/> (n for plain sums, 1 for
    /// sums divided by n, as the Gram form has them).
    /// </summary>
    public static (double Gap, double Objective) Combine<T, TPrecision>(ArrayView<T> beta, int b0, ArrayView<T> l1,
        ArrayView<T> l2, int w0, int p, ArrayView<double> correlation, int v0, double residualNorm2,
        double residualDotY, double n, bool positive)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPrecision : struct, IWorkingPrecision<T>
    {
        var wide = default(TPrecision);
        // P = ½‖R‖² + n·Σⱼ(l1ⱼ|βⱼ| + ½·l2ⱼβⱼ²); s = the largest value ≤ 1 with |vⱼ|·s ≤ n·l1ⱼ on pure-L1 coordinates
        double penalty = 0, scale = 1;
        for (int j = 0; j < p; j++)
        {
            double b = wide.ToDouble(beta[b0 + j]);
            double a1 = n * wide.ToDouble(l1[w0 + j]);
            double a2 = n * wide.ToDouble(l2[w0 + j]);
            penalty += a1 * Math.Abs(b) + 0.5 * a2 * b * b;
            if (a2 == 0 && a1 > 0)
            {
                double c = correlation[v0 + j];
                double v = positive ? PositivePart(c) : Math.Abs(c);
                if (v * scale > a1)
                    scale = a1 / v;
            }
        }
        // Σⱼ h*ⱼ(s·vⱼ), h*ⱼ(u) = max(|u| − n·l1ⱼ, 0)²/(2n·l2ⱼ) (one-sided with positivity)
        double conjugate = 0;
        for (int j = 0; j < p; j++)
        {
            double a2 = n * wide.ToDouble(l2[w0 + j]);
            if (a2 == 0)
                continue;
            double a1 = n * wide.ToDouble(l1[w0 + j]);
            double v = scale * correlation[v0 + j];
            double excess = (positive ? v : Math.Abs(v)) - a1;
            if (excess > 0)
                conjugate += excess * excess / (2 * a2);
        }
        // gap = (P − D)/n with D = s·R·y_c − ½s²‖R‖² − Σⱼ h*ⱼ(s·vⱼ)
        double primal = 0.5 * residualNorm2 + penalty;
        double dual = scale * residualDotY - 0.5 * scale * scale * residualNorm2 - conjugate;
        return ((primal - dual) / n, primal / n);
    }

    /// <summary>max(x, 0), NaN for a NaN x (as <see cref="Math.Max(double, double)"/>).</summary>
    public static double PositivePart(double x) => x > 0 || double.IsNaN(x) ? x : 0;

    /// <summary>max(a, b), NaN when either is NaN (as <see cref="Math.Max(double, double)"/>, up to the sign of zero).</summary>
    public static double Max(double a, double b) => double.IsNaN(a) || a > b ? a : b;
}
