namespace GpuSparse.Sweeps;

/// <summary>How the held-out MSE of the folds is averaged into the curve whose minimum picks λ.</summary>
public enum CvAveraging
{
    /// <summary>glmnet's <c>cv.glmnet</c>: the folds' MSEs weighted by their sizes.</summary>
    FoldSizeWeighted,

    /// <summary>scikit-learn's <c>LassoCV</c> / <c>ElasticNetCV</c>: the plain mean over folds.</summary>
    Unweighted,
}

/// <summary>What a sweep over targets × L1 ratios explores: the ratios, the λ grid, how each path is solved, and (for cross-validation) how the MSE curve is averaged.</summary>
public sealed record SweepOptions
{
    /// <summary>How each path is solved (solver options, screening, intercept, standardization, …).</summary>
    public PathOptions Path { get; init; } = new();

    /// <summary>The L1 ratios r tried (default the Lasso only).</summary>
    public double[] L1Ratios { get; init; } = [1.0];

    /// <summary>The default grid's convention when <see cref="Lambdas"/> is null.</summary>
    public GridConvention Grid { get; init; } = GridConvention.Glmnet;

    /// <summary>The number of λ values of the default grid (default 100).</summary>
    public int LambdaCount { get; init; } = LambdaGrid.DefaultCount;

    /// <summary>λ_min/λ_max of the default grid; null for the convention's default.</summary>
    public double? LambdaMinRatio { get; init; }

    /// <summary>A user grid, used for every target and L1 ratio; null builds one per (target, r) from the full data's λ_max.</summary>
    public double[]? Lambdas { get; init; }

    /// <summary>How fold MSEs are averaged (default glmnet's size-weighted mean).</summary>
    public CvAveraging Averaging { get; init; } = CvAveraging.FoldSizeWeighted;
}
