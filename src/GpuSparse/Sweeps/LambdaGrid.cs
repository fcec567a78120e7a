using System.Numerics;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Model;

namespace GpuSparse.Sweeps;

/// <summary>Whose default λ grid to build.</summary>
public enum GridConvention
{
    /// <summary>glmnet: 100 values from λ_max down to λ_max·ratio, ratio 1e-4 when n ≥ p, else 1e-2.</summary>
    Glmnet,

    /// <summary>scikit-learn: 100 values from λ_max down to λ_max·eps, eps = 1e-3.</summary>
    ScikitLearn,
}

/// <summary>
/// λ grids for paths: geometric sequences from λ_max, the smallest λ whose solution is all zero, downwards.
/// </summary>
/// <remarks>
/// λ_max = max_j |x̃_jᵀ y_c| / (n · r · w_j) over the penalised features (wⱼ &gt; 0), with x̃ the centred
/// (and, when standardizing, scaled) design and y_c the centred response (see
/// <see cref="SweepDesign{T}.LambdaMax"/>); it is 0 when y is constant. For r = 0 (Ridge) no λ zeroes the
/// solution, so r is floored at 1e-3 as glmnet does (scikit-learn refuses to build a grid there). With
/// unpenalised features (wⱼ = 0) λ_max is computed against y_c without projecting them out, so the
/// first solution may not be exactly zero.
/// </remarks>
public static class LambdaGrid
{
    /// <summary>The smallest L1 ratio used to compute λ_max (glmnet's floor; Ridge has no finite λ_max).</summary>
    public const double MinimumL1Ratio = 1e-3;

    /// <summary>The default number of λ values of both conventions.</summary>
    public const int DefaultCount = 100;

    /// <summary>The convention's default λ_min/λ_max ratio for n samples and p features.</summary>
    public static double DefaultMinRatio(GridConvention convention, int samples, int features) =>
        convention == GridConvention.ScikitLearn ? 1e-3 : samples >= features ? 1e-4 : 1e-2;

    /// <summary>
    /// The convention's grid of <paramref name="count"/> decreasing values from <paramref name="lambdaMax"/>
    /// to <c>lambdaMax·minRatio</c>: scikit-learn's <c>logspace(log10(λ_max·eps), log10(λ_max), count)[::-1]</c>,
    /// or glmnet's <c>exp(log λ_max + i·log(ratio)/(count − 1))</c>. A zero λ_max (constant y) gives all zeros.
    /// </summary>
    public static double[] Create(GridConvention convention, double lambdaMax, double minRatio, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (!(lambdaMax >= 0) || double.IsInfinity(lambdaMax))
            throw new ArgumentOutOfRangeException(nameof(lambdaMax), lambdaMax, "λ_max must be finite and ≥ 0");
        if (!(minRatio > 0 && minRatio <= 1))
            throw new ArgumentOutOfRangeException(nameof(minRatio), minRatio, "the λ ratio must be in (0, 1]");
        var grid = new double[count];
        if (lambdaMax == 0 || count == 1)
        {
            Array.Fill(grid, lambdaMax);
            return grid;
        }
        if (convention == GridConvention.ScikitLearn)
        {
            // numpy's linspace(a, b, m): a + i·(b − a)/(m − 1), the last value exactly b; then reversed.
            double high = Math.Log10(lambdaMax), low = Math.Log10(lambdaMax * minRatio);
            double step = (high - low) / (count - 1);
            for (int i = 0; i < count; i++)
                grid[count - 1 - i] = i == count - 1 ? lambdaMax : Math.Pow(10, low + i * step);
        }
        else
        {
            // λ_i = λ_max·ratio^(i/(m − 1)), glmnet's geometric sequence.
            double logMax = Math.Log(lambdaMax), logStep = Math.Log(minRatio) / (count - 1);
            for (int i = 0; i < count; i++)
                grid[i] = Math.Exp(logMax + i * logStep);
        }
        return grid;
    }

    /// <summary>
    /// One grid per (target t, L1 ratio r), at index t·R + r: the user grid of <see cref="SweepOptions.Lambdas"/>,
    /// or the convention's grid from each pair's λ_max on the row-major n × p <paramref name="design"/>.
    /// </summary>
    public static double[][] ForTargets<T>(ReadOnlyMemory<T> design, int p, IReadOnlyList<ReadOnlyMemory<T>> targets,
        SweepOptions options) where T : unmanaged, IFloatingPointIeee754<T> =>
        ForTargets(new SweepDesign<T>(design, p, options.Path.FitIntercept, options.Path.Standardize), targets, options);

    /// <summary><see cref="ForTargets{T}(ReadOnlyMemory{T}, int, IReadOnlyList{ReadOnlyMemory{T}}, SweepOptions)"/> on a design already summarised.</summary>
    internal static double[][] ForTargets<T>(SweepDesign<T> full, IReadOnlyList<ReadOnlyMemory<T>> targets, SweepOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int ratios = options.L1Ratios.Length, p = full.Features;
        var grids = new double[ArraySize.Of("λ grids", targets.Count, ratios)][];
        if (options.Lambdas is { } user)
        {
            Array.Fill(grids, user);
            return grids;
        }
        double ratio = options.LambdaMinRatio ?? DefaultMinRatio(options.Grid, full.Samples, p);
        double[] negativeGradient = new double[p], zero = new double[p];
        for (int t = 0; t < targets.Count; t++)
        {
            // c = x̃ᵀy_c/n at β = 0, once per target for all its ratios
            var y = targets[t].Span;
            full.NegativeGradient(y, zero, negativeGradient);
            for (int r = 0; r < ratios; r++)
                grids[t * ratios + r] = Create(options.Grid,
                    SweepDesign<T>.LambdaMaxOf<ElasticNet<double>>(negativeGradient, options.L1Ratios[r], options.Path.PenaltyFactors), ratio, options.LambdaCount);
        }
        return grids;
    }
}
