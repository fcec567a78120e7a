namespace GpuSparse.Certificates;

/// <summary>
/// The penalty of a problem coordinate by coordinate, as the duality gap needs it:
/// <c>Σⱼ (l1ⱼ|βⱼ| + ½·l2ⱼβⱼ²)</c>, with βⱼ ≥ 0 when <see cref="Positive"/>.
/// </summary>
/// <remarks>
/// Implemented by the prepared problems of a batch and by the steps of a path, so that one
/// <see cref="DualityGap.Combine{TPenalty, TBeta}"/> certifies both; structs implementing it are specialised by the JIT.
/// </remarks>
internal interface ICoordinatePenalties
{
    /// <summary>l1ⱼ = λ·r·wⱼ.</summary>
    double L1Weight(int j);

    /// <summary>l2ⱼ = λ·(1 − r)·wⱼ.</summary>
    double L2Weight(int j);

    /// <summary>Whether every coefficient is constrained to be ≥ 0.</summary>
    bool Positive { get; }
}
