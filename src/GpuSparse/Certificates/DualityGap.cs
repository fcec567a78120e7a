using System.Numerics;
using GpuSparse.Kernels.Certificates;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Preparation;

namespace GpuSparse.Certificates;

/// <summary>
/// The duality gap of a prepared problem at β, in the units of the objective f (an upper bound on f(β) − f*),
/// as defined in scikit-learn and <c>shared/README.md</c> §1, extended to penalty factors, positivity and block
/// penalties: the residual's summaries in float64, combined by <see cref="DualityGapFormula"/> (the formula
/// the device kernels evaluate too) for the penalty of the problem.
/// </summary>
internal static class DualityGap
{
    /// <summary>Returns (gap, primal objective), both in units of f. <paramref name="residual"/> needs n entries, <paramref name="correlation"/> p.</summary>
    public static (double Gap, double Objective) Evaluate<T, TPenalty>(PreparedProblem<T> problem, ReadOnlySpan<T> beta,
        Span<double> residual, Span<double> correlation)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenaltyNorms
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
            double ri = yi - acc;
            residual[i] = ri;
            residualNorm2 += ri * ri;
            residualDotY += ri * yi;
        }
        // v = X_wᵀ R
        correlation.Clear();
        for (int i = 0; i < n; i++)
        {
            double ri = residual[i];
            for (int j = 0; j < p; j++)
                correlation[j] += double.CreateTruncating(x[i * p + j]) * ri;
        }
        return Combine<TPenalty, PreparedProblem<T>, T>(problem, beta, correlation, residualNorm2, residualDotY, n);
    }

    /// <summary>
    /// The gap from the residual's summaries, for any problem whose coordinates carry <paramref name="weights"/>
    /// (a prepared problem, or one step of a path on a subset of its columns): <paramref name="correlation"/> is
    /// vⱼ = X_wᵀR, <paramref name="residualNorm2"/> ‖R‖² and <paramref name="residualDotY"/> R·y_c, all in units of
    /// <paramref name="n"/> (n for the sums as they are; 1 for the same sums divided by n, as the Gram form has them).
    /// Returns (gap, primal objective) in units of f.
    /// </summary>
    internal static (double Gap, double Objective) Combine<TPenalty, TWeights, TBeta>(TWeights weights, ReadOnlySpan<TBeta> beta,
        ReadOnlySpan<double> correlation, double residualNorm2, double residualDotY, double n)
        where TPenalty : struct, IPenaltyNorms
        where TWeights : IPenaltyWeights
        where TBeta : unmanaged, IFloatingPointIeee754<TBeta> =>
        DualityGapFormula.Combine(default(TPenalty), weights, new SpanValues<TBeta>(beta), new SpanValues<double>(correlation),
            beta.Length, residualNorm2, residualDotY, n);
}
