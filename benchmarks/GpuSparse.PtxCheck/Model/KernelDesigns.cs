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
/// Today's kernels (<c>IterationKernel</c> + <c>GapKernel</c>): one thread per problem, the problem-minor layout,
/// β, z, β⁺, r and c in global memory. <see cref="Iteration"/> counts every generic load and store as HBM
/// traffic (nothing caught by L1/L2: the upper bound, the issue's ≈ 88 KB for 64 × 32 float64); <see cref="Compulsory"/>
/// is the lower bound (X twice, every vector once).
/// </summary>
internal sealed class ThreadPerProblemFista : KernelDesign
{
    public override string Name => "thread/problem FISTA (today)";
    public override string Algorithm => "FISTA";
    public override string Kernels => "iteration.*, gap.*, compaction";
    public override bool Serves(Shape shape) => true;

    // In: X_w, y_c, L1 and L2 per coordinate, t and t/n; certificate: gap tolerance and null objective (float64).
    public override double HostIn(Shape s) => (s.N * s.P + s.N + 2 * s.P + 2) * s.S + 16;

    // Reading X once for the first check and writing β (best iterate) back.
    public override Work Solve(Shape s) => Work.Hbm(s.P * s.S);

    public override Work Iteration(Shape s) =>
        // r = y − Xz: X (np), z reloaded per (i, j) (np), y (n), r written (n);
        // c = Xᵀr: c zeroed (p), r read per i (n), X again (np), c read and written per (i, j) (2np);
        // β⁺ = prox(z + (t/n)c): z, c, L1, L2 read (4p), β⁺ written (p);
        // FISTA: uphill pass z, β⁺, β (3p), z update β⁺, β read, z written (3p), β = β⁺ (2p)
        Work.Hbm((5 * s.N * s.P + 3 * s.N + 15 * s.P) * s.S)
        // Xz and Xᵀr: 2np FMAs (4np flops); r: n; prox 5p; FISTA 6p + momentum ~8
        + Work.Flops(4 * s.N * s.P + s.N + 11 * s.P + 8, s.ScalarBytes);

    /// <summary>The compulsory HBM bytes of one iteration: X twice, y, r written and read, five p-vectors.</summary>
    public static double Compulsory(Shape s) => (2 * s.N * s.P + 3 * s.N + 8 * s.P) * s.S;

    public override Work Check(Shape s) =>
        // R = y − Xβ in float64: X, β per (i, j) (2np), y (n), R written (n·8);
        // v = XᵀR: v zeroed (p·8), R read (n·8), X again (np), v read and written per (i, j) (2np·8);
        // penalty and conjugate: β, L1, L2 (3p), v twice (2p·8); best-iterate copy β → best (2p)
        Work.Hbm((3 * s.N * s.P + s.N + 5 * s.P) * s.S + (2 * s.N * s.P + 2 * s.N + 3 * s.P) * 8)
        + Work.Flops(4 * s.N * s.P + 4 * s.N + 15 * s.P, 8);

    // Bandwidth-bound: latency is hidden by the thousands of independent problems.
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
    public override string Kernels => "warp-per-problem Gram kernels (gpu branch)";
    public override bool Serves(Shape shape) => shape.Features <= 64 && GramBytes(shape) <= H200.SharedMemoryPerBlock;

    /// <summary>G in shared memory, p² scalars.</summary>
    private static double GramBytes(Shape s) => s.P * s.P * s.S;

    /// <summary>Loads of one p-vector of shared memory by the warp (lane l reads element l and l + 32).</summary>
    private static double VectorWavefronts(Shape s) => Up(s.P / 32) * 32 * s.S / Wavefront;

    public override Work Solve(Shape s) =>
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

    public override Work Iteration(Shape s) => _coordinateDescent
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

    public override Work Check(Shape s) =>
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

/// <summary>
/// Block per problem on the residual form for wide designs (p &gt; n): X (n × p) in shared memory for the whole
/// solve, 256 threads, each thread a micro-tile of 4 products that reuses one operand (zⱼ or rᵢ) from a register.
/// One iteration is a FISTA step (two passes over X) or a CD sweep (per coordinate, a block reduction).
/// </summary>
internal sealed class BlockResidual : KernelDesign
{
    private const int Threads = 256;
    private const double OperandReuse = 4;
    private readonly bool _coordinateDescent;

    public BlockResidual(bool coordinateDescent) => _coordinateDescent = coordinateDescent;

    public override string Name => _coordinateDescent ? "block/problem residual CD, X in smem" : "block/problem residual FISTA, X in smem";
    public override string Algorithm => _coordinateDescent ? "CD" : "FISTA";
    public override string Kernels => "block-per-problem wide kernels (gpu branch)";
    public override bool Serves(Shape shape) => SharedBytes(shape) <= H200.SharedMemoryPerBlock;

    /// <summary>X, and r, z, β, β⁺ and the block's partial sums: n·p + n + 3p + 256 scalars.</summary>
    private static double SharedBytes(Shape s) => (s.N * s.P + s.N + 3 * s.P + Threads) * s.S;

    /// <summary>One pass over X in shared memory (Xz or Xᵀr): X read once (np·s bytes) plus one operand load per 4 products.</summary>
    private static double Pass(Shape s) => s.N * s.P * s.S + s.N * s.P / (32 * OperandReuse) * Wavefront;

    public override Work Solve(Shape s) =>
        // X, y read once from HBM into shared memory; results written once
        Work.Hbm(s.N * s.P * s.S + s.N * s.S + SettingsBytes + s.P * s.S + ResultBytes)
        + Work.Shared(s.N * s.P * s.S)
        // centring and ‖y‖², the step 1/L by ~20 power iterations on X (2 passes each)
        + Work.Flops(3 * s.N * s.P + 20 * 4 * s.N * s.P, s.ScalarBytes) + Work.Shared(20 * 2 * Pass(s))
        + Work.Chain(20 * 2 * (Latency.BlockReduction + s.N * s.P / Threads * Latency.Fma(s)));

    public override Work Iteration(Shape s) => _coordinateDescent
        // for each j: Xⱼ·r (n products, block reduction), βⱼ update, r −= XⱼΔ (n products): X column twice,
        // r read twice and written once (5n scalars), 4n flops; chain: a block reduction and an update per coordinate
        ? Work.Flops(4 * s.N * s.P + 6 * s.P, s.ScalarBytes) + Work.Shared(5 * s.N * s.P * s.S)
          + Work.Chain(s.P * (Latency.BlockReduction + Latency.CoordinateUpdate + 2 * Latency.Barrier))
        // r = y − Xz and c = Xᵀr: two passes, 4np flops; prox and momentum ~15p; partial sums through shared memory;
        // chain per pass: np/256 dependent FMAs per thread, a block reduction, a barrier
        : Work.Flops(4 * s.N * s.P + s.N + 15 * s.P, s.ScalarBytes)
          + Work.Shared(2 * Pass(s) + 2 * Threads * s.S * 2)
          + Work.Chain(2 * (s.N * s.P / Threads * Latency.Fma(s) + Latency.BlockReduction + Latency.Barrier) + Latency.FistaStep);

    public override Work Check(Shape s) =>
        // float64 certificate from X in shared memory: R = y − Xβ, v = XᵀR (two passes, 4np flops in float64)
        Work.Flops(4 * s.N * s.P + 4 * s.N + 15 * s.P, 8) + Work.Shared(2 * Pass(s))
        + Work.Chain(3 * Latency.BlockReduction + 2 * s.N * s.P / Threads * Latency.Fma64);

    public override double ProblemsPerSm(Shape s) =>
        Occupancy.Of(Threads, registers: 64, sharedBytes: (int)SharedBytes(s)).BlocksPerSm;
}
