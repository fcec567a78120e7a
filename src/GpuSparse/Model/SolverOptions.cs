namespace GpuSparse.Model;

/// <summary>
/// How every problem of a batch is solved, and when it stops.
/// </summary>
/// <remarks>
/// Stopping rule (scikit-learn's): a problem stops when its duality gap, in the units of the objective f,
/// is at most <c>Tolerance·‖y − ȳ‖²/n</c> (the null loss, not f*, sets the scale; at the default 1e-4 the
/// achieved gap/f* can reach 5e-3 on hard problems, so set 1e-8 or lower for a tight solve). The gap is
/// evaluated at iteration 0 and then every <see cref="CheckInterval"/> iterations; a problem that has not
/// met it after <see cref="MaxIterations"/> returns its best iterate with status
/// <see cref="Model.ProblemStatus.MaxIterations"/>.
/// </remarks>
public sealed record SolverOptions
{
    /// <summary>
    /// The iteration (default <see cref="SolverAlgorithm.Auto"/>: the backend's own). A backend that cannot run it
    /// throws <see cref="NotSupportedException"/> before solving anything.
    /// </summary>
    public SolverAlgorithm Algorithm { get; init; } = SolverAlgorithm.Auto;

    /// <summary>Relative duality-gap tolerance (default 1e-4, scikit-learn's default).</summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>Maximum number of iterations per problem (default 10,000).</summary>
    public int MaxIterations { get; init; } = 10_000;

    /// <summary>Iterations between duality-gap evaluations (default 10).</summary>
    public int CheckInterval { get; init; } = 10;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when an option is out of range.</summary>
    public void Validate()
    {
        if (!(Tolerance >= 0) || double.IsInfinity(Tolerance))
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "the tolerance must be finite and ≥ 0");
        ArgumentOutOfRangeException.ThrowIfNegative(MaxIterations);
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckInterval, 1);
        if (!Enum.IsDefined(Algorithm))
            throw new ArgumentOutOfRangeException(nameof(Algorithm), Algorithm, "unknown algorithm");
    }
}
