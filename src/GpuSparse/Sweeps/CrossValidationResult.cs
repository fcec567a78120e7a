namespace GpuSparse.Sweeps;

/// <summary>
/// The values cross-validation picked for one target, with the full-data fits there.
/// </summary>
/// <param name="RatioIndex">Index of the chosen L1 ratio in <see cref="SweepOptions.L1Ratios"/>.</param>
/// <param name="L1Ratio">The chosen r (the one whose curve reaches the lowest mean MSE; the first on ties).</param>
/// <param name="MinIndex">Step of λ_min on that r's grid (−1, with NaN λ and coefficients, when a cancelled run finished no step).</param>
/// <param name="LambdaMin">λ_min: the largest λ whose mean MSE equals the minimum.</param>
/// <param name="OneSeIndex">Step of λ_1se.</param>
/// <param name="Lambda1se">λ_1se: the largest λ whose mean MSE is within one standard error of the minimum's.</param>
/// <param name="Coefficients">The full-data fit at (λ_min, r), raw scale.</param>
/// <param name="Intercept">Its intercept.</param>
/// <param name="Coefficients1se">The full-data fit at (λ_1se, r).</param>
/// <param name="Intercept1se">Its intercept.</param>
public sealed record CrossValidationChoice(int RatioIndex, double L1Ratio, int MinIndex, double LambdaMin,
    int OneSeIndex, double Lambda1se, double[] Coefficients, double Intercept, double[] Coefficients1se, double Intercept1se);

/// <summary>
/// K-fold cross-validation over targets × L1 ratios × λ: the MSE curves, the choices, and every path solved.
/// Curves are indexed by <c>c = t·R + r</c> (target t, ratio r) and step i.
/// </summary>
public sealed class CrossValidationResult
{
    internal CrossValidationResult(int targets, int ratios, int folds, int steps, PathResult paths,
        double[] lambdas, double[] foldMse, double[] mean, double[] standardError, CrossValidationChoice[] choices)
    {
        Targets = targets;
        Ratios = ratios;
        FoldCount = folds;
        Steps = steps;
        Paths = paths;
        Lambdas = lambdas;
        FoldMse = foldMse;
        MseMean = mean;
        MseStandardError = standardError;
        Choices = choices;
    }

    /// <summary>The number of targets.</summary>
    public int Targets { get; }

    /// <summary>The number of L1 ratios R.</summary>
    public int Ratios { get; }

    /// <summary>The number of folds K.</summary>
    public int FoldCount { get; }

    /// <summary>L, the number of λ values.</summary>
    public int Steps { get; }

    /// <summary>The grids, <c>[c·L + i]</c>.</summary>
    public double[] Lambdas { get; }

    /// <summary>Held-out MSE of fold f, <c>[(c·K + f)·L + i]</c>.</summary>
    public double[] FoldMse { get; }

    /// <summary>The averaged held-out MSE (see <see cref="CvAveraging"/>), <c>[c·L + i]</c>.</summary>
    public double[] MseMean { get; }

    /// <summary>
    /// glmnet's standard error of <see cref="MseMean"/>: √(Σ_f w_f(mse_f − mean)²/Σ w_f/(K − 1)), with the
    /// averaging's fold weights w_f, <c>[c·L + i]</c>.
    /// </summary>
    public double[] MseStandardError { get; }

    /// <summary>The choice for each target.</summary>
    public IReadOnlyList<CrossValidationChoice> Choices { get; }

    /// <summary>
    /// Every path solved, in one batch per λ step: first the full-data paths (<c>c</c>), then the fold paths
    /// (<c>T·R + c·K + f</c>).
    /// </summary>
    public PathResult Paths { get; }
}
