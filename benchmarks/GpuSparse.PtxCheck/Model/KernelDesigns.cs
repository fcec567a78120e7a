using GpuSparse.Kernels;
using GpuSparse.Kernels.OnChip;

namespace GpuSparse.PtxCheck.Model;

/// <summary>The latency assumptions of the designs, in SM clock cycles (sm_90 figures, to be measured on a GPU).</summary>
internal static class Latency
{
    /// <summary>A dependent float64 FMA (about 8 cycles; float32: 4).</summary>
    public const double Fma64 = 8, Fma32 = 4;

    /// <summary>A warp shuffle or shared-memory load feeding the next instruction.</summary>
    public const double Exchange = 30;

    /// <summary>A block barrier with the warps mostly in step.</summary>
    public const double Barrier = 20;

    /// <summary>The scalar update of one coordinate (z, soft-threshold, shrink, Δ), about six dependent ops.</summary>
    public const double CoordinateUpdate = 40;

    /// <summary>The FISTA bookkeeping of one iteration (momentum with its square root, restart test, z update).</summary>
    public const double FistaStep = 120;

    /// <summary>A dependent FMA of the working precision.</summary>
    public static double Fma(Shape s) => s.ScalarBytes == 8 ? Fma64 : Fma32;

    /// <summary>A reduction over a warp: five shuffle levels.</summary>
    public const double WarpReduction = 5 * Exchange;

    /// <summary>A reduction over a block: a warp reduction, partials through shared memory, a second one, two barriers.</summary>
    public const double BlockReduction = 2 * WarpReduction + 2 * Barrier + Exchange;

    /// <summary>
    /// The duality gap's terms of one coordinate, summed on its lane (<c>WarpGapTerms</c>): a dependent float64 add
    /// behind the loads of βⱼ, l1ⱼ, l2ⱼ and vⱼ and the term's products (~2 FMA latencies), in each of the two passes
    /// (the penalty and the scaling, then the conjugate).
    /// </summary>
    public const double GapTerm = 2 * Fma64;

    /// <summary>
    /// The gap's sums over a warp (<c>WarpGapTerms</c>): the penalty sum and the scaling in one butterfly (their
    /// shuffles independent), the conjugate sum in a second, then the final formula on every lane (~8 dependent
    /// float64 operations with a division).
    /// </summary>
    public const double GapCombination = 2 * WarpReduction + 8 * Fma64;
}

/// <summary>
/// Today's kernels (<c>IterationKernel</c> + <c>GapKernel</c> + <c>CompactionKernel</c>): one thread per problem,
/// β, z, β⁺, r and c in global memory. Their bytes and flops are the catalog's formulas (every generic access
/// counted as HBM traffic: an upper bound); <see cref="CompulsoryIterationHbm"/> is the lower bound.
/// </summary>
internal sealed class ThreadPerProblemFista : KernelDesign
{
    public override string Name => "thread/problem FISTA (today)";
    public override string Algorithm => "FISTA";
    public override bool Serves(Shape shape) => Implementations(shape).Count > 0;

    // The unconstrained elastic net (Lasso and the elastic-net targets) in the shape's precision, and the compaction.
    protected override bool Implements(KernelEntry entry, Shape shape) =>
        entry.Shape == KernelCatalog.AnyShape && (entry.Name == "compaction"
            || entry.Name == $"fista-iteration float{8 * shape.ScalarBytes} elastic-net" || entry.Name == $"gap float{8 * shape.ScalarBytes} elastic-net");

    // In: X_w, y_c, L1 and L2 per coordinate, t and t/n; certificate: gap tolerance and null objective (float64).
    public override double HostIn(Shape s) => (s.N * s.P + s.N + 2 * s.P + 2) * s.S + 16;

    // X twice (no reuse across the two passes at this occupancy), y, r written and read, eight p-vectors
    public override double? CompulsoryIterationHbm(Shape s) => (2 * s.N * s.P + 3 * s.N + 8 * s.P) * s.S;

    public override bool ProblemsInStep => true;

    // Bandwidth-bound: latency is hidden by the thousands of independent problems, so the model adds none.
    protected override Work ModelSolve(Shape s) => default;
    protected override Work ModelIteration(Shape s) => default;
    protected override Work ModelCheck(Shape s) => default;

    public override double ProblemsPerSm(Shape shape) => H200.ThreadsPerSm;
}

/// <summary>
/// Warp per problem on the Gram form (p ≤ 64): G = XᵀX/n and c = Xᵀy/n formed on-chip from one read of X, lane l
/// owning the coordinates j ≡ l (mod 32). One iteration is a CD sweep (the catalog's <c>gram-cd</c> kernels:
/// G in float64 in shared memory, q = c − Gβ in shared memory, G formed again by every launch, launches
/// covering windows of 1, 2, 4, … check intervals) or a FISTA step on G (modelled, G formed once, the problem
/// kept by its warp to the end).
/// </summary>
internal class WarpGram : KernelDesign
{
    private readonly bool _coordinateDescent;

    public WarpGram(bool coordinateDescent) => _coordinateDescent = coordinateDescent;

    public override string Name => _coordinateDescent ? "warp/problem Gram CD" : "warp/problem Gram FISTA";
    public override string Algorithm => _coordinateDescent ? "CD" : "FISTA";
    public override bool Serves(Shape shape) => shape.Features <= GramCoordinateDescentKernel.MaxFeatures;

    protected override bool Implements(KernelEntry entry, Shape shape) =>
        _coordinateDescent && entry.Name == $"gram-cd float{8 * shape.ScalarBytes} elastic-net";

    /// <summary>Shared memory of one warp: the CD kernel's layout (G's upper half in float64, its vectors and tile), or G and five p-vectors for FISTA.</summary>
    private double SharedBytes(Shape s) => _coordinateDescent
        ? GramCoordinateDescentKernel.SharedDoubles(s.Features) * 8.0
        : (s.P * s.P + 5 * s.P) * s.S;

    /// <summary>Wavefronts of one warp-wide access to a p-vector of shared memory of <paramref name="bytes"/>-byte elements (lane l: elements l, l + 32).</summary>
    private static double VectorWavefronts(Shape s, double bytes) => Up(s.P / 32) * 32 * bytes / Wavefront;

    /// <summary>Entries of G kept and formed: the upper half in the CD kernel, all p² in FISTA.</summary>
    private double GramEntries(Shape s) => _coordinateDescent ? GramCoordinateDescentKernel.GramDoubles(s.Features) : s.P * s.P;

    /// <summary>Bytes of an element of G: float64 in the CD kernel, the working precision in FISTA.</summary>
    private double GramElement(Shape s) => _coordinateDescent ? 8 : s.S;

    public override int Launches(int iterations, int checkInterval) =>
        _coordinateDescent ? DoublingWindows(iterations, checkInterval) : 1;

    protected override Work ModelSolve(Shape s) =>
        // one read of X and y from HBM per launch; β read, results written
        Work.Hbm(s.N * s.P * s.S + s.N * s.S + SettingsBytes + 2 * s.P * s.S + ResultBytes)
        // G = XᵀX/n on every entry (2np² flops), c = Xᵀy/n and ‖y‖² (2np + 2n)
        + Work.Flops(2 * s.N * s.P * s.P + 2 * s.N * s.P + 2 * s.N, s.ScalarBytes)
        // forming G in tiles of 8 rows: X tile stored (np elements), then for every (entry, row) one broadcast of xᵢₐ
        // and one vector load of xᵢᵦ (np²/32 warp steps; the CD kernel forms only the upper half), and G read and
        // written once per tile
        + Work.Shared(VectorWavefronts(s, 8) * s.N * Wavefront
            + s.N * GramEntries(s) / 32 * (1 + 8.0 * 32 / Wavefront) * Wavefront
            + Up(s.N / 8) * s.P * 2 * VectorWavefronts(s, GramElement(s)) * GramEntries(s) / (s.P * s.P) * Wavefront)
        + Work.Chain(s.N * GramEntries(s) / 32 * Latency.Fma64)
        // FISTA's step 1/L: ~20 power iterations u ← Gu/‖Gu‖ (2p² flops, p broadcasts and G loads, a reduction)
        + (_coordinateDescent ? default : 20 * (Work.Flops(2 * s.P * s.P, s.ScalarBytes)
            + Work.Shared((s.P * (1 + VectorWavefronts(s, GramElement(s))) + 5) * Wavefront)
            + Work.Chain(s.P * Latency.Fma(s) + Latency.WarpReduction)));

    protected override Work ModelIteration(Shape s) => _coordinateDescent
        // for each j: the owner lane reads qⱼ, βⱼ, 1/Gⱼⱼ, l1ⱼ, l2ⱼ and updates βⱼ, Δ broadcast (1 shuffle), every lane
        // reads row j of G and updates its q entries in shared memory (2p + 6p flops per coordinate)
        ? Work.Flops(2 * s.P * s.P + 8 * s.P, s.ScalarBytes)
          + Work.Shared(s.P * (5 + 1 + VectorWavefronts(s, 8) + 2 * VectorWavefronts(s, s.S)) * Wavefront)
          // chain per coordinate: owner's loads, the update, the shuffle, q's load-FMA-store that the next owner reads
          + Work.Chain(s.P * (4 * Latency.Exchange + Latency.CoordinateUpdate + Latency.Fma(s)))
        // g = c − Gz: p broadcasts of zⱼ and p vector loads of Gⱼ, 2p² flops; prox + momentum + restart test ~15p,
        // one warp reduction; chain: p dependent FMAs per accumulator + bookkeeping
        : Work.Flops(2 * s.P * s.P + 15 * s.P, s.ScalarBytes)
          + Work.Shared((s.P * (1 + VectorWavefronts(s, s.S)) + 5) * Wavefront)
          + Work.Chain(s.P * Latency.Fma(s) + Latency.WarpReduction + Latency.FistaStep);

    protected override Work ModelCheck(Shape s) =>
        // Gram-form gap in float64: q = c − Gβ (2p² flops: p broadcasts of βⱼ and p row loads of G, the CD kernel's
        // packed upper half in the wavefronts its bank conflicts take), ‖R‖² from
        // ‖y‖², βᵀc and βᵀq, v = n·q; chain: the lane's ⌈p/32⌉ rows of q (p dependent FMAs each), a barrier, the
        // lane's coordinates through the gap's two passes, the butterflies of βᵀc and βᵀq, then the gap's combination
        Work.Flops(2 * s.P * s.P + 24 * s.P, 8)
        + Work.Shared((s.P + (_coordinateDescent ? SharedMemoryBanks.GramSweepWavefronts(s.Features) : s.P * VectorWavefronts(s, GramElement(s)))
            + 4 * 5) * Wavefront)
        + Work.Chain(Up(s.P / 32) * (s.P * Latency.Fma64 + 2 * Latency.GapTerm) + Latency.Barrier
            + 2 * Latency.WarpReduction + Latency.GapCombination);

    // One warp per problem: resident warps per SM, limited by its shared memory and 64 warp slots (registers:
    // ~56 per lane, the PTX check's figure for gram-cd).
    public override double ProblemsPerSm(Shape s) =>
        Occupancy.Of(H200.WarpSize, registers: 56, sharedBytes: (int)SharedBytes(s)).BlocksPerSm;
}

/// <summary>
/// Warp per problem on the Gram form for a batch on one shared X (sweeps over y, λ or l1_ratio): a group of W warps
/// (as many as fit 48 KB, up to 8) forms G in shared memory once, then each warp runs the per-problem kernel's sweeps
/// and checks (the catalog's <c>shared-gram-cd</c> kernels): the sweeps and checks are <see cref="WarpGram"/>'s, the
/// per-launch forming of G a W-th of it per problem. X is staged in the group's shared memory where it fits with G
/// (<see cref="DesignPlacement.SharedMemory"/>), else read from global memory (<see cref="DesignPlacement.GlobalMemory"/>:
/// its loads hit L1, which shares shared memory's 128 B a clock, so they are counted as shared-memory wavefronts; the
/// lines each group brings in come from L2, where a shared X stays, and are counted as HBM bytes: an upper bound, the
/// model having no L2 rate).
/// </summary>
internal sealed class SharedGroupGram : WarpGram
{
    private readonly DesignPlacement _placement;

    public SharedGroupGram(DesignPlacement placement)
        : base(coordinateDescent: true) => _placement = placement;

    private bool Staged => _placement == DesignPlacement.SharedMemory;

    public override string Name => Staged ? "shared-design Gram CD, G per group of warps" : "shared-design Gram CD, G per group, X from global memory";

    // Where Auto runs it: staged where X fits with G, from global memory otherwise.
    public override bool Serves(Shape shape) => shape.SharedDesign
        && SharedGramCoordinateDescentKernel.Placement(shape.Samples, shape.Features, H200.WarpSize, KernelCatalog.CudaSharedGramBlockSize,
            shape.ScalarBytes) == _placement;

    protected override bool Implements(KernelEntry entry, Shape shape) =>
        entry.Name == $"{(Staged ? "shared-gram-cd" : KernelCatalog.SharedGlobalPrefix)} float{8 * shape.ScalarBytes} elastic-net";

    /// <summary>Problems (warps) of one group on CUDA.</summary>
    private int Warps(Shape s) =>
        SharedGramCoordinateDescentKernel.Warps(s.Samples, s.Features, H200.WarpSize, KernelCatalog.CudaSharedGramBlockSize, s.ScalarBytes, _placement);

    // X is uploaded once for the batch: y and the settings per problem.
    public override double HostIn(Shape s) => s.N * s.S + SettingsBytes;

    protected override Work ModelSolve(Shape s)
    {
        double w = Warps(s), threads = w * 32, gram = GramCoordinateDescentKernel.GramDoubles(s.Features);
        // per group: X staged (np elements) when it fits, then every thread sums its entries of G over n rows (a broadcast
        // of xᵢₐ and a vector load of xᵢᵦ per warp step, from shared memory or L1; the lower half skipped), G written once:
        // a W-th per problem
        var group = Work.Shared((Staged ? s.N * s.P * s.S : 0) + s.N * gram / 32 * (1 + 32 * s.S / Wavefront) * Wavefront + gram * 8);
        // per problem: c = Xᵀy (a lane's coordinates over n rows: X vector loads, y broadcast) and ‖y‖²
        var own = Work.Shared(s.N * Up(s.P / 32) * (1 + 32 * s.S / Wavefront) * Wavefront);
        // chain: the group's G (a thread's ⌈p²/threads⌉ entries, n dependent FMAs each: every warp waits for it; the loads
        // do not depend on the sum, so L1's latency is overlapped as shared memory's), two barriers, then the warp's c
        // (⌈p/32⌉ coordinates of n FMAs) and ‖y‖²
        var chain = Work.Chain(Up(s.P * s.P / threads) * s.N * Latency.Fma64 + 2 * Latency.Barrier
            + (Up(s.P / 32) + 1) * s.N * Latency.Fma64);
        // X from HBM: staged once a group; from global memory, read by G's pass and again by the warps' c (L2 lines)
        return Work.Hbm((Staged ? 1 : 2) * s.N * s.P * s.S / w + s.N * s.S + SettingsBytes + 2 * s.P * s.S + ResultBytes)
            + Work.Flops(2 * s.N * gram / w + 2 * s.N * s.P + 2 * s.N, s.ScalarBytes) + (1 / w) * group + own + chain;
    }

    // W problems a group: resident groups per SM, limited by shared memory, registers (the PTX check's figure for
    // shared-gram-cd: ~62 a lane in either placement) and 64 warp slots.
    public override double ProblemsPerSm(Shape s) => Warps(s) * Occupancy.Of(Warps(s) * H200.WarpSize, registers: 62,
        sharedBytes: SharedGramCoordinateDescentKernel.SharedDoubles(Warps(s), s.Samples, s.Features, s.ScalarBytes, _placement) * 8).BlocksPerSm;
}

/// <summary>How a block-per-problem kernel holds X and iterates.</summary>
internal enum BlockVariant
{
    /// <summary>
    /// FISTA, the state in shared memory: the catalog's <c>block-fista-iteration</c> kernels (128 threads, a thread per
    /// row then per column; z, β, β⁺, the best iterate, r, y, l1, l2 and the checks' R and v in shared memory for a
    /// launch of 1, 2, 4, … check intervals, X too where both fit 48 KB; the checks on-chip).
    /// </summary>
    FistaSharedDesign,

    /// <summary>
    /// FISTA, X spread over the block's registers: the catalog's <c>register-fista</c> kernels (⌈n/7⌉ warps, a 7 × 7
    /// tile a thread, row sums over a warp's lanes, column sums over the warps through shared memory, the float64
    /// checks and the stopping rule in the kernel, launches over windows of 1, 2, 4, … check intervals).
    /// </summary>
    FistaRegisterDesign,

    /// <summary>Coordinate descent, X in shared memory: per coordinate a block reduction.</summary>
    CoordinateDescent,
}

/// <summary>
/// Block per problem (256 threads) on the residual form for wide designs (p &gt; n), X on-chip for the whole
/// solve: one iteration is a FISTA step (two passes over X: r = y − Xz, c = Xᵀr) or a CD sweep.
/// </summary>
internal sealed class BlockResidual : KernelDesign
{
    private const double OperandReuse = 4;
    private const double BaseRegisters = 40;
    private readonly BlockVariant _variant;

    public BlockResidual(BlockVariant variant) => _variant = variant;

    public override string Name => _variant switch
    {
        BlockVariant.FistaSharedDesign => "block/problem residual FISTA, state in smem, checks on-chip",
        BlockVariant.FistaRegisterDesign => "block/problem residual FISTA, X in registers",
        _ => "block/problem residual CD, X in smem",
    };

    public override string Algorithm => _variant == BlockVariant.CoordinateDescent ? "CD" : "FISTA";

    // Wide per-problem designs only (p > n): narrow ones go to the Gram designs.
    public override bool Serves(Shape shape) => shape.Features > shape.Samples && !shape.SharedDesign
        && SharedBytes(shape) <= H200.SharedMemoryPerBlock && Registers(shape) <= H200.MaxRegistersPerThread
        && (!DesignInRegisters || RegisterFistaKernel.Fits(shape.Samples, shape.Features, H200.WarpSize, 1024, shape.ScalarBytes));

    // The shared-state FISTA variant is the catalog's block kernel of the shape's placement (its checks on-chip) and the
    // compaction; the register variant the catalog's register kernel.
    protected override bool Implements(KernelEntry entry, Shape shape) => _variant switch
    {
        BlockVariant.FistaSharedDesign => !entry.Name.Contains("non-negative", StringComparison.Ordinal)
            && (entry.Name == "compaction" || entry.Name == $"{BlockKernelName(shape)} float{8 * shape.ScalarBytes} elastic-net"),
        BlockVariant.FistaRegisterDesign => entry.Name == $"register-fista float{8 * shape.ScalarBytes} elastic-net",
        _ => false,
    };

    // The register and shared-state kernels' launches cover 1, 2, 4, … check intervals, each loading X (staged) and
    // the state again.
    public override int Launches(int iterations, int checkInterval) =>
        _variant == BlockVariant.CoordinateDescent ? 1 : DoublingWindows(iterations, checkInterval);

    // The shared-state kernel's placement for the shape (BlockIterationKernel.Placement) and its catalog name.
    private static BlockPlacement Placement(Shape s) => BlockIterationKernel.Placement(s.Samples, s.Features, s.ScalarBytes);

    private static string BlockKernelName(Shape s) => Placement(s) switch
    {
        BlockPlacement.DesignAndState => "block-fista-iteration",
        BlockPlacement.State => KernelCatalog.BlockGlobalDesignPrefix,
        _ => KernelCatalog.BlockGlobalPrefix,
    };

    // With X from global memory the catalog counts both passes' reads of X as HBM; at least one reaches it a step
    // (the other may hit L1). Staged, an iteration needs no HBM at all.
    public override double? CompulsoryIterationHbm(Shape s) =>
        _variant == BlockVariant.FistaSharedDesign && Placement(s) == BlockPlacement.State ? s.N * s.P * s.S : null;

    /// <summary>Threads per block: the catalog's launch for its kernels (⌈n/7⌉ warps for the register kernel), 256 for the modelled one.</summary>
    private int BlockThreads(Shape s) => _variant switch
    {
        BlockVariant.FistaSharedDesign => KernelCatalog.CudaBlockSize,
        BlockVariant.FistaRegisterDesign => RegisterFistaKernel.Warps(s.Samples) * H200.WarpSize,
        _ => 256,
    };

    private bool DesignInRegisters => _variant == BlockVariant.FistaRegisterDesign;

    /// <summary>
    /// The register kernel's layout (<see cref="RegisterFistaKernel.SharedDoubles"/>); the shared-state kernel's
    /// (<see cref="BlockIterationKernel.SharedDoubles"/>); X, r, z, β, β⁺ and the block's partial sums (two per thread) for CD.
    /// </summary>
    private double SharedBytes(Shape s) => _variant switch
    {
        BlockVariant.FistaRegisterDesign => RegisterFistaKernel.SharedDoubles(RegisterFistaKernel.Warps(s.Samples), H200.WarpSize, s.ScalarBytes) * 8.0,
        BlockVariant.FistaSharedDesign => BlockIterationKernel.SharedDoubles(Placement(s), s.Samples, s.Features, s.ScalarBytes) * 8.0,
        _ => (s.N * s.P + s.N + 3 * s.P + 2 * BlockThreads(s)) * s.S,
    };

    /// <summary>
    /// Registers a thread needs: for the register kernel the most its launch bound allows at 8 warps a block
    /// (<see cref="RegisterFistaKernel.Specialization"/>: in float32 two blocks an SM, 128, the PTX check's figure
    /// within it; in float64 one, 255); ~40 plus 24 otherwise.
    /// </summary>
    private double Registers(Shape s) => DesignInRegisters
        ? Math.Min(H200.MaxRegistersPerThread, H200.RegistersPerSm / (KernelCatalog.CudaRegisterBlockSize
            * (RegisterFistaKernel.Specialization(H200.WarpSize, KernelCatalog.CudaRegisterBlockSize, s.ScalarBytes).MinNumGroupsPerMultiprocessor ?? 1)))
        : BaseRegisters + 24;

    /// <summary>Shared-memory bytes of one pass (Xz or Xᵀr) with X in shared memory: X read once (np·s) plus one operand wavefront per 4·32 products.</summary>
    private static double Pass(Shape s) => s.N * s.P * s.S + s.N * s.P / (32 * OperandReuse) * Wavefront;

    /// <summary>
    /// <see cref="Pass"/> by a thread a row of the row-major X, as the catalog kernel's R = y − Xβ: X takes the wavefronts
    /// of its bank conflicts (<see cref="SharedMemoryBanks.RowPassWavefronts"/>) at the kernel's row stride
    /// (<see cref="PaddedStagedDesign"/>: odd, so none).
    /// </summary>
    private static double RowPass(Shape s) => SharedMemoryBanks.RowPassWavefronts(s.Samples, s.Features,
        default(PaddedStagedDesign).RowStride(s.Features), s.ScalarBytes) * Wavefront
        + s.N * s.P / (32 * OperandReuse) * Wavefront;

    /// <summary>
    /// Shared-memory bytes of the register kernel's float64 check (a shuffle of a double is two wavefronts, as a
    /// warp-wide load of 32 doubles).
    /// </summary>
    private static double RegisterCheckShared(Shape s)
    {
        double warps = RegisterFistaKernel.Warps(s.Samples), lanes = H200.WarpSize, threads = warps * lanes;
        double levels = Math.Log2(lanes), slots = lanes * RegisterFistaKernel.ColumnsPerThread;
        // every thread: its 7 of y_c read, the 7 row sums' butterflies (7 doubles × 5 levels), its 7 partials of v stored
        return threads * (7 * s.S + 8 * 7 * levels + 8 * 7)
            // warp 0, per slot: the W partials of v read, v and β stored, the gap's first pass (β, l1, l2, v) and second
            // (l1, l2, v) read back; the gap's three butterflies
            + slots * (8 * warps + 8 + s.S + (3 * s.S + 8) + (2 * s.S + 8)) + lanes * 8 * 3 * levels
            // ‖R‖² and R·y_c stored by each warp's lane 0 and read by warp 0, the verdict stored and read by every warp:
            // a wavefront each
            + (4 * warps + 2 + 2 * warps) * Wavefront;
    }

    protected override Work ModelSolve(Shape s) => _variant switch
    {
        // the catalog's bytes; the step t comes from the host's preparation (no power iteration on the device)
        BlockVariant.FistaRegisterDesign => default,
        // per launch: the catalog's bytes, the staging stores into shared memory and one barrier
        BlockVariant.FistaSharedDesign => Work.Shared(SharedBytes(s)) + Work.Chain(Latency.Barrier),
        _ => ModelSolveCoordinateDescent(s),
    };

    // The modelled CD kernel's solve: X, y read once from HBM onto the chip; results written once.
    private Work ModelSolveCoordinateDescent(Shape s) =>
        Work.Hbm(s.N * s.P * s.S + s.N * s.S + SettingsBytes + s.P * s.S + ResultBytes)
        + Work.Shared(s.N * s.P * s.S)
        // centring and ‖y‖², the step 1/L by ~20 power iterations on X (2 passes each)
        + Work.Flops(3 * s.N * s.P + 20 * 4 * s.N * s.P, s.ScalarBytes) + Work.Shared(20 * 2 * Pass(s))
        + Work.Chain(20 * 2 * (Latency.BlockReduction + s.N * s.P / BlockThreads(s) * Latency.Fma(s)));

    protected override Work ModelIteration(Shape s) => _variant == BlockVariant.CoordinateDescent
        // for each j: Xⱼ·r (n products, block reduction), βⱼ update, r −= XⱼΔ (n products): X column twice,
        // r read twice and written once (5n scalars), 4n flops; chain: a block reduction and an update per coordinate
        ? Work.Flops(4 * s.N * s.P + 6 * s.P, s.ScalarBytes) + Work.Shared(5 * s.N * s.P * s.S)
          + Work.Chain(s.P * (Latency.BlockReduction + Latency.CoordinateUpdate + 2 * Latency.Barrier))
        // r = y − Xz and c = Xᵀr: two passes, 4np flops; prox and momentum ~15p
        : Work.Flops(4 * s.N * s.P + s.N + 15 * s.P, s.ScalarBytes)
          + Work.Shared(2 * Pass(s))
          + Work.Chain(_variant == BlockVariant.FistaSharedDesign
              // the catalog kernel: a thread per row sums its p products in order, a thread per column its n, and
              // thread 0 sums the restart test's p terms (one load each, written by their columns' owners); four barriers
              ? (2 * s.P + s.N) * Latency.Fma(s) + 4 * Latency.Barrier + Latency.FistaStep
              // the register kernel: 7 dependent FMAs a row, the rows' sums over the lanes (5 shuffle levels), 7 FMAs a
              // column, the partials through shared memory to the column's owner (store, barrier, W dependent adds),
              // its prox, β⁺ back to every warp (store, barrier, load), the restart test (7 dependent FMAs and its sum
              // over the lanes), the momentum
              : 3 * 7 * Latency.Fma(s) + 2 * Latency.WarpReduction + 2 * (Latency.Exchange + Latency.Barrier)
                + RegisterFistaKernel.Warps(s.Samples) * Latency.Fma(s) + Latency.CoordinateUpdate + Latency.FistaStep);

    protected override Work ModelCheck(Shape s) =>
        // float64 certificate from X on-chip: R = y − Xβ, v = XᵀR (two passes, 4np flops in float64)
        Work.Flops(4 * s.N * s.P + 4 * s.N + 15 * s.P, 8) + Work.Shared(DesignInRegisters ? RegisterCheckShared(s) : Pass(s) + RowPass(s))
        + Work.Chain(DesignInRegisters
            // the register kernel: the two passes (7 FMAs each, the row sums over the lanes), two barriers, v summed
            // over the warps by warp 0 and stored with β in its lanes' slots, the gap's two passes over a lane's 7
            // slots, the butterflies and the final formula (WarpGapTerms), the verdict read back from shared memory
            ? 2 * 7 * Latency.Fma64 + Latency.WarpReduction + 2 * Latency.Barrier + RegisterFistaKernel.Warps(s.Samples) * Latency.Fma64
              + Latency.Exchange + 2 * RegisterFistaKernel.ColumnsPerThread * Latency.GapTerm + Latency.GapCombination + Latency.Exchange
            : _variant == BlockVariant.FistaSharedDesign
                // the catalog kernel: a thread per row sums its p products in order, a thread per column its n; the gap's
                // two passes over a thread's ⌈p/128⌉ columns, the sums over the lanes (penalty, s, ‖R‖², R·y_c, then the
                // conjugate) and over the warps through shared memory, four barriers, the formula on thread 0
                ? (s.P + s.N) * Latency.Fma64 + 2 * Up(s.P / BlockThreads(s)) * Latency.GapTerm + 2 * Latency.WarpReduction
                  + 4 * Latency.Barrier + Latency.GapCombination
                : 3 * Latency.BlockReduction + 2 * s.N * s.P / BlockThreads(s) * Latency.Fma64);

    public override double ProblemsPerSm(Shape s) =>
        Occupancy.Of(BlockThreads(s), registers: (int)Registers(s), sharedBytes: (int)SharedBytes(s)).BlocksPerSm;
}

/// <summary>
/// Shared design, tiled: one X for all problems (sweeps over y, λ or l1_ratio). G = XᵀX/n is formed once per
/// batch and read from HBM once per block of 256 problems into shared memory; a thread is a problem, holding its
/// β and q = c − Gβ in registers (p ≤ 32 in float64), so a CD sweep is, per coordinate, one broadcast of row j
/// of G to the warp and 2p flops per problem: one iteration for the batch is the matrix–matrix work G·ΔB.
/// Modelled (no catalog kernel yet: the built shared-design kernel is <see cref="SharedGroupGram"/>, a warp per problem).
/// </summary>
internal sealed class SharedDesignTiled : KernelDesign
{
    private const int Threads = 256;

    public override string Name => "shared-design tiled Gram CD, thread/problem";
    public override string Algorithm => "CD";
    public override bool Serves(Shape shape) => shape.SharedDesign && Registers(shape) <= H200.MaxRegistersPerThread
        && SharedBytes(shape) <= H200.SharedMemoryPerBlock;
    public override bool ProblemsInStep => true;

    /// <summary>G in float64 and X in the working precision, in the block's shared memory.</summary>
    private static double SharedBytes(Shape s) => s.P * s.P * 8 + s.N * s.P * s.S;

    // Not in the catalog yet.
    protected override bool Implements(KernelEntry entry, Shape shape) => false;

    /// <summary>β and q in registers (2p scalars) and ~40 for the rest.</summary>
    private static double Registers(Shape s) => 2 * s.P * s.S / 4 + 40;

    public override double HostIn(Shape s) => s.N * s.S + SettingsBytes;

    protected override Work ModelSolve(Shape s) =>
        // y and results through HBM; G (float64) and X read once per block of 256 problems
        Work.Hbm(s.N * s.S + SettingsBytes + s.P * s.S + ResultBytes + (s.P * s.P * 8 + s.N * s.P * s.S) / Threads)
        // c = Xᵀy/n per problem (2np flops): X[i, j] broadcast to the warp from shared memory (np wavefronts per 32 problems)
        + Work.Flops(2 * s.N * s.P + 2 * s.N, s.ScalarBytes) + Work.Shared(s.N * s.P / 32 * Wavefront)
        + Work.Chain(s.N * s.P * Latency.Fma(s) / 4);

    protected override Work ModelIteration(Shape s) =>
        // per coordinate: βⱼ from qⱼ (registers), q += Gⱼ·Δ (2p flops), row j of G broadcast (p wavefronts per 32 problems)
        Work.Flops(2 * s.P * s.P + 8 * s.P, s.ScalarBytes) + Work.Shared(s.P * s.P / 32 * Wavefront)
        + Work.Chain(s.P * (Latency.CoordinateUpdate + Latency.Fma(s)));

    protected override Work ModelCheck(Shape s) =>
        // Gram-form gap in float64: q = c − Gβ afresh (2p² flops, p² broadcasts per 32 problems), ‖R‖² from ‖y‖²,
        // βᵀc and βᵀq, all within the thread (no shuffles)
        Work.Flops(2 * s.P * s.P + 24 * s.P, 8) + Work.Shared(s.P * s.P / 32 * Wavefront) + Work.Hbm(s.P * s.S)
        + Work.Chain(s.P * s.P * Latency.Fma64 / 4 + 24 * Latency.Fma64);

    public override double ProblemsPerSm(Shape s) =>
        Threads * Occupancy.Of(Threads, registers: (int)Registers(s), sharedBytes: (int)SharedBytes(s)).BlocksPerSm;
}
