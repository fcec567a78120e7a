namespace GpuSparse.Kernels;

/// <summary>
/// The work of one kernel for one problem of n × p in a working precision of <see cref="ElementBytes"/> bytes:
/// what it reads from and writes to device memory (HBM) and the floating-point operations it issues, once per
/// solve, per iteration (a FISTA step or a coordinate-descent sweep) and per gap check. Bytes count every
/// access the kernel issues to global memory (no cache reuse assumed), so they bound the traffic from above.
/// </summary>
/// <param name="ElementBytes">4 (float32) or 8 (float64).</param>
/// <param name="HbmBytesOnce">Device-memory bytes per solve (loading the problem on-chip, writing results).</param>
/// <param name="FlopsOnce">Flops per solve outside the iterations (forming G and c).</param>
/// <param name="HbmBytesPerIteration">Device-memory bytes per iteration.</param>
/// <param name="FlopsPerIteration">Flops per iteration.</param>
/// <param name="SharedBytesPerIteration">Shared-memory bytes per iteration (on-chip kernels).</param>
/// <param name="HbmBytesPerCheck">Device-memory bytes per gap check.</param>
/// <param name="FlopsPerCheck">Flops per gap check (float64).</param>
public sealed record KernelCost(int ElementBytes, double HbmBytesOnce, double FlopsOnce, double HbmBytesPerIteration,
    double FlopsPerIteration, double SharedBytesPerIteration, double HbmBytesPerCheck, double FlopsPerCheck);

/// <summary>
/// The per-problem cost formulas of every kernel of <see cref="KernelCatalog"/>, as functions of (n, p, precision),
/// read by the cost-model generator (benchmarks/gpu). A multiply-add counts as 2 flops.
/// </summary>
public static class KernelCostModel
{
    /// <summary>The cost of <paramref name="entry"/> for one problem of <paramref name="samples"/> × <paramref name="features"/>.</summary>
    /// <param name="entry">A catalog entry.</param>
    /// <param name="samples">n.</param>
    /// <param name="features">p.</param>
    /// <param name="elementBytes">4 or 8 (the entry's precision; the gap kernels always compute in float64).</param>
    public static KernelCost For(KernelEntry entry, int samples, int features, int elementBytes)
    {
        var cost = Plain(entry.Name.EndsWith(KernelCatalog.ResidentSuffix, StringComparison.Ordinal)
            ? entry.Name[..^KernelCatalog.ResidentSuffix.Length] : entry.Name, samples, features, elementBytes);
        if (!entry.Name.EndsWith(KernelCatalog.ResidentSuffix, StringComparison.Ordinal))
            return cost;
        // fused with a resident session's start, once per call and problem: the expansion reads λ, r (16 B) and per
        // coordinate six penalty factors (shared design: from cache), writes l1, l2 (and z on FISTA's engines), reads the
        // explicit start and writes β; 4 multiplications per weight. The carry reads sⱼ, the flags, β or the best, and
        // writes the best and β; one division and one multiplication per coordinate.
        double p = features, s = elementBytes;
        return cost with
        {
            HbmBytesOnce = cost.HbmBytesOnce + 16 + p * (5 * s + 48) + p * (3 * s + 12),
            FlopsOnce = cost.FlopsOnce + 2 + 8 * p + 2 * p,
        };
    }

    // The cost of a kernel without a resident session's start.
    private static KernelCost Plain(string name, int samples, int features, int elementBytes)
    {
        double n = samples, p = features, s = elementBytes;
        // The block kernels' checks (every placement): R = y − Xβ by a thread a row (2np + 3n flops: the dot, R, R², R·y),
        // v = XᵀR by a thread a column (2np), the gap's terms (~20p), the sums over the lanes and the warps (4 sums of
        // 5 levels a warp of 32, 4 warps) and the formula (~10)
        double blockCheckFlops = 4 * n * p + 3 * n + 20 * p + 4 * 5 * KernelCatalog.CudaBlockSize + 10;
        if (name.StartsWith(KernelCatalog.BlockGlobalPrefix, StringComparison.Ordinal))
            // everything in global memory (a state beyond 48 KB): once per launch step, t/n, momentum and status read and
            // the momentum written, 7 certificate scalars read and written and the finish count; per step, device memory:
            // X and z per row (2np), y read and r written (2n); X and r per column (2np), z, l1, l2 read and β⁺ written
            // (4p); thread 0's restart test reads z, β⁺, β (3p); z written and β⁺, β read (3p), β written and β⁺ read
            // (2p). c stays in a register. Shared memory: the restart decision (weight and flag) written by thread 0 and
            // read by every thread. Per check, device memory: X and β per row (2np), y (n), R written (8n); X and R per
            // column (np + 8np), v written (8p), β, l1, l2 read (3p) and again l1, l2, v (2p + 8p); the best iterate
            // copied from β (2p) at most. The thread-per-row passes read X through a tile in shared memory (GlobalDesign:
            // a line a row, not a sector a lane): np written and np read a pass, conflict-free.
            return new KernelCost(elementBytes,
                HbmBytesOnce: s * 4 + 4 + 120,
                FlopsOnce: 0,
                HbmBytesPerIteration: s * (4 * n * p + 2 * n + 12 * p),
                FlopsPerIteration: 4 * n * p + n + 14 * p + 10,
                SharedBytesPerIteration: s * (2 * KernelCatalog.CudaBlockSize + 2 + 2 * n * p),
                HbmBytesPerCheck: s * (3 * n * p + n + 7 * p) + 8 * n * p + 8 * n + 16 * p,
                FlopsPerCheck: blockCheckFlops);
        if (name.StartsWith("block-fista-iteration", StringComparison.Ordinal))
        {
            // z, β, β⁺, the best iterate, l1, l2, y, r and the checks' R and v in shared memory for the launch (windows of
            // 1, 2, 4, … check intervals), X too unless the name says it is read from global memory: once per launch, X
            // (np, when staged), y (n), β, z, the best, l1, l2 (5p), step, t/n, momentum and status read, β, z and the
            // best (3p) and the momentum written, 7 certificate scalars read and written and the finish count. Per step, shared memory as each thread
            // accesses it (a thread per row, then per column, of the 128): z per row and r per column (2np), y read and r
            // written (2n), z, l1, l2, β read and β⁺ written (5p) and the restart test's terms written in float64 (8p
            // bytes) by the columns' owners, the p terms summed by thread 0 (each load one 128-byte wavefront) and its
            // decision written (2) and read by every thread (2·128), z written and β⁺, β read (3p), β written and β⁺
            // read (2p); X twice from shared memory when staged (the thread-per-row pass in the wavefronts its bank
            // conflicts take, SharedMemoryBanks.RowPassWavefronts: rows an odd stride apart, PaddedStagedDesign, so none;
            // the column pass np), from device memory
            // otherwise, the row pass through a tile in shared memory (GlobalDesign: np written and np read,
            // conflict-free). Flops as the thread-per-problem step. A check reads X twice more (R by rows, v by columns): from
            // shared memory when staged (no device memory at all), from device memory otherwise (2np).
            bool staged = !name.StartsWith(KernelCatalog.BlockGlobalDesignPrefix, StringComparison.Ordinal);
            double threads = KernelCatalog.CudaBlockSize, design = 2 * n * p * s;
            double stagedPasses = SharedMemoryBanks.WavefrontBytes * (double)SharedMemoryBanks.RowPassWavefronts(samples, features, default(OnChip.PaddedStagedDesign).RowStride(features), elementBytes)
                + n * p * s;
            return new KernelCost(elementBytes,
                HbmBytesOnce: s * ((staged ? n * p : 0) + n + 8 * p + 4) + 124,
                FlopsOnce: 0,
                HbmBytesPerIteration: staged ? 0 : design,
                FlopsPerIteration: 4 * n * p + n + 14 * p + 10,
                SharedBytesPerIteration: s * (2 * n * p + 2 * n + 10 * p + 2 * threads + 2) + 8 * p + 128 * p
                    + (staged ? stagedPasses : 2 * n * p * s),
                HbmBytesPerCheck: staged ? 0 : design,
                FlopsPerCheck: blockCheckFlops);
        }
        if (name.StartsWith("register-fista", StringComparison.Ordinal))
        {
            // a block of W = ⌈n/7⌉ warps of 32 (T threads), each thread a 7 × 7 tile of X (padded with zeros to 7W × 224)
            double warps = OnChip.RegisterFistaKernel.Warps(samples), lanes = KernelCatalog.CudaWarpSize, threads = warps * lanes;
            double tile = OnChip.RegisterFistaKernel.RowsPerThread * OnChip.RegisterFistaKernel.ColumnsPerThread, levels = Math.Log2(lanes);
            return new KernelCost(elementBytes,
                // once per launch: X, y, l1, l2, z, β, best read (np + n + 5p) and β, z, best written (3p); step, t/n,
                // momentum, status; 7 certificate scalars read and written, the finish count
                HbmBytesOnce: s * (n * p + n + 8 * p + 4) + 120,
                FlopsOnce: 0,
                HbmBytesPerIteration: 0,
                // issued by every thread on its padded tile: X z (2·49), its 7 row sums over the lanes (7·5 adds),
                // r = y − Xz (7), Xᵀr (2·49), the restart test (3·7 and a lane sum of 5) and the extrapolation (3·7);
                // once per padded column (32·7), by its owner: c summed over the warps (W adds), t·l1, t·l2 and the prox
                // (2 + 4); the momentum (~10, once)
                FlopsPerIteration: threads * (4 * tile + 7 * levels + 7 + 21 + levels + 21) + lanes * 7 * (warps + 6) + 10,
                // per thread: its 7 partials of c stored, 7 of β⁺ and 7 of y read, and its shuffles (a 32-lane exchange of
                // one value is a wavefront, as a load): the 7 row sums' and the restart test's butterflies (8·5 levels);
                // per padded column, by its owner: its W partials, l1 and l2 read, β⁺ stored
                SharedBytesPerIteration: threads * s * (21 + 8 * levels) + lanes * 7 * s * (warps + 3),
                // the best iterate stays in shared memory until the launch ends
                HbmBytesPerCheck: 0,
                // R = y − Xβ and v = XᵀR in float64 on the padded tile (4·49 + 7·5 + 7 + 4·7 a thread), v summed over
                // the warps by warp 0 (7W·32), the gap's terms on warp 0's lanes over their 7 slots (~10 each) and its
                // three sums over the lanes (3·5 adds a lane)
                FlopsPerCheck: threads * (4 * tile + 7 * levels + 7 + 28) + 7 * warps * lanes + 10 * tile / 7 * lanes + 3 * levels * lanes);
        }
        if (name.StartsWith("fista-iteration", StringComparison.Ordinal))
            // r = y − Xz: X (np), z reloaded per row (np), y and r (2n); c = Xᵀr: X again (np), c read-modify-write
            // (2np), r (n), zeroing c (p); prox: z, c, l1, l2 read, β⁺ written (5p); extrapolation: z, β⁺, β (3p) twice,
            // z written (p); β = β⁺ (2p); step, t/n, momentum, status (4 scalars)
            return new KernelCost(elementBytes, 0, 0,
                HbmBytesPerIteration: s * (5 * n * p + 4 * n + 14 * p + 4),
                FlopsPerIteration: 4 * n * p + n + 14 * p + 10,
                SharedBytesPerIteration: 0, HbmBytesPerCheck: 0, FlopsPerCheck: 0);
        if (name.StartsWith("gap", StringComparison.Ordinal))
            // R = y − Xβ: X and β per row (2np·s), y (n·s), R written and read (16n); v = XᵀR: X (np·s), v
            // read-modify-write (16np) and zeroed (8p); combination: β, l1, l2 twice (6p·s), v twice (16p); best β
            // copied (2p·s) at most; 8 certificate scalars
            return new KernelCost(elementBytes, 0, 0, 0, 0, 0,
                HbmBytesPerCheck: s * (3 * n * p + n + 8 * p) + 16 * n + 16 * n * p + 24 * p + 64,
                FlopsPerCheck: 4 * n * p + 3 * n + 20 * p + 10);
        if (name.StartsWith(KernelCatalog.SharedGlobalPrefix, StringComparison.Ordinal))
        {
            // the shared-gram-cd kernel with X read from global memory (no staging): per launch and group, the threads
            // forming G read X (its lines shared by the group through L1) and the warps forming c read it again, n·p each
            // (X, shared by every group, stays in L2: counted as device memory, an upper bound on HBM); the rest as below
            var perProblem = Plain("gram-cd", samples, features, elementBytes);
            double warps = Math.Max(1, OnChip.SharedGramCoordinateDescentKernel.Warps(samples, features, KernelCatalog.CudaWarpSize,
                KernelCatalog.CudaSharedGramBlockSize, elementBytes, OnChip.DesignPlacement.GlobalMemory));
            return perProblem with
            {
                HbmBytesOnce = s * (2 * n * p / warps + n + 5 * p) + 80,
                FlopsOnce = n * p * (p + 1) / warps + 2 * n * p + 2 * n,
            };
        }
        if (name.StartsWith("shared-gram-cd", StringComparison.Ordinal))
        {
            // the gram-cd kernel's sweeps and checks, with X staged and G formed once per group of W warps (W problems:
            // W at the largest group that fits on CUDA): per launch and problem, X (n·p) and G's upper half
            // (np(p + 1) flops) a W-th each; y, l1, l2, β read, β and best written, 5 certificate scalars; c and
            // ‖y‖² (2np + 2n) per problem. Checks below the trusted tolerance read X from shared memory (not HBM).
            var perProblem = Plain("gram-cd", samples, features, elementBytes);
            double warps = Math.Max(1, OnChip.SharedGramCoordinateDescentKernel.Warps(samples, features, KernelCatalog.CudaWarpSize,
                KernelCatalog.CudaSharedGramBlockSize, elementBytes, OnChip.DesignPlacement.SharedMemory));
            return perProblem with
            {
                HbmBytesOnce = s * (n * p / warps + n + 5 * p) + 80,
                FlopsOnce = n * p * (p + 1) / warps + 2 * n * p + 2 * n,
            };
        }
        if (name.StartsWith("gram-cd", StringComparison.Ordinal))
            // once per launch: X, y (n·p + n), l1, l2, β (3p) read, β and best written (2p), 5 certificate scalars
            // read and written; G (np(p + 1) flops: its upper half) and c, ‖y‖² (2np + 2n).
            // per sweep, on-chip only: per coordinate the prox (~8 flops) and q += Δ·Gⱼ (2p flops; every coordinate
            // moves in the worst case), row j of G read from the packed upper half in shared memory (8p bytes, in the
            // wavefronts its bank conflicts take: SharedMemoryBanks.GramSweepWavefronts) and q read-modify-written (2p·s).
            // per Gram-form check: q = c − Gβ (2p² flops, 8p² shared bytes), βᵀc, βᵀq and the gap's terms (~24p), their
            // four sums over the warp's lanes (4·5 adds a lane);
            // the best iterate written when the gap improves (p·s). Checks below the trusted tolerance add 4np flops and
            // read X twice (2np·s), y and R (n·s + 16n).
            return new KernelCost(elementBytes,
                HbmBytesOnce: s * (n * p + n + 5 * p) + 80,
                FlopsOnce: n * p * (p + 1) + 2 * n * p + 2 * n,
                HbmBytesPerIteration: 0,
                FlopsPerIteration: p * (2 * p + 8),
                SharedBytesPerIteration: SharedMemoryBanks.WavefrontBytes * (double)SharedMemoryBanks.GramSweepWavefronts(features)
                    + p * (2 * p * s + 4 * s),
                HbmBytesPerCheck: s * p,
                FlopsPerCheck: 2 * p * p + 24 * p + 4 * Math.Log2(KernelCatalog.CudaWarpSize) * KernelCatalog.CudaWarpSize);
        if (name.StartsWith("resident-carry-active", StringComparison.Ordinal))
            // once per cancelled call and problem: status and two gaps; per coordinate sⱼ, the flags, β read, the best and β written
            return new KernelCost(elementBytes, HbmBytesOnce: 20 + p * (3 * s + 12), FlopsOnce: 2 * p, 0, 0, 0, 0, 0);
        if (name == "compaction")
            return new KernelCost(elementBytes, 0, 0, 0, 0, 0, HbmBytesPerCheck: 12, FlopsPerCheck: 0);
        throw new ArgumentException($"no cost formula for kernel '{name}'", nameof(name));
    }
}
