using System.Numerics;

namespace GpuSparse.Kernels.Penalties;

/// <summary>
/// A separable penalty <c>Σ_B l1_B·‖β_B‖ + ½·l2_B·‖β_B‖₂²</c> (+ a constraint cone) over blocks B of coordinates,
/// with the per-block weights l1_B = λ·r·w_B and l2_B = λ·(1 − r)·w_B given as data (<see cref="IPenaltyWeights"/>).
/// A coordinate-wise penalty has blocks of one coordinate; a group penalty has contiguous blocks whose ends are data.
/// Everything an engine or the duality gap needs from the penalty is here: the proximal map coordinate- and
/// block-wise, the block norm and its dual norm (λ_max, KKT), and the support function of the unit ball that
/// sets the dual feasibility scaling and the conjugate term of the gap.
/// </summary>
/// <remarks>
/// Implemented by stateless structs and taken as a type parameter (<c>where TPenalty : struct, IPenalty&lt;T&gt;</c>)
/// by host engines and ILGPU kernels alike, called through <c>default(TPenalty)</c>: no virtual call, no managed
/// array. A block is penalised where its weights are nonzero (l1 = l2 = 0 leaves it free); a constraint is the type
/// (<see cref="NonNegativeElasticNet{T}"/>), never a runtime flag. A new penalty is one new struct plus its weights.
/// </remarks>
public interface IPenalty<T> : IPenaltyNorms where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// The coordinate proximal map <c>argmin_b ½(b − z)² + l1·|b| + ½·l2·b²</c> (+ constraint), where the caller
    /// passes the weights scaled by the step: l1 = t·l1ⱼ, l2 = t·l2ⱼ.
    /// </summary>
    T Proximal(T z, T l1, T l2);

    /// <summary>
    /// The block proximal map <c>argmin_b ½‖b − z‖² + l1·‖b‖ + ½·l2·‖b‖²</c> in place on coordinates
    /// [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="values"/>; a block of one coordinate
    /// is <see cref="Proximal"/> exactly (the same bits).
    /// </summary>
    void BlockProximal<TVector>(TVector values, int start, int end, T l1, T l2) where TVector : IVector<T>, allows ref struct;
}

/// <summary>
/// The side of a penalty that does not depend on the working precision: its blocks, the norm it charges, the
/// dual norm and the support function (what λ_max, the KKT conditions and the duality gap need, in float64).
/// </summary>
public interface IPenaltyNorms
{
    /// <summary>The end (exclusive) of the block that starts at coordinate <paramref name="start"/>.</summary>
    int BlockEnd<TBlocks>(TBlocks blocks, int start) where TBlocks : IBlockEnds, allows ref struct;

    /// <summary>‖β_B‖, the norm the penalty charges on block [start, end): |βⱼ| coordinate-wise, ‖β_B‖₂ for a group.</summary>
    double Norm<TValues>(TValues values, int start, int end) where TValues : IValues, allows ref struct;

    /// <summary>The dual norm of v on the block (|vⱼ| or ‖v_B‖₂): λ_max and the KKT conditions bound it by n·l1_B.</summary>
    double DualNorm<TValues>(TValues values, int start, int end) where TValues : IValues, allows ref struct;

    /// <summary>
    /// The support function σ(v) = max over the block's feasible unit ball of vᵀb: the dual norm without a
    /// constraint, max(vⱼ, 0) with βⱼ ≥ 0. The gap scales its dual point so that σ(s·v) ≤ n·l1_B on pure-L1 blocks
    /// and charges the conjugate <c>max(σ(s·v) − n·l1_B, 0)²/(2n·l2_B)</c> on the others.
    /// </summary>
    double Support<TValues>(TValues values, int start, int end) where TValues : IValues, allows ref struct;
}

/// <summary>The block structure of a problem's coordinates, as data.</summary>
public interface IBlockEnds
{
    /// <summary>The end (exclusive) of the block starting at <paramref name="start"/>; read by block penalties only.</summary>
    int BlockEnd(int start);
}

/// <summary>The per-coordinate data of a penalty: its weights and, for block penalties, the block ends.</summary>
public interface IPenaltyWeights : IBlockEnds
{
    /// <summary>l1ⱼ = λ·r·wⱼ (for a block, read at its first coordinate).</summary>
    double L1Weight(int j);

    /// <summary>l2ⱼ = λ·(1 − r)·wⱼ (for a block, read at its first coordinate).</summary>
    double L2Weight(int j);
}

/// <summary>Read access to coordinates as float64 (host spans and arrays, device views).</summary>
public interface IValues
{
    /// <summary>Coordinate <paramref name="j"/> as a double.</summary>
    double this[int j] { get; }
}

/// <summary>Read and write access to coordinates in the working precision (host spans and arrays, device views).</summary>
public interface IVector<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Coordinate <paramref name="j"/>.</summary>
    T this[int j] { get; set; }
}
