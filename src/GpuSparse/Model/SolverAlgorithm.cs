using GpuSparse.Engines;

namespace GpuSparse.Model;

/// <summary>
/// The iteration used to minimise each problem. Every algorithm minimises the same objective and stops by the same
/// rule (<see cref="SolverOptions"/>); they differ in how an iterate is moved. A backend that cannot run the
/// algorithm asked for throws <see cref="NotSupportedException"/> (its <c>Capabilities</c> list what it runs).
/// </summary>
public enum SolverAlgorithm
{
    /// <summary>
    /// The backend's own choice (the default): FISTA on <c>reference</c>, coordinate descent with its form chosen per
    /// shape on <c>cd</c>, on a device coordinate descent on G for p ≤ 64 and FISTA otherwise.
    /// </summary>
    Auto,

    /// <summary>Proximal gradient (ISTA): <c>β ← prox(β − t·∇f(β))</c> with <c>t = 1/L</c>.</summary>
    Ista,

    /// <summary>
    /// Accelerated proximal gradient (FISTA) with gradient-based adaptive restart: momentum is reset whenever it
    /// points uphill.
    /// </summary>
    Fista,

    /// <summary>
    /// Cyclic coordinate descent, <c>βⱼ ← prox(βⱼ + xⱼᵀ(y − Xβ)/(n·Gⱼⱼ))</c>, in the Gram or the residual form chosen per
    /// problem shape (n·p² to form G against the sweeps' n·p). Iterations count sweeps over the coordinates.
    /// </summary>
    CoordinateDescent,

    /// <summary>Coordinate descent on <c>G = XᵀX/n</c>, formed once per problem (a sweep costs p²).</summary>
    GramCoordinateDescent,

    /// <summary>Coordinate descent on the residual <c>y − Xβ</c> (a sweep costs about 2·n·p; nothing of size p²).</summary>
    ResidualCoordinateDescent,
}
