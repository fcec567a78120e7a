namespace GpuSparse.Anomaly;

/// <summary>
/// The penalties of one robust sparse coding problem
/// <code>
/// minimize_{x, s}  1/(2n)·‖y − Dx − s‖² + λ_x·( r·‖x‖₁ + (1 − r)/2·‖x‖² ) + λ_s·‖s‖₁
/// </code>
/// x codes the signal y on the dictionary D, s is the sparse error (the anomaly).
/// </summary>
/// <remarks>
/// Scale: at the optimum an entry of s is nonzero exactly where the residual <c>|y − Dx|ᵢ</c> exceeds
/// <c>n·λ_s</c>, so <c>n·λ_s</c> is the per-entry detection threshold in the units of y (about 3σ of the
/// noise is a sensible start).
/// </remarks>
public sealed record RobustCodingSettings
{
    /// <summary>λ_x ≥ 0: the penalty on the code x (0 leaves x unpenalised).</summary>
    public double CodeLambda { get; init; }

    /// <summary>r ∈ [0, 1]: the L1 share of the code penalty (1 = Lasso on x, the default).</summary>
    public double CodeL1Ratio { get; init; } = 1.0;

    /// <summary>λ_s &gt; 0: the L1 penalty on the anomaly s.</summary>
    public double AnomalyLambda { get; init; }

    /// <summary>The ridge weight on x, λ_x·(1 − r): nonzero needs the augmented design.</summary>
    internal double CodeRidge => CodeLambda * (1 - CodeL1Ratio);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a penalty is out of range.</summary>
    public void Validate()
    {
        if (!(CodeLambda >= 0) || !double.IsFinite(CodeLambda))
            throw new ArgumentOutOfRangeException(nameof(CodeLambda), CodeLambda, "λ_x must be finite and ≥ 0");
        if (!(CodeL1Ratio >= 0 && CodeL1Ratio <= 1))
            throw new ArgumentOutOfRangeException(nameof(CodeL1Ratio), CodeL1Ratio, "r must lie in [0, 1]");
        if (!(AnomalyLambda > 0) || !double.IsFinite(AnomalyLambda))
            throw new ArgumentOutOfRangeException(nameof(AnomalyLambda), AnomalyLambda,
                "λ_s must be finite and > 0 (with λ_s = 0, s absorbs the whole signal)");
    }
}
