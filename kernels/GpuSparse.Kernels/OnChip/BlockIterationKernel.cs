using System.Numerics;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Certificates;
using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Kernels.Steps;
using ILGPU;

namespace GpuSparse.Kernels.OnChip;

/// <summary>
/// ISTA/FISTA with a thread block per problem and its gap checks in the same launch, for problems too wide for the
/// Gram and register kernels (e.g. 64 × 256, 100 × 500): at the launch's start the block copies its problem's z, β,
/// the best iterate, l1, l2 and y_c into shared memory, and X too where both fit (<see cref="Placement"/>); every step
/// and every check then reads and writes r, β⁺, z, β and the check's float64 R and v there only, and the launch ends
/// by writing z, β and the best iterate back for the next launch (the momentum and the check record stay in thread
/// 0's registers). A launch covers the iterations of <see cref="GramWindow"/> (its trusted tolerance unused), over
/// several check intervals, as <see cref="RegisterFistaKernel"/>.
/// </summary>
/// <remarks>
/// Steps: the residual's rows are split over the threads (read through a tile in shared memory where X_w is in global
/// memory, <see cref="GlobalDesign"/>), then the correlations' columns; every sum runs in the
/// reference iteration's order and expressions (row dots in ascending j, column sums in ascending i, the restart test
/// in ascending j on thread 0), so iterates are the reference's to the last bit wherever the device rounds like the
/// CPU, as for <see cref="IterationKernel"/>, in every placement.
/// Checks: R = y_c − X_wβ by a thread a row and v = X_wᵀR by a thread a column in float64 from X where it lies, in
/// <see cref="GapKernel"/>'s order and expressions (so R and v are its bits); <see cref="DualityGapFormula"/>'s terms
/// and ‖R‖², R·y_c are summed by each thread over its columns (rows), over each warp's lanes (<see cref="WarpGapTerms"/>)
/// and then over the warps in ascending order through shared memory, so the gap agrees with the gap kernel's to
/// rounding (tree-order sums), not bits; <see cref="CheckRecord"/> and its verdict are kept by thread 0.
/// </remarks>
public static class BlockIterationKernel
{
    /// <summary>The shared memory a group may take: the 48 KB a CUDA launch gets without opting in to more.</summary>
    public const int MaxSharedBytes = 48 * 1024;

    /// <summary>The most warps a group has (its threads are at most <see cref="MaxWarps"/> warps, and at most <see cref="MaxThreads"/>).</summary>
    public const int MaxWarps = 4;

    /// <summary>The most threads a group has.</summary>
    public const int MaxThreads = 128;

    /// <summary>
    /// The doubles after X and the state: the restart hand-off of thread 0 (the weight and the flag), each warp's
    /// check sums (the penalty sum, the scaling s, ‖R‖², R·y_c, the conjugate sum: 5 a warp, for <see cref="MaxWarps"/>)
    /// and the check's verdict handed to the block (whether β is the best iterate, the status).
    /// </summary>
    public const int HandOffDoubles = RestartDoubles + WarpSums * MaxWarps + VerdictDoubles;

    // Thread 0's restart decision: the weight and the flag.
    private const int RestartDoubles = 2;

    // The check's sums a warp hands over: penalty, s, ‖R‖², R·y_c, conjugate.
    private const int WarpSums = 5;

    // The check's verdict thread 0 hands over: whether β is the best iterate, the status.
    private const int VerdictDoubles = 2;

    /// <summary>
    /// Where the group keeps X_w and the state for problems of n × p with <paramref name="elementBytes"/>-byte values:
    /// both in shared memory where they fit <see cref="MaxSharedBytes"/> (with <see cref="HandOffDoubles"/>), else the
    /// state alone where it fits with the tile X_w's rows are read through, else neither (the one size rule of the engine).
    /// </summary>
    public static BlockPlacement Placement(int samples, int features, int elementBytes) =>
        SharedDoubles(BlockPlacement.DesignAndState, samples, features, elementBytes) * sizeof(double) <= MaxSharedBytes ? BlockPlacement.DesignAndState
        : SharedDoubles(BlockPlacement.State, samples, features, elementBytes) * sizeof(double) <= MaxSharedBytes ? BlockPlacement.State
        : BlockPlacement.GlobalMemory;

    /// <summary>
    /// The shared memory of a group in <paramref name="placement"/>, in doubles: X_w where it is staged, the state where
    /// it is, the hand-off, and the tile of the thread-per-row passes where X_w is read from global memory.
    /// </summary>
    public static int SharedDoubles(BlockPlacement placement, int samples, int features, int elementBytes)
    {
        long doubles = HandOffDoubles + placement switch
        {
            BlockPlacement.DesignAndState => (long)default(PaddedStagedDesign).DesignDoubles(samples, features, elementBytes)
                + default(StagedState).StateDoubles(samples, features, elementBytes),
            BlockPlacement.State => (long)default(StagedState).StateDoubles(samples, features, elementBytes)
                + default(GlobalDesign).RowTileDoubles(samples, features, elementBytes),
            _ => default(GlobalDesign).RowTileDoubles(samples, features, elementBytes),
        };
        return (int)Math.Min(doubles, int.MaxValue);
    }

    /// <summary>The threads of a group on a device with warps of <paramref name="warpSize"/>: whole warps, at most <see cref="MaxWarps"/> and <see cref="MaxThreads"/>.</summary>
    public static int GroupSize(int warpSize, int maxThreadsPerGroup) =>
        Math.Max(warpSize, Math.Min(Math.Min(maxThreadsPerGroup, MaxThreads), MaxWarps * warpSize) / warpSize * warpSize);

    /// <summary>The kernel's placement type arguments (X_w's, the state's) for <paramref name="placement"/>.</summary>
    public static (Type Design, Type State) PlacementTypes(BlockPlacement placement) => placement switch
    {
        BlockPlacement.DesignAndState => (typeof(PaddedStagedDesign), typeof(StagedState)),
        BlockPlacement.State => (typeof(GlobalDesign), typeof(StagedState)),
        _ => (typeof(GlobalDesign), typeof(GlobalState)),
    };

    /// <summary>The kernel: group g solves problem k (see <see cref="IterateViews{T}.Problem"/>) over the iterations of <paramref name="window"/>.</summary>
    /// <param name="problem">The problems' data.</param>
    /// <param name="state">The iteration state (for ISTA, <see cref="IterateViews{T}.Z"/> is <see cref="IterateViews{T}.Beta"/>).</param>
    /// <param name="certificate">The certificate state (its scratch R and v used where the state is in global memory).</param>
    /// <param name="window">The iterations of this launch and the stopping options.</param>
    /// <param name="accelerated">1 for FISTA, 0 for ISTA.</param>
    /// <param name="start">What the problem's first check and its end also do (<see cref="IProblemStart{T}"/>: thread t its columns t, t + T, …).</param>
    public static void Run<T, TPenalty, TPrecision, TStart, TDesign, TState>(ProblemViews<T> problem, IterateViews<T> state,
        CertificateViews certificate, GramWindow window, int accelerated, TStart start)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
        where TPrecision : struct, IWorkingPrecision<T>
        where TStart : struct, IProblemStart<T>
        where TDesign : struct, IDesignPlacement, IRowReads
        where TState : struct, IBlockState
    {
        int k = state.Problem(Grid.IdxX);
        if (state.Status[k] != BatchStatus.Active)
            return;
        int thread = Group.IdxX, threads = Group.DimX;
        int n = problem.Samples, p = problem.Features, b0 = problem.Coordinate(k, 0);
        // a resident start is expanded in device memory by thread t its coordinates t, t + T, …, then read by all
        if (ProblemStartHooks.Begin<T, TPrecision, TStart>(start, k, window.StartIteration, thread, threads, p))
            Group.Barrier();
        var shared = SharedMemory.GetDynamic<double>();
        var designPlacement = default(TDesign);
        var statePlacement = default(TState);
        int designDoubles = designPlacement.DesignDoubles(n, p, Interop.SizeOf<T>());
        int stateDoubles = statePlacement.StateDoubles(n, p, Interop.SizeOf<T>());
        // X_w staged (consecutive threads copy consecutive values of the problem's contiguous X) or read where it lies;
        // the state copied in after it, or its global views; then the restart hand-off (weight, flag), the warps' check
        // sums and the verdict
        var placed = designPlacement.Place(problem.Design.SubView(problem.DesignOffset(k), n * p), shared.SubView(0, designDoubles), n, p, thread, threads);
        var design = new DeviceView<T>(placed);
        int stride = designPlacement.RowStride(p);
        var vectors = statePlacement.Open(problem, state, certificate, k, shared.SubView(designDoubles, stateDoubles), accelerated, thread, threads);
        var handOff = shared.SubView(designDoubles + stateDoubles, RestartDoubles).Cast<T>();
        var checkSums = shared.SubView(designDoubles + stateDoubles + RestartDoubles, HandOffDoubles - RestartDoubles);
        var rows = new RowPass<T, TDesign>(placed, shared, designDoubles + stateDoubles + HandOffDoubles, n, p);
        Group.Barrier();
        T step = problem.Step[k], stepOverN = problem.StepOverN[k];
        T momentum = state.Momentum[k];
        DeviceView<T> z = vectors.Z, next = vectors.Next, beta = vectors.Beta, residual = vectors.Residual;
        DeviceView<double> uphillTerms = vectors.CheckCorrelation;
        var wide = default(TPrecision);
        // thread 0 keeps the check record: resumed right after a check, that check's record
        var record = thread == 0 && window.StartIteration != 0 ? certificate.Record(k) : default;
        int iteration = window.StartIteration, status = BatchStatus.Active;
        // a launch starts with a check unless it resumes right after one (whose verdict was Active)
        bool checkDue = iteration == 0;
        while (true)
        {
            if (checkDue)
                status = Check<T, TPenalty, TPrecision, TDesign>(design, stride, rows, vectors, checkSums, ref record, n, p, iteration,
                    iteration == 0 ? certificate.NullObjective[k] : double.NaN, certificate.GapTolerance[k], iteration >= window.MaxIterations);
            if (status != BatchStatus.Active || iteration >= window.EndIteration)
                break;
            int checkAt = Math.Min(window.MaxIterations, iteration + window.CheckInterval);
            for (; iteration < checkAt; iteration++)
            {
                // r = y_c − X_w z (thread per row, its dot in ascending j over the row's tiles)
                for (int first = 0; first < n; first += threads)
                {
                    T dot = T.Zero;
                    for (int column = 0; column < p; column += rows.Width)
                        dot = rows.Dot(dot, z, first, column, thread, threads);
                    if (first + thread < n)
                        residual[first + thread] = vectors.Response[first + thread] - dot;
                }
                Group.Barrier();
                // c = X_wᵀ r (thread per column, ascending i); β⁺ = prox(z + (t/n)·c); for FISTA the restart test's
                // term (zⱼ − β⁺ⱼ)·(β⁺ⱼ − βⱼ) by the coordinate's owner, into the check's v (free between checks)
                for (int j = thread; j < p; j += threads)
                {
                    T c = ProximalGradientStep.Correlation<T, DeviceView<T>>(design, residual, j, n, stride);
                    T zj = z[j], forward = ProximalGradientStep.Forward<T, TPenalty>(zj, c, step, stepOverN, vectors.L1[j], vectors.L2[j]);
                    next[j] = forward;
                    if (accelerated != 0)
                        uphillTerms[j] = wide.ToDouble(FistaStep.UphillTerm(zj, forward, beta[j]));
                }
                Group.Barrier();
                if (accelerated != 0)
                {
                    if (thread == 0)
                    {
                        // uphill = Σⱼ (zⱼ − β⁺ⱼ)·(β⁺ⱼ − βⱼ) in ascending j (FistaStep.Uphill's sum of the same terms: one
                        // load a term for thread 0, not three); t_{k+1} = (1 + √(1 + 4t_k²))/2 and the weight
                        // (t_k − 1)/t_{k+1}, or t = 1 on a restart, handed to the block in shared memory
                        T uphillSum = T.Zero;
                        for (int j = 0; j < p; j++)
                            uphillSum += wide.FromDouble(uphillTerms[j]);
                        bool uphill = uphillSum > T.Zero;
                        T extrapolation = T.Zero;
                        momentum = uphill ? T.One : FistaStep.Advance(momentum, out extrapolation);
                        handOff[0] = extrapolation;
                        handOff[1] = uphill ? T.One : T.Zero;
                    }
                    Group.Barrier();
                    T weight = handOff[0];
                    bool restart = handOff[1] != T.Zero;
                    // z = β⁺ + weight·(β⁺ − β), or z = β⁺ on restart
                    for (int j = thread; j < p; j += threads)
                        z[j] = FistaStep.Point(next[j], beta[j], weight, restart);
                }
                // β = β⁺ (for ISTA z is β, so z = β⁺ as well)
                for (int j = thread; j < p; j += threads)
                    beta[j] = next[j];
                Group.Barrier();
            }
            checkDue = true;
        }
        // β, z and the best iterate back to global memory (each thread the coordinates it wrote), then a resident
        // session's carry of the retired problem by the same threads; t_k, the record and the verdict by thread 0
        statePlacement.Close(vectors, state, b0, p, accelerated, thread, threads);
        ProblemStartHooks.Finish<T, TPrecision, TStart>(start, k, status, record.Gap, record.BestGap, thread, threads, p);
        if (thread != 0)
            return;
        state.Momentum[k] = momentum;
        certificate.Store(k, record);
        certificate.Finish(state.Status, k, status, iteration);
    }

    /// <summary>
    /// The check at β: (gap, objective) in float64, <paramref name="record"/> updated by thread 0
    /// (<see cref="CheckRecord.RecordAt"/>, with <paramref name="nullObjective"/> for the first), β copied to the best
    /// iterate where it is the record's best, and the verdict (the same on every thread) returned.
    /// </summary>
    private static int Check<T, TPenalty, TPrecision, TDesign>(DeviceView<T> design, int stride, RowPass<T, TDesign> rows, BlockVectors<T> vectors,
        ArrayView<double> checkSums, ref CheckRecord record, int n, int p, int iteration, double nullObjective, double tolerance, bool spent)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
        where TPrecision : struct, IWorkingPrecision<T>
        where TDesign : struct, IDesignPlacement, IRowReads
    {
        int thread = Group.IdxX, threads = Group.DimX;
        int lanes = Warp.WarpSize, warp = Warp.WarpIdx, warps = threads / lanes;
        var wide = default(TPrecision);
        DeviceView<T> beta = vectors.Beta;
        DeviceView<double> residual = vectors.CheckResidual, correlation = vectors.CheckCorrelation;
        // no barrier first: the last step (or the launch's copies) ended with one. R = y_c − X_wβ (thread per row, the
        // dot in ascending j over the row's tiles), ‖R‖² and R·y_c over the thread's rows
        double residualNorm2 = 0, residualDotY = 0;
        for (int first = 0; first < n; first += threads)
        {
            double acc = 0;
            for (int column = 0; column < p; column += rows.Width)
                acc = rows.WideDot<TPrecision>(acc, beta, first, column, thread, threads);
            int i = first + thread;
            if (i >= n)
                continue;
            double yi = wide.ToDouble(vectors.Response[i]);
            double ri = yi - acc;
            residual[i] = ri;
            residualNorm2 += ri * ri;
            residualDotY += ri * yi;
        }
        Group.Barrier();
        // v = X_wᵀR (thread per column, ascending i), and the penalty terms and scaling bounds of the thread's columns
        var terms = WarpGapTerms.Empty;
        for (int j = thread; j < p; j += threads)
        {
            double vj = 0;
            for (int i = 0; i < n; i++)
                vj += wide.ToDouble(design[i * stride + j]) * residual[i];
            correlation[j] = vj;
            terms = terms.AddPrimal<TPenalty>(wide.ToDouble(beta[j]), wide.ToDouble(vectors.L1[j]), wide.ToDouble(vectors.L2[j]), vj, n);
        }
        // over the warp's lanes, then lane 0 hands the warp's sums to the block
        terms = terms.ReducePrimal(lanes);
        residualNorm2 = WarpGapTerms.WarpSum(residualNorm2, lanes);
        residualDotY = WarpGapTerms.WarpSum(residualDotY, lanes);
        int slot = WarpSums * warp;
        if (Warp.IsFirstLane)
        {
            checkSums[slot] = terms.Penalty;
            checkSums[slot + 1] = terms.Scale;
            checkSums[slot + 2] = residualNorm2;
            checkSums[slot + 3] = residualDotY;
        }
        Group.Barrier();
        // the penalty sum and s over the warps in ascending order (every thread the same bits), then the conjugate
        // terms of the thread's columns at that s, summed over the warp's lanes
        double penalty = 0, scale = 1;
        for (int w = 0; w < warps; w++)
        {
            penalty += checkSums[WarpSums * w];
            scale = WarpGapTerms.MinScale(scale, checkSums[WarpSums * w + 1]);
        }
        terms = WarpGapTerms.Primal(penalty, scale);
        for (int j = thread; j < p; j += threads)
            terms = terms.AddConjugate<TPenalty>(wide.ToDouble(vectors.L1[j]), wide.ToDouble(vectors.L2[j]), correlation[j], n);
        double conjugate = WarpGapTerms.WarpSum(terms.Conjugate, lanes);
        if (Warp.IsFirstLane)
            checkSums[slot + 4] = conjugate;
        Group.Barrier();
        var verdict = checkSums.SubView(WarpSums * MaxWarps, VerdictDoubles);
        if (thread == 0)
        {
            // the conjugate sum, ‖R‖² and R·y_c over the warps in ascending order; the gap, the record and the verdict
            double conjugateSum = 0, norm2 = 0, dotY = 0;
            for (int w = 0; w < warps; w++)
            {
                norm2 += checkSums[WarpSums * w + 2];
                dotY += checkSums[WarpSums * w + 3];
                conjugateSum += checkSums[WarpSums * w + 4];
            }
            var (gap, objective) = DualityGapFormula.Finish(penalty, scale, conjugateSum, norm2, dotY, n);
            bool best = record.RecordAt(iteration, gap, objective, nullObjective);
            verdict[0] = best ? 1 : 0;
            verdict[1] = record.Verdict(tolerance, fixedPoint: false, spent);
        }
        Group.Barrier();
        // the best iterate = β where the record says so (each thread its columns)
        if (verdict[0] != 0)
            for (int j = thread; j < p; j += threads)
                vectors.Best[j] = beta[j];
        return (int)verdict[1];
    }
}

/// <summary>
/// The thread-per-row passes of <see cref="BlockIterationKernel"/> over X_w as <typeparamref name="TDesign"/> reads its rows
/// (<see cref="IRowReads"/>): thread t continues the dot of row <c>first + t</c> over one tile's columns, in ascending j.
/// Every thread of the group calls it alike, with the same first row and column.
/// </summary>
internal readonly struct RowPass<T, TDesign>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TDesign : struct, IDesignPlacement, IRowReads
{
    private readonly ArrayView<T> _placed;
    private readonly ArrayView<double> _shared;
    private readonly int _tileStart, _samples, _features;

    /// <summary>The passes over X_w as placed (<paramref name="placed"/>), any tile in <paramref name="shared"/> from <paramref name="tileStart"/>.</summary>
    public RowPass(ArrayView<T> placed, ArrayView<double> shared, int tileStart, int samples, int features) =>
        (_placed, _shared, _tileStart, _samples, _features, Width) = (placed, shared, tileStart, samples, features,
            default(TDesign).RowTileColumns(features, Interop.SizeOf<T>()));

    /// <summary>The columns of one tile: a pass steps its column by this much.</summary>
    public int Width { get; }

    /// <summary><paramref name="sum"/> + Σⱼ xᵢⱼ·vⱼ over the tile's columns from <paramref name="column"/> (<see cref="ProximalGradientStep.Dot{T, TView}(T, TView, TView, int)"/>), i = first + thread.</summary>
    public T Dot(T sum, DeviceView<T> vector, int first, int column, int thread, int threads)
    {
        var (row, span) = Row(first, column, thread, threads);
        return first + thread < _samples ? ProximalGradientStep.Dot(sum, row, vector.Slice(column, 1), span) : sum;
    }

    /// <summary><paramref name="sum"/> + Σⱼ xᵢⱼ·vⱼ widened to float64 (each product of the two widened values), as <see cref="Dot"/>.</summary>
    public double WideDot<TPrecision>(double sum, DeviceView<T> vector, int first, int column, int thread, int threads)
        where TPrecision : struct, IWorkingPrecision<T>
    {
        var wide = default(TPrecision);
        var (row, span) = Row(first, column, thread, threads);
        if (first + thread < _samples)
            for (int c = 0; c < span; c++)
                sum += wide.ToDouble(row[c]) * wide.ToDouble(vector[column + c]);
        return sum;
    }

    // row first + thread's part of the tile from column (the tile copied by every thread where TDesign copies one)
    private (DeviceView<T> Row, int Span) Row(int first, int column, int thread, int threads)
    {
        var placement = default(TDesign);
        int span = Math.Min(Width, _features - column);
        var tile = placement.RowTile(_placed, _shared, _tileStart, first, column, span, _samples, _features, thread, threads);
        return (new DeviceView<T>(tile, placement.RowTileStart(first + thread, first, column, _features, Interop.SizeOf<T>())), span);
    }
}
