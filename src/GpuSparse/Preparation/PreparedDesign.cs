using System.Numerics;

namespace GpuSparse.Preparation;

/// <summary>
/// A design as the solvers see it: centred (when fitting an intercept) and divided by the column scales
/// (the standard deviations when standardizing, else powers of two that bring extreme columns to unit size),
/// with the columns that carry nothing (constant with an intercept, zero without) set exactly to zero so that
/// their coefficients stay at zero. Shared by every problem that uses the same X and the same flags.
/// </summary>
internal sealed class PreparedDesign<T>(T[] values, int samples, int features, double[] columnMeans,
    double[] columnScales, bool[] activeColumns, Lazy<double> lipschitz, UnpenalisedProjection? projection)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The working design X_w, row-major n × p.</summary>
    public T[] Values { get; } = values;

    public int Samples { get; } = samples;

    public int Features { get; } = features;

    /// <summary>Raw column means x̄ⱼ that were subtracted (zeros without an intercept).</summary>
    public double[] ColumnMeans { get; } = columnMeans;

    /// <summary>Scales sⱼ the centred columns were divided by: the working coefficient is sⱼ·βⱼ.</summary>
    public double[] ColumnScales { get; } = columnScales;

    /// <summary>
    /// The exponents kⱼ of the factors tⱼ = 2^kⱼ of the penalty weights on the working scale: l1ⱼ = λ·r·wⱼ·tⱼ,
    /// l2ⱼ = λ·(1 − r)·wⱼ·tⱼ² (tⱼ = 1 with standardize, where the penalty is posed on the standardized scale; 1/sⱼ
    /// without, sⱼ then a power of two). Null when every kⱼ is 0, the common case.
    /// </summary>
    public int[]? PenaltyExponents
    {
        get => _penaltyExponents;
        init
        {
            _penaltyExponents = value is not null && value.Any(k => k != 0) ? value : null;
            MaxPenaltyExponent = _penaltyExponents?.Max() ?? 0;
        }
    }

    private readonly int[]? _penaltyExponents;

    /// <summary>The largest of <see cref="PenaltyExponents"/> (0 when there are none).</summary>
    public int MaxPenaltyExponent { get; private init; }

    /// <summary>Why the problems on this design cannot be solved as posed (null when they can).</summary>
    public ValidationFailure? Fault { get; init; }

    /// <summary>Throws the <see cref="Fault"/>, if any, for problem <paramref name="problem"/> (null: a design shared by all).</summary>
    public void ThrowIfFaulted(int? problem)
    {
        if (Fault is { } fault)
            throw new Model.ProblemValidationException(problem, fault.Field, fault.Reason);
    }

    /// <summary>False for columns that are zero after centring: their coefficient is fixed at 0.</summary>
    public bool[] ActiveColumns { get; } = activeColumns;

    /// <summary>The columns the iteration moves: active and not profiled out by <see cref="Projection"/>.</summary>
    public bool[] IteratedColumns { get; } = IteratedMask(activeColumns, projection);

    /// <summary>Unpenalised columns profiled out of the iteration (null when every feature is penalised).</summary>
    public UnpenalisedProjection? Projection { get; } = projection;

    /// <summary>L, the largest eigenvalue of X_wᵀX_w/n (0 when every column is inactive).</summary>
    /// <remarks>Computed on first use: only the proximal-gradient backends need a step size, and its power
    /// iteration costs more than a whole coordinate-descent solve of a small problem.</remarks>
    public double Lipschitz => lipschitz.Value;

    private static bool[] IteratedMask(bool[] active, UnpenalisedProjection? projection)
    {
        var mask = (bool[])active.Clone();
        foreach (int j in projection?.Columns ?? [])
            mask[j] = false;
        return mask;
    }

    /// <summary>The step size 1/L of the proximal gradient iteration (0 when L = 0: nothing moves).</summary>
    public double Step => Lipschitz > 0 ? 1.0 / Lipschitz : 0.0;

    /// <summary>
    /// Writes the raw-scale coefficients of the working-scale <paramref name="working"/> into <paramref name="raw"/>
    /// (recovering profiled-out unpenalised ones) and returns the intercept b₀ = ȳ − x̄·β (0 without one).
    /// <paramref name="responseExponent"/> e undoes the response's scaling by 2^e (see <see cref="PreparedProblem{T}.ResponseExponent"/>).
    /// </summary>
    public double ToRawScale(ReadOnlySpan<T> working, Span<double> raw, double responseMean, bool fitIntercept,
        ReadOnlySpan<double> basisDotResponse, int responseExponent = 0)
    {
        for (int j = 0; j < working.Length; j++)
            raw[j] = double.CreateTruncating(working[j]);
        Projection?.Recover(raw, basisDotResponse);
        double intercept = responseMean;
        for (int j = 0; j < working.Length; j++)
        {
            raw[j] = ActiveColumns[j] ? (responseExponent == 0 ? raw[j] : Math.ScaleB(raw[j], -responseExponent)) / ColumnScales[j] : 0.0;
            intercept -= ColumnMeans[j] * raw[j];
        }
        return fitIntercept ? intercept : 0.0;
    }
}
