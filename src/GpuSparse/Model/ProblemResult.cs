namespace GpuSparse.Model;

/// <summary>The solution of one problem and its certificate.</summary>
public sealed record ProblemResult
{
    /// <summary>Coefficients β on the raw scale of X (length p).</summary>
    public required double[] Coefficients { get; init; }

    /// <summary>The intercept b₀ (0 without <see cref="ProblemSettings.FitIntercept"/>).</summary>
    public double Intercept { get; init; }

    /// <summary>
    /// Duality gap of the returned solution, in the units of the objective f (an upper bound on f(β) − f*) of the
    /// problem as posed, every column of X included; never negative (a computed P − D a few rounding errors below 0
    /// is reported as 0, the bound it proves). With <see cref="ProblemSettings.Standardize"/> the objective is the
    /// one on the standardized scale.
    /// </summary>
    public double DualityGap { get; init; }

    /// <summary>The primal objective f at the returned solution (on the scale that was solved).</summary>
    public double Objective { get; init; }

    /// <summary>
    /// The absolute gap tolerance this problem was held to: <c>tol·‖y − ȳ‖²/n</c> (scikit-learn's rule).
    /// </summary>
    public double GapTolerance { get; init; }

    /// <summary>Iterations performed.</summary>
    public int Iterations { get; init; }

    /// <summary>How the solve ended.</summary>
    public ProblemStatus Status { get; init; }

    /// <summary>For invalid or failed problems, the field at fault (<c>X</c>, <c>y</c>, <c>lambda</c>, …).</summary>
    public string? Field { get; init; }

    /// <summary>For invalid or failed problems, what went wrong.</summary>
    public string? Message { get; init; }
}
