using GpuSparse.Kernels.OnChip;

namespace GpuSparse.Backends;

/// <summary>The algorithm an ILGPU device runs, chosen per problem shape.</summary>
public enum DeviceEngine
{
    /// <summary>
    /// Coordinate descent on G (<see cref="GramCoordinateDescent"/>) for p ≤ 64, where G fits in a warp's
    /// shared memory, otherwise the proximal-gradient iteration <see cref="Solvers.SolverOptions.Algorithm"/> names with
    /// a block per problem (<see cref="BlockProximalGradient"/>).
    /// </summary>
    Auto,

    /// <summary>ISTA or FISTA as <see cref="Solvers.SolverOptions.Algorithm"/> says, one thread per problem, in the reference's operation order.</summary>
    ProximalGradient,

    /// <summary>
    /// Cyclic coordinate descent on G = X_wᵀX_w/n, a warp per problem with G in shared memory (p ≤ 64); the
    /// iteration, statuses and messages of the <c>cd</c> backend (<see cref="Solvers.SolverOptions.Algorithm"/> is ignored;
    /// iterations count sweeps).
    /// </summary>
    GramCoordinateDescent,

    /// <summary>
    /// ISTA or FISTA as <see cref="Solvers.SolverOptions.Algorithm"/> says, a thread block per problem with X in shared
    /// memory when it fits (40 KB), in the reference's operation order (for wide problems, e.g. 50 × 200).
    /// </summary>
    BlockProximalGradient,
}

/// <summary>The engine choice by shape.</summary>
internal static class DeviceEngines
{
    /// <summary>Whether <paramref name="engine"/> (resolved) iterates by ISTA/FISTA and keeps its state in device memory.</summary>
    public static bool IsProximalGradient(DeviceEngine engine) =>
        engine is DeviceEngine.ProximalGradient or DeviceEngine.BlockProximalGradient;

    /// <summary>The engine that runs problems with <paramref name="features"/> coefficients when <paramref name="engine"/> is asked for.</summary>
    /// <exception cref="NotSupportedException">Coordinate descent on G was asked for with p &gt; 64.</exception>
    public static DeviceEngine Resolve(DeviceEngine engine, int features) => engine switch
    {
        DeviceEngine.Auto => features <= GramCoordinateDescentKernel.MaxFeatures ? DeviceEngine.GramCoordinateDescent : DeviceEngine.BlockProximalGradient,
        DeviceEngine.GramCoordinateDescent when features > GramCoordinateDescentKernel.MaxFeatures =>
            throw new NotSupportedException($"the device's coordinate descent keeps G in shared memory, for p ≤ {GramCoordinateDescentKernel.MaxFeatures}, not p = {features}; use DeviceEngine.Auto or ProximalGradient"),
        _ => engine,
    };
}
