using GpuSparse.Kernels;

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
}

/// <summary>
/// Today's kernels (<c>IterationKernel</c> + <c>GapKernel</c> + <c>CompactionKernel</c>): one thread per problem,
/// β, z, β⁺, r and c in global memory. Their bytes and flops are the catalog's formulas (every generic access
/// counted as HBM traffic: an upper bound); <see cref="Compulsory"/> is the lower bound.
/// </summary>
internal sealed class ThreadPerProblemFista : KernelDesign
{
    public override string Name => "thread/problem FISTA (today)";
    public override string Algorithm => "FISTA";
    public override bool Serves(Shape shape) => Implementations(shape).Count > 0;

    // The unconstrained elastic net (Lasso and the elastic-net targets) in the shape's precision, and the compaction.
    protected override bool Implements(KernelEntry entry, Shape shape) =>
        entry.Shape == KernelCatalog.AnyShape && !entry.Name.Contains("non-negative", StringComparison.Ordinal)
        && (entry.Name == "compaction" || entry.Name.Contains($"float{8 * shape.ScalarBytes}", StringComparison.Ordinal));

    // In: X_w, y_c, L1 and L2 per coordinate, t and t/n; certificate: gap tolerance and null objective (float64).
    public override double HostIn(Shape s) => (s.N * s.P + s.N + 2 * s.P + 2) * s.S + 16;

    /// <summary>The compulsory HBM bytes of one iteration: X twice, y, r written and read, five p-vectors.</summary>
    public static double Compulsory(Shape s) => (2 * s.N * s.P + 3 * s.N + 8 * s.P) * s.S;

    // Bandwidth-bound: latency is hidden by the thousands of independent problems, so the model adds none.
    protected override Work ModelSolve(Shape s) => default;
    protected override Work ModelIteration(Shape s) => default;
    protected override Work ModelCheck(Shape s) => default;

    public override double ProblemsPerSm(Shape shape) => H200.ThreadsPerSm;
}

/// <summary>
/// Warp per problem on the Gram form (p ≤ 64), G = XᵀX/n and c = Xᵀy/n formed on-chip from one read of X, the
/// problem resident on its warp for the whole solve (lane l owns coordinates l and l + 32; G in shared memory).
/// One iteration is a CD sweep (<see cref="CoordinateDescent"/>) or a FISTA step on G.
/// </summary>
internal sealed class WarpGram : KernelDesign
{
    private readonly bool _coordinateDescent;

    public WarpGram(bool coordinateDescent) => _coordinateDescent = coordinateDescent;

    public override string Name => _coordinateDescent ? "warp/problem Gram CD" : "warp/problem Gram FISTA";
    public override string Algorithm => _coordinateDescent ? "CD" : "FISTA";
    public override bool Serves(Shape shape) => shape.Features <= 64 && GramBytes(shape) <= H200.SharedMemoryPerBlock;

    // Not in the catalog yet.
    protected override bool Implements(KernelEntry entry, Shape shape) => false;

    /// <summary>G in shared memory, p² scalars.</summary>
    private static double GramBytes(Shape s) => s.P * s.P * s.S;

    /// <summary>Loads of one p-vector of shared memory by the warp (lane l reads element l and l + 32).</summary>
    private static double VectorWavefronts(Shape s) => Up(s.P / 32) * 32 * s.S / Wavefront;

    protected override Work ModelSolve(Shape s) =>
        // one read of X and y from HBM; results written once (β, b₀, gap, iterations, status)
        Work.Hbm(s.N * s.P * s.S + s.N * s.S + SettingsBytes + s.P * s.S + ResultBytes)
        // G = XᵀX/n (upper triangle: p(p+1)/2 entries × 2n), c = Xᵀy/n (2np), centring and ‖y‖² (~3np + 3n)
        + Work.Flops(s.N * s.P * (s.P + 1) + 5 * s.N * s.P + 3 * s.N, s.ScalarBytes)
        // forming G: row i of X staged in shared memory, broadcast element by element to the lanes (np wavefronts),
        // then G written (p vector stores per row)
        + Work.Shared(s.N * s.P * Wavefront + s.P * VectorWavefronts(s) * Wavefront)
        + Work.Chain(s.N * s.P * Latency.Fma(s) / 2)
        // final certificate from X, not G (the Gram form cancels): X re-read, R = y − Xβ and v = XᵀR in float64
        + Work.Hbm(s.N * s.P * s.S) + Work.Flops(4 * s.N * s.P, 8)
        // FISTA's step 1/L: ~20 power iterations u ← Gu/‖Gu‖ (2p² flops, p broadcasts and G loads, a reduction);
        // CD needs only 1/Gⱼⱼ
        + (_coordinateDescent ? default : 20 * (Work.Flops(2 * s.P * s.P, s.ScalarBytes)
            + Work.Shared((s.P * (1 + VectorWavefronts(s)) + 5) * Wavefront)
            + Work.Chain(s.P * Latency.Fma(s) + Latency.WarpReduction)));

    protected override Work ModelIteration(Shape s) => _coordinateDescent
        // for each j: lane j updates βⱼ from qⱼ = (Gβ)ⱼ, Δ broadcast (1 shuffle), every lane reads Gⱼ and
        // q += Gⱼ·Δ (2p flops) → per sweep p shuffles + p vector loads, 2p² + ~6p flops,
        // a chain of p × (update + shuffle + FMA)
        ? Work.Flops(2 * s.P * s.P + 6 * s.P, s.ScalarBytes)
          + Work.Shared(s.P * (1 + VectorWavefronts(s)) * Wavefront)
          + Work.Chain(s.P * (Latency.CoordinateUpdate + Latency.Exchange + Latency.Fma(s)))
        // g = c − Gz: p broadcasts of zⱼ and p vector loads of Gⱼ, 2p² flops; prox + momentum + restart test ~15p,
        // restart test and momentum: one warp reduction; chain: p dependent FMAs per accumulator + bookkeeping
        : Work.Flops(2 * s.P * s.P + 15 * s.P, s.ScalarBytes)
          + Work.Shared((s.P * (1 + VectorWavefronts(s)) + 5) * Wavefront)
          + Work.Chain(s.P * Latency.Fma(s) + Latency.WarpReduction + Latency.FistaStep);

    protected override Work ModelCheck(Shape s) =>
        // Gram-form gap in float64: ‖R‖² = ‖y‖² − 2βᵀc + βᵀq with q = Gβ (CD keeps q; FISTA forms it: 2p² flops),
        // v = n(c − q); three warp reductions (βᵀc, βᵀq, penalty/conjugate) and the dual scale (a max reduction)
        Work.Flops(12 * s.P + (_coordinateDescent ? 0 : 2 * s.P * s.P), 8)
        + Work.Shared((4 * 5 + (_coordinateDescent ? 0 : s.P * (1 + VectorWavefronts(s)))) * Wavefront)
        + Work.Chain(4 * Latency.WarpReduction);

    // One warp per problem: resident warps per SM, limited by G's shared memory and 64 warp slots, and by the
    // registers (~64 per lane assumed: the PTX check gives the real figure for the gpu branch's kernels).
    public override double ProblemsPerSm(Shape s) =>
        Math.Min(Occupancy.Of(H200.WarpSize, registers: 64, sharedBytes: (int)GramBytes(s) + 2 * (int)(s.P * s.S) * 4).BlocksPerSm,
            H200.ThreadsPerSm / H200.WarpSize);
}

/// <summary>How a block-per-problem kernel holds X and iterates.</summary>
internal enum BlockVariant
{
    /// <summary>FISTA, X in shared memory, each thread a micro-tile of 4 products reusing one operand from a register.</summary>
    FistaSharedDesign,

    /// <summary>FISTA, X spread over the block's registers (n·p/256 values a thread, a near-square tile), shared memory only for operands and partial sums.</summary>
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
    private const int Threads = 256;
    private const double OperandReuse = 4;
    private const double BaseRegisters = 40;
    private readonly BlockVariant _variant;

    public BlockResidual(BlockVariant variant) => _variant = variant;

    public override string Name => _variant switch
    {
        BlockVariant.FistaSharedDesign => "block/problem residual FISTA, X in smem",
        BlockVariant.FistaRegisterDesign => "block/problem residual FISTA, X in registers",
        _ => "block/problem residual CD, X in smem",
    };

    public override string Algorithm => _variant == BlockVariant.CoordinateDescent ? "CD" : "FISTA";

    // Wide designs only (p > n): narrow ones go to the Gram designs.
    public override bool Serves(Shape shape) => shape.Features > shape.Samples
        && SharedBytes(shape) <= H200.SharedMemoryPerBlock && Registers(shape) <= H200.MaxRegistersPerThread;

    // Not in the catalog yet.
    protected override bool Implements(KernelEntry entry, Shape shape) => false;

    private bool DesignInRegisters => _variant == BlockVariant.FistaRegisterDesign;

    /// <summary>X (unless in registers), r, z, β, β⁺ and the block's partial sums (two per thread).</summary>
    private double SharedBytes(Shape s) => ((DesignInRegisters ? 0 : s.N * s.P) + s.N + 3 * s.P + 2 * Threads) * s.S;

    /// <summary>Registers a thread needs: its tile of X (when held there) and ~40 for the rest.</summary>
    private double Registers(Shape s) => BaseRegisters + (DesignInRegisters ? Up(s.N * s.P / Threads) * s.S / 4 : 24);

    /// <summary>The side of a thread's near-square tile of X: √(np/256).</summary>
    private static double TileSide(Shape s) => Math.Sqrt(s.N * s.P / Threads);

    /// <summary>
    /// Shared-memory bytes of one pass (Xz or Xᵀr). X in shared memory: X read once (np·s) plus one operand
    /// wavefront per 4·32 products. X in registers: each thread loads the operands of its tile's columns (or
    /// rows) and writes and reads back its partial sums, ≈ 3·side values a thread.
    /// </summary>
    private double Pass(Shape s) => DesignInRegisters
        ? Threads * s.S * 3 * TileSide(s)
        : s.N * s.P * s.S + s.N * s.P / (32 * OperandReuse) * Wavefront;

    protected override Work ModelSolve(Shape s) =>
        // X, y read once from HBM onto the chip; results written once
        Work.Hbm(s.N * s.P * s.S + s.N * s.S + SettingsBytes + s.P * s.S + ResultBytes)
        + Work.Shared(DesignInRegisters ? 0 : s.N * s.P * s.S)
        // centring and ‖y‖², the step 1/L by ~20 power iterations on X (2 passes each)
        + Work.Flops(3 * s.N * s.P + 20 * 4 * s.N * s.P, s.ScalarBytes) + Work.Shared(20 * 2 * Pass(s))
        + Work.Chain(20 * 2 * (Latency.BlockReduction + s.N * s.P / Threads * Latency.Fma(s)));

    protected override Work ModelIteration(Shape s) => _variant == BlockVariant.CoordinateDescent
        // for each j: Xⱼ·r (n products, block reduction), βⱼ update, r −= XⱼΔ (n products): X column twice,
        // r read twice and written once (5n scalars), 4n flops; chain: a block reduction and an update per coordinate
        ? Work.Flops(4 * s.N * s.P + 6 * s.P, s.ScalarBytes) + Work.Shared(5 * s.N * s.P * s.S)
          + Work.Chain(s.P * (Latency.BlockReduction + Latency.CoordinateUpdate + 2 * Latency.Barrier))
        // r = y − Xz and c = Xᵀr: two passes, 4np flops; prox and momentum ~15p;
        // chain per pass: np/256 dependent FMAs per thread, a block reduction, a barrier
        : Work.Flops(4 * s.N * s.P + s.N + 15 * s.P, s.ScalarBytes)
          + Work.Shared(2 * Pass(s))
          + Work.Chain(2 * (s.N * s.P / Threads * Latency.Fma(s) + Latency.BlockReduction + Latency.Barrier) + Latency.FistaStep);

    protected override Work ModelCheck(Shape s) =>
        // float64 certificate from X on-chip: R = y − Xβ, v = XᵀR (two passes, 4np flops in float64)
        Work.Flops(4 * s.N * s.P + 4 * s.N + 15 * s.P, 8) + Work.Shared(2 * Pass(s))
        + Work.Chain(3 * Latency.BlockReduction + 2 * s.N * s.P / Threads * Latency.Fma64);

    public override double ProblemsPerSm(Shape s) =>
        Occupancy.Of(Threads, registers: (int)Registers(s), sharedBytes: (int)SharedBytes(s)).BlocksPerSm;
}
