using GpuSparse.Kernels.OnChip;

namespace GpuSparse.Backends;

/// <summary>The algorithm an ILGPU device runs, chosen per problem shape.</summary>
public enum DeviceEngine
{
    /// <summary>
    /// Coordinate descent on G (<see cref="GramCoordinateDescent"/>) for p ≤ 64, where G fits in a warp's
    /// shared memory, otherwise the proximal-gradient iteration <see cref="Solvers.SolverOptions.Algorithm"/> names with
    /// a block per problem: X in registers where it fits the device (<see cref="RegisterProximalGradient"/>), else
    /// <see cref="BlockProximalGradient"/>.
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

    /// <summary>
    /// ISTA or FISTA as <see cref="Solvers.SolverOptions.Algorithm"/> says, a thread block per problem with X in the
    /// block's registers and the gap checks and stopping decisions in the kernel (one launch covers many check
    /// intervals), for designs of n ≤ 7·(warps a group can hold) and p ≤ 7·(warp size): 50 × 200 on CUDA. Sums run in
    /// tree order: values agree with the reference to rounding, certified by the same duality gap.
    /// </summary>
    RegisterProximalGradient,
}

/// <summary>The engine choice by shape.</summary>
internal static class DeviceEngines
{
    /// <summary>Whether <paramref name="engine"/> (resolved) iterates by ISTA/FISTA and keeps its state in device memory.</summary>
    public static bool IsProximalGradient(DeviceEngine engine) =>
        engine is DeviceEngine.ProximalGradient or DeviceEngine.BlockProximalGradient or DeviceEngine.RegisterProximalGradient;

    /// <summary>Whether <paramref name="engine"/> (resolved) keeps r, c and β⁺ in device memory and checks on the gap kernel.</summary>
    public static bool UsesDeviceScratch(DeviceEngine engine) =>
        engine is DeviceEngine.ProximalGradient or DeviceEngine.BlockProximalGradient;

    /// <summary>
    /// <see cref="Resolve(DeviceEngine, int)"/> on a device with warps of <paramref name="lanes"/> and groups of at most
    /// <paramref name="maxGroupThreads"/> threads: p &gt; 64 runs on the register kernel where it fits, else the block kernel.
    /// </summary>
    /// <exception cref="NotSupportedException">An engine was asked for that cannot hold the shape on this device.</exception>
    public static DeviceEngine Resolve(DeviceEngine engine, int samples, int features, int lanes, int maxGroupThreads, int elementBytes)
    {
        bool fits = RegisterFistaKernel.Fits(samples, features, lanes, maxGroupThreads, elementBytes);
        return Resolve(engine, features) switch
        {
            DeviceEngine.BlockProximalGradient when engine == DeviceEngine.Auto && fits => DeviceEngine.RegisterProximalGradient,
            DeviceEngine.RegisterProximalGradient when !fits => throw new NotSupportedException(
                $"the device's register kernel holds n ≤ {RegisterFistaKernel.RowsPerThread} × (warps a group can hold) and p ≤ " +
                $"{RegisterFistaKernel.ColumnsPerThread} × (warp size {lanes}), not {samples} × {features}; use DeviceEngine.Auto or BlockProximalGradient"),
            var resolved => resolved,
        };
    }

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
