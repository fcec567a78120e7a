namespace GpuSparse.Model;

/// <summary>
/// Hyperparameters and options of one problem of a batch. The problem solved is
/// <code>
/// minimize_{β, b₀}  1/(2n)·‖y − Xβ − b₀‖² + λ·( r·Σⱼ wⱼ|βⱼ| + (1 − r)/2·Σⱼ wⱼβⱼ² )
/// </code>
/// scikit-learn's <c>ElasticNet(alpha = λ, l1_ratio = r)</c> scaling, which is also glmnet's for the
/// Lasso (see README.md for every mapping: <c>Ridge(a)</c> is <c>λ = a/n</c>, <c>r = 0</c>).
/// </summary>
public sealed record ProblemSettings
{
    /// <summary>Overall penalty strength λ ≥ 0 (scikit-learn's <c>alpha</c>).</summary>
    public double Lambda { get; init; }

    /// <summary>L1 ratio r ∈ [0, 1]: 1 is the Lasso, 0 is Ridge (scikit-learn's <c>l1_ratio</c>).</summary>
    public double L1Ratio { get; init; } = 1.0;

    /// <summary>Fit the unpenalised intercept b₀ (solve on centred X and y). Default true.</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>
    /// glmnet's <c>standardize</c>: columns are centred (when fitting an intercept) and divided by their centred
    /// 1/n standard deviation √(mean(x²) − mean(x)²) (with or without an intercept, as glmnet), the penalty applies
    /// on that scale, and coefficients are returned on the raw scale. With an intercept a constant column gets
    /// coefficient 0 (its centred column is zero); without one a constant nonzero column cannot be standardized
    /// and the problem is refused (<see cref="ProblemStatus.Invalid"/>, field <c>X</c>).
    /// </summary>
    public bool Standardize { get; init; }

    /// <summary>Constrain every coefficient to βⱼ ≥ 0 (scikit-learn's <c>positive</c>).</summary>
    public bool Positive { get; init; }

    /// <summary>Penalty factors wⱼ ≥ 0, one per feature (0 leaves a feature unpenalised); null means all 1.</summary>
    public double[]? PenaltyFactors { get; init; }

    /// <summary>
    /// Group labels, one per feature (null: no groups). With groups the penalty is the group elastic net
    /// <c>λ·( r·Σ_g w_g‖β_g‖₂ + (1 − r)/2·Σ_g w_g‖β_g‖₂² )</c> (the group Lasso for r = 1), with group weights
    /// w_g = √|g|, or <see cref="GroupWeights"/> when given, or, when <see cref="PenaltyFactors"/> are given, their
    /// value on the group's features (equal within a group; 0 leaves the group unpenalised). See docs/group-lasso.md.
    /// </summary>
    public int[]? Groups { get; init; }

    /// <summary>
    /// Group weights w_g ≥ 0, one per group of <see cref="Groups"/> in ascending label order (null: w_g = √|g|); 0
    /// leaves a group unpenalised. Not combined with <see cref="PenaltyFactors"/>.
    /// </summary>
    public double[]? GroupWeights { get; init; }

    /// <summary>Initial coefficients on the raw scale (one per feature); null starts from zero.</summary>
    public double[]? WarmStart { get; init; }

    /// <summary>A Lasso problem with the given λ.</summary>
    public static ProblemSettings Lasso(double lambda, bool fitIntercept = true) =>
        new() { Lambda = lambda, L1Ratio = 1.0, FitIntercept = fitIntercept };

    /// <summary>An elastic-net problem with the given λ and L1 ratio.</summary>
    public static ProblemSettings ElasticNet(double lambda, double l1Ratio, bool fitIntercept = true) =>
        new() { Lambda = lambda, L1Ratio = l1Ratio, FitIntercept = fitIntercept };

    /// <summary>A Ridge problem with the given λ (scikit-learn's <c>Ridge(alpha = a)</c> is <c>λ = a/n</c>).</summary>
    public static ProblemSettings Ridge(double lambda, bool fitIntercept = true) =>
        new() { Lambda = lambda, L1Ratio = 0.0, FitIntercept = fitIntercept };
}
