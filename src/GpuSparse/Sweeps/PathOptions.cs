using GpuSparse.Model;

namespace GpuSparse.Sweeps;

/// <summary>How every path of a sweep is solved: the per-step solver options and the settings shared by all problems.</summary>
public sealed record PathOptions
{
    /// <summary>Options of every step's batch solve (tolerance, iteration limit, algorithm).</summary>
    public SolverOptions Solver { get; init; } = new();

    /// <summary>
    /// Sequential strong rules with a KKT check (<see cref="StrongRules"/>): features the rule discards are
    /// left out of the step's design, and any the KKT check finds needed are added back and the step solved
    /// again, so results match an unscreened path to the solver's tolerance. Default true.
    /// </summary>
    public bool Screening { get; init; } = true;

    /// <summary>Fit the unpenalised intercept. Default true.</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>glmnet's standardize (see <see cref="Model.ProblemSettings.Standardize"/>).</summary>
    public bool Standardize { get; init; }

    /// <summary>Constrain every coefficient to be ≥ 0.</summary>
    public bool Positive { get; init; }

    /// <summary>Penalty factors wⱼ ≥ 0, one per feature; null means all 1.</summary>
    public double[]? PenaltyFactors { get; init; }
}
