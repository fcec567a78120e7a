namespace GpuSparse.Backends;

/// <summary>
/// The structural options of a <see cref="ResidentSession{T}"/>, fixed for its lifetime because they decide
/// the prepared (centred, scaled) design kept on the device. Every problem of the session shares them.
/// </summary>
public sealed record ResidentOptions
{
    /// <summary>Fit the unpenalised intercept b₀ (default true).</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>glmnet's standardize (see <see cref="Model.ProblemSettings.Standardize"/>).</summary>
    public bool Standardize { get; init; }

    /// <summary>Constrain every coefficient to βⱼ ≥ 0.</summary>
    public bool Positive { get; init; }
}

/// <summary>
/// Caller-owned buffers a <see cref="ResidentSession{T}"/> call writes its K results into, so that steady-state
/// calls allocate nothing. Problem k's coefficients are <c>Coefficients[k·p .. (k+1)·p)</c> (raw scale).
/// </summary>
public readonly ref struct ResidentOutput
{
    /// <summary>Wraps the buffers.</summary>
    /// <param name="coefficients">K·p raw-scale coefficients.</param>
    /// <param name="intercepts">K intercepts (0 without one).</param>
    /// <param name="gaps">K duality gaps of the returned solutions (NaN for invalid problems).</param>
    /// <param name="iterations">K iteration counts.</param>
    /// <param name="statuses">K statuses.</param>
    public ResidentOutput(Span<double> coefficients, Span<double> intercepts, Span<double> gaps, Span<int> iterations,
        Span<Model.ProblemStatus> statuses)
    {
        Coefficients = coefficients;
        Intercepts = intercepts;
        Gaps = gaps;
        Iterations = iterations;
        Statuses = statuses;
    }

    /// <summary>K·p raw-scale coefficients.</summary>
    public Span<double> Coefficients { get; }

    /// <summary>K intercepts.</summary>
    public Span<double> Intercepts { get; }

    /// <summary>K duality gaps, in the units of the objective.</summary>
    public Span<double> Gaps { get; }

    /// <summary>K iteration counts.</summary>
    public Span<int> Iterations { get; }

    /// <summary>K statuses.</summary>
    public Span<Model.ProblemStatus> Statuses { get; }
}
