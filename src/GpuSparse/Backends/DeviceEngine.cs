using GpuSparse.Engines;
using GpuSparse.Kernels.OnChip;
using GpuSparse.Model;

namespace GpuSparse.Backends;

/// <summary>
/// How an ILGPU device runs the algorithm of <see cref="SolverOptions.Algorithm"/>: which kernels, chosen per problem
/// shape. An engine never runs another algorithm than the one asked for: a mismatch is refused.
/// </summary>
public enum DeviceEngine
{
    /// <summary>
    /// By the algorithm: coordinate descent on G (<see cref="GramCoordinateDescent"/>) for
    /// <see cref="SolverAlgorithm.Auto"/> with p ≤ 64 (G fits in a warp's shared memory) and for the coordinate-descent
    /// algorithms (on a shared design, <see cref="SharedGramCoordinateDescent"/>: X_w staged in shared memory where it fits
    /// with G, else read from global memory);
    /// ISTA/FISTA (FISTA for Auto with p &gt; 64) with a block per problem: X in registers where it fits the
    /// device (<see cref="RegisterProximalGradient"/>), else <see cref="BlockProximalGradient"/>.
    /// </summary>
    Auto,

    /// <summary>ISTA or FISTA, one thread per problem, in the reference's operation order.</summary>
    ProximalGradient,

    /// <summary>
    /// Cyclic coordinate descent on G = X_wᵀX_w/n, a warp per problem with G in shared memory (p ≤ 64), with the
    /// iteration, statuses and messages of the <c>cd</c> backend's Gram form; iterations count sweeps.
    /// </summary>
    GramCoordinateDescent,

    /// <summary>
    /// ISTA or FISTA, a thread block per problem with the problem's z, β, β⁺, the best iterate, r, y_c, l1, l2 and the
    /// checks' R and v in shared memory for a whole launch of several check intervals, and X there too where both fit
    /// 48 KB (<see cref="BlockIterationKernel.Placement"/>), the steps in the reference's operation order (for wide
    /// problems, e.g. 64 × 256 or 100 × 500); the gap checks in the same launch.
    /// </summary>
    BlockProximalGradient,

    /// <summary>
    /// ISTA or FISTA as <see cref="Model.SolverOptions.Algorithm"/> says, a thread block per problem with X in the
    /// block's registers and the gap checks and stopping decisions in the kernel (one launch covers many check
    /// intervals), for designs of n ≤ 7·(warps a group can hold) and p ≤ 7·(warp size): 50 × 200 on CUDA. Sums run in
    /// tree order: values agree with the reference to rounding, certified by the same duality gap.
    /// </summary>
    RegisterProximalGradient,

    /// <summary>
    /// Cyclic coordinate descent on G for a batch on one shared design (a sweep over y, λ or l1_ratio): a group of up to
    /// 8 warps forms G once in shared memory, then each warp solves one problem with the iteration, checks, statuses and
    /// messages of <see cref="GramCoordinateDescent"/>, and the same bits. For shared designs with p ≤ 64: where X_w, G and
    /// one warp's vectors fit 48 KB (e.g. n ≤ 167 at p = 32 in float64) the group stages X_w in shared memory too; taller
    /// designs (e.g. 1000 × 32) are read from global memory, where every group reads the same X_w through L1 and L2, and
    /// only G and the warps' vectors take shared memory.
    /// </summary>
    SharedGramCoordinateDescent,
}

/// <summary>The engine choice by algorithm and shape.</summary>
internal static class DeviceEngines
{
    /// <summary>Whether <paramref name="engine"/> (resolved) iterates by ISTA/FISTA and keeps its state in device memory.</summary>
    public static bool IsProximalGradient(DeviceEngine engine) =>
        engine is DeviceEngine.ProximalGradient or DeviceEngine.BlockProximalGradient or DeviceEngine.RegisterProximalGradient;

    /// <summary>Whether <paramref name="engine"/> (resolved) runs coordinate descent on G (a warp per problem).</summary>
    public static bool IsCoordinateDescent(DeviceEngine engine) =>
        engine is DeviceEngine.GramCoordinateDescent or DeviceEngine.SharedGramCoordinateDescent;

    /// <summary>
    /// <paramref name="resolved"/> (by <see cref="ForAlgorithm"/>) for a shape on a device with warps of
    /// <paramref name="lanes"/> and groups of at most <paramref name="maxGroupThreads"/> threads: with
    /// <paramref name="requested"/> Auto, the block kernel gives way to the register kernel where the shape fits it, and
    /// the per-problem Gram kernel to the shared-design one where the batch has one design (<paramref name="designPerProblem"/>
    /// false: its problems share one prepared X_w) and a group holds G (X_w staged with it where it fits, else read from
    /// global memory: <see cref="SharedGramCoordinateDescentKernel.Placement"/>).
    /// </summary>
    /// <exception cref="NotSupportedException">The register or shared-design kernel was asked for and cannot hold the batch on this device.</exception>
    public static DeviceEngine ForShape(DeviceEngine requested, DeviceEngine resolved, int samples, int features, int lanes,
        int maxGroupThreads, int elementBytes, bool designPerProblem)
    {
        bool fits = RegisterFistaKernel.Fits(samples, features, lanes, maxGroupThreads, elementBytes);
        bool sharedFits = !designPerProblem
            && SharedGramCoordinateDescentKernel.Placement(samples, features, lanes, maxGroupThreads, elementBytes) is not null;
        return resolved switch
        {
            DeviceEngine.BlockProximalGradient when requested == DeviceEngine.Auto && fits => DeviceEngine.RegisterProximalGradient,
            DeviceEngine.GramCoordinateDescent when requested == DeviceEngine.Auto && sharedFits => DeviceEngine.SharedGramCoordinateDescent,
            DeviceEngine.SharedGramCoordinateDescent when !sharedFits => throw new NotSupportedException(designPerProblem
                ? "the device's shared-design kernel runs batches on one shared design, not a design per problem; use DeviceEngine.Auto or GramCoordinateDescent"
                : $"the device's shared-design kernel keeps G in {SharedGramCoordinateDescentKernel.MaxSharedBytes / 1024} KB of shared memory, " +
                  $"which {samples} × {features} does not fit; use DeviceEngine.Auto or GramCoordinateDescent"),
            DeviceEngine.RegisterProximalGradient when !fits => throw new NotSupportedException(
                $"the device's register kernel holds n ≤ {RegisterFistaKernel.RowsPerThread} × (warps a group can hold) and p ≤ " +
                $"{RegisterFistaKernel.ColumnsPerThread} × (warp size {lanes}), not {samples} × {features}; use DeviceEngine.Auto or BlockProximalGradient"),
            _ => resolved,
        };
    }

    /// <summary>The engine that runs problems with <paramref name="features"/> coefficients when <paramref name="engine"/> is asked for.</summary>
    /// <exception cref="NotSupportedException">Coordinate descent on G was asked for with p &gt; 64.</exception>
    public static DeviceEngine Resolve(DeviceEngine engine, int features) => ForAlgorithm(engine, SolverAlgorithm.Auto, features);

    /// <summary>
    /// The engine that runs <paramref name="algorithm"/> on problems with <paramref name="features"/> coefficients when
    /// <paramref name="engine"/> is asked for.
    /// </summary>
    /// <exception cref="NotSupportedException">The engine cannot run the algorithm, or coordinate descent on G with p &gt; 64.</exception>
    public static DeviceEngine ForAlgorithm(DeviceEngine engine, SolverAlgorithm algorithm, int features)
    {
        bool proximal = algorithm is SolverAlgorithm.Ista or SolverAlgorithm.Fista;
        bool fits = features <= GramCoordinateDescentKernel.MaxFeatures;
        if (algorithm == SolverAlgorithm.ResidualCoordinateDescent)
            throw new NotSupportedException("the device runs coordinate descent on G only, not in the residual form; run ResidualCoordinateDescent on the cd backend");
        var resolved = (engine, algorithm) switch
        {
            (DeviceEngine.Auto, SolverAlgorithm.Auto) => fits ? DeviceEngine.GramCoordinateDescent : DeviceEngine.BlockProximalGradient,
            (DeviceEngine.Auto, _) => proximal ? DeviceEngine.BlockProximalGradient : DeviceEngine.GramCoordinateDescent,
            _ => engine,
        };
        if (IsCoordinateDescent(resolved) && proximal)
            throw new NotSupportedException($"the device engine {resolved} runs coordinate descent, not {algorithm}; use DeviceEngine.Auto");
        if (IsProximalGradient(resolved) && !proximal && algorithm != SolverAlgorithm.Auto)
            throw new NotSupportedException($"the device engine {resolved} runs ISTA/FISTA, not {algorithm}; use DeviceEngine.Auto");
        if (IsCoordinateDescent(resolved) && !fits)
            throw new NotSupportedException($"the device's coordinate descent keeps G in shared memory, for p ≤ {GramCoordinateDescentKernel.MaxFeatures}, not p = {features}; use FISTA or the cd backend");
        return resolved;
    }

    /// <summary>
    /// The algorithm <paramref name="engine"/> (resolved) runs when asked for <paramref name="algorithm"/>:
    /// <see cref="SolverAlgorithm.Auto"/> is FISTA on the proximal-gradient engines and coordinate descent on G on
    /// <see cref="DeviceEngine.GramCoordinateDescent"/> and <see cref="DeviceEngine.SharedGramCoordinateDescent"/>; any other as it is.
    /// </summary>
    public static SolverAlgorithm AlgorithmRun(DeviceEngine engine, SolverAlgorithm algorithm) =>
        algorithm != SolverAlgorithm.Auto ? algorithm
        : IsProximalGradient(engine) ? SolverAlgorithm.Fista
        : SolverAlgorithm.GramCoordinateDescent;

    /// <summary>
    /// The options <paramref name="engine"/> (resolved) runs: on the proximal-gradient engines, whose kernels read it,
    /// the algorithm is <see cref="AlgorithmRun"/>'s; the Gram engine reads none, so Auto stays Auto there (a group
    /// problem it hands to a proximal-gradient engine resolves it then).
    /// </summary>
    public static SolverOptions OptionsFor(DeviceEngine engine, SolverOptions options) =>
        IsProximalGradient(engine) && AlgorithmRun(engine, options.Algorithm) is var run && run != options.Algorithm
            ? options with { Algorithm = run } : options;
}
