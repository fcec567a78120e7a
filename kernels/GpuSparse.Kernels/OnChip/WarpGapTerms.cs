using GpuSparse.Kernels.Certificates;
using GpuSparse.Kernels.Penalties;
using ILGPU;

namespace GpuSparse.Kernels.OnChip;

/// <summary>
/// The sums of <see cref="DualityGapFormula"/> over a warp's lanes, for the coordinate-wise penalties of the on-chip
/// kernels (blocks of one coordinate): each lane adds the terms of the coordinates it holds, then the penalty sum
/// and the dual scaling s (a minimum) are reduced over the lanes by one butterfly, the conjugate terms (which need
/// s) by a second, and <see cref="DualityGapFormula.Finish"/> runs on every lane on the same bits.
/// </summary>
/// <remarks>
/// The terms are the host formula's own (<see cref="DualityGapFormula.PenaltyTerm"/>, <see cref="DualityGapFormula.ScaleBound"/>,
/// <see cref="DualityGapFormula.ConjugateTerm"/>); only the order of the two sums differs (lane partials, then a
/// tree), so the gap agrees with the host's sequential loop to a few ulps of Σ|terms| (each reordered sum of p
/// terms within 2γ_p·Σ|terms|, γ_p ≈ p·2⁻⁵³), and s exactly but where s·σⱼ ties n·l1ⱼ to rounding. Butterfly pairs
/// add (or compare) in both orders, which IEEE arithmetic makes the same bits, so every lane ends with one value.
/// </remarks>
public readonly struct WarpGapTerms
{
    /// <summary>Σⱼ n·l1ⱼ|βⱼ| + ½·n·l2ⱼβⱼ² over the coordinates added so far.</summary>
    public readonly double Penalty;

    /// <summary>The dual scaling s over the pure-L1 coordinates added so far (1 for none).</summary>
    public readonly double Scale;

    /// <summary>Σⱼ h*ⱼ(s·vⱼ) over the coordinates added so far (s the reduced <see cref="Scale"/>).</summary>
    public readonly double Conjugate;

    private WarpGapTerms(double penalty, double scale, double conjugate)
    {
        Penalty = penalty;
        Scale = scale;
        Conjugate = conjugate;
    }

    /// <summary>No coordinate yet: zero sums, s = 1.</summary>
    public static WarpGapTerms Empty => new(0, 1, 0);

    /// <summary>
    /// The penalty sum and the scaling s reduced beyond one warp (over a block's warps, through shared memory), for the
    /// conjugate terms to be added at that s; no conjugate term yet.
    /// </summary>
    public static WarpGapTerms Primal(double penalty, double scale) => new(penalty, scale, 0);

    /// <summary>
    /// Adds coordinate j's penalty term and scaling bound: βⱼ, its weights l1ⱼ, l2ⱼ (unscaled) and vⱼ = (X_wᵀR)ⱼ, in
    /// units of <paramref name="n"/> (see <see cref="DualityGapFormula.Combine"/>). Padding (l1 = l2 = 0, β = 0) adds nothing.
    /// </summary>
    public WarpGapTerms AddPrimal<TPenalty>(double beta, double l1, double l2, double correlation, double n)
        where TPenalty : struct, IPenaltyNorms
    {
        var form = default(TPenalty);
        double a1 = n * l1, a2 = n * l2;
        double penalty = Penalty + DualityGapFormula.PenaltyTerm(a1, a2, form.Norm(new Coordinate(beta), 0, 1));
        double scale = DualityGapFormula.IsPureL1(a1, a2) ? DualityGapFormula.ScaleBound(Scale, a1, form.Support(new Coordinate(correlation), 0, 1)) : Scale;
        return new(penalty, scale, Conjugate);
    }

    /// <summary>The penalty sum and the scaling over the warp's lanes, on every lane (call once, after the last <c>AddPrimal</c>).</summary>
    public WarpGapTerms ReducePrimal(int lanes)
    {
        double penalty = Penalty, scale = Scale;
        for (int mask = lanes / 2; mask > 0; mask /= 2)
        {
            penalty += Warp.ShuffleXor(penalty, mask);
            scale = MinScale(scale, Warp.ShuffleXor(scale, mask));
        }
        return new(penalty, scale, Conjugate);
    }

    /// <summary>
    /// The smaller of two scaling bounds, by comparison: PTX <c>min.f64</c> would drop a NaN where .NET keeps it; s never
    /// is one (ScaleBound keeps NaN supports out), and every reduction of s, over lanes or warps, takes its min here.
    /// </summary>
    public static double MinScale(double scale, double other) => other < scale ? other : scale;

    /// <summary>Adds coordinate j's conjugate term at the reduced scaling (after <see cref="ReducePrimal"/>); pure-L1 and padding coordinates add nothing.</summary>
    public WarpGapTerms AddConjugate<TPenalty>(double l1, double l2, double correlation, double n)
        where TPenalty : struct, IPenaltyNorms
    {
        double a2 = n * l2;
        double term = a2 == 0 ? 0 : DualityGapFormula.ConjugateTerm(Scale, n * l1, a2, default(TPenalty).Support(new Coordinate(correlation), 0, 1));
        return new(Penalty, Scale, Conjugate + term);
    }

    /// <summary>(gap, objective): the conjugate sum over the warp's lanes, then <see cref="DualityGapFormula.Finish"/>, on every lane.</summary>
    public (double Gap, double Objective) Finish(int lanes, double residualNorm2, double residualDotY, double n)
    {
        double conjugate = WarpSum(Conjugate, lanes);
        return DualityGapFormula.Finish(Penalty, Scale, conjugate, residualNorm2, residualDotY, n);
    }

    /// <summary>The sum of every lane's <paramref name="value"/>, on every lane (a butterfly).</summary>
    public static double WarpSum(double value, int lanes)
    {
        for (int mask = lanes / 2; mask > 0; mask /= 2)
            value += Warp.ShuffleXor(value, mask);
        return value;
    }

    /// <summary>One coordinate as a block of one (index 0).</summary>
    private readonly struct Coordinate(double value) : IValues
    {
        private readonly double _value = value;

        public double this[int j] => _value;
    }
}
