using System.Numerics;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Certificates;
using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Kernels.Steps;
using ILGPU;
using ILGPU.Runtime;

namespace GpuSparse.Kernels.OnChip;

/// <summary>
/// ISTA/FISTA with a thread block per problem and the whole solve on-chip, for wide designs (p &gt; 64, e.g.
/// 50 × 200): X is read from device memory once per launch into the block's registers, and every step and every
/// float64 gap check with its stopping verdict run in the block, so a launch covers many check intervals.
/// </summary>
/// <remarks>
/// The block is W warps of L lanes. Thread (w, l) holds the tile of X with rows i = w + W·a (a &lt; <see cref="RowsPerThread"/>)
/// and columns j = l + L·b (b &lt; <see cref="ColumnsPerThread"/>), zero outside n × p. Each warp holds z, β and
/// the step's weights of every column (lane l those of its columns), computed identically in every warp:
/// r = y_c − X_w z is a butterfly reduction over the warp's lanes (every lane gets the same sums). c = X_wᵀr and
/// β⁺ are formed once a column: each thread stores its column partials in shared memory, thread (w, l) owns the slots
/// (l, b) with b ≡ w (mod W), sums their W partials in ascending warp order and stores β⁺ there, and every warp
/// reads β⁺ back (two barriers a step; each partial is read once). The restart test is a butterfly reduction too.
/// The step, restart rule and extrapolation are the reference's expressions, but the sums run in tree order, so
/// iterates agree with the reference to rounding, not bits.
/// Checks: R = y_c − X_wβ and v = X_wᵀR in float64 from the registers, then <see cref="DualityGapFormula"/>'s terms
/// summed over warp 0's lanes (<see cref="WarpGapTerms"/>) and <see cref="StoppingRule"/> on every thread, as
/// <see cref="GapKernel"/> decides but for the order of the gap's sums. A launch covers the iterations of
/// <see cref="GramWindow"/> (its trusted tolerance unused); a problem still active at its end leaves β, z and the
/// momentum in device memory for the next launch, which resumes it exactly. Shared memory: <see cref="SharedDoubles"/>.
/// </remarks>
public static class RegisterFistaKernel
{
    /// <summary>Rows of X a thread holds (n ≤ W·7).</summary>
    public const int RowsPerThread = 7;

    /// <summary>Columns of X a thread holds (p ≤ L·7: 224 on CUDA's warps of 32).</summary>
    public const int ColumnsPerThread = 7;

    /// <summary>The most shared memory a block may use without opting in (48 KB).</summary>
    public const int MaxSharedBytes = 48 * 1024;

    /// <summary>The most warps a block has (n ≤ 56).</summary>
    public const int MaxWarps = 8;

    /// <summary>
    /// The launch bound the kernel is compiled for (PTX <c>.maxntid</c> and <c>.minnctapersm</c>): at most
    /// <see cref="MaxWarps"/> warps (and the device's group limit), and two blocks an SM in float32 (ptxas then has
    /// 128 registers a thread: X takes 49, and a check keeps only what it reads in registers), one in float64 (X alone
    /// takes 98 registers). <paramref name="elementBytes"/> is the size of T.
    /// </summary>
    public static KernelSpecialization Specialization(int lanes, int maxGroupThreads, int elementBytes) =>
        new(Math.Min(MaxWarps * lanes, maxGroupThreads), elementBytes == sizeof(float) ? 2 : 1);

    /// <summary>Warps a block needs for n rows.</summary>
    public static int Warps(int samples) => Math.Max(1, (samples + RowsPerThread - 1) / RowsPerThread);

    /// <summary>
    /// Shared memory per block, in doubles: the partial sums of c of a step (W·L·7 values of T) or of v of a check
    /// (W·L·7 doubles) in one region; β⁺ of a step, v and β for the certificate, l1, l2 and the best iterate (L·7
    /// each); y_c (W·7); per-warp ‖R‖² and R·y_c; the check record with its best flag (6) and the momentum (1).
    /// <paramref name="elementBytes"/> (of T)
    /// does not change it: the check's float64 partials are the larger.
    /// </summary>
    public static int SharedDoubles(int warps, int lanes, int elementBytes)
    {
        int span = lanes * ColumnsPerThread;
        return warps * span + 6 * span + RowsPerThread * warps + 2 * warps + RecordDoubles + 1;
    }

    /// <summary>Whether an n × p problem fits a block of warps of <paramref name="lanes"/> on a device of at most <paramref name="maxGroupThreads"/> threads a group.</summary>
    public static bool Fits(int samples, int features, int lanes, int maxGroupThreads, int elementBytes)
    {
        int warps = Warps(samples);
        return features <= lanes * ColumnsPerThread && warps <= MaxWarps && (long)warps * lanes <= maxGroupThreads
            && (lanes & (lanes - 1)) == 0
            && (long)SharedDoubles(warps, lanes, elementBytes) * sizeof(double) <= MaxSharedBytes;
    }

    /// <summary>The kernel: group g solves problem k (see <see cref="IterateViews{T}.Problem"/>) over the iterations of <paramref name="window"/>.</summary>
    /// <param name="problem">The problems' data (X, y_c, l1, l2, steps).</param>
    /// <param name="state">β, z, the momentum, the best iterate, statuses and the active list.</param>
    /// <param name="certificate">The certificate state (its scratch views are unused).</param>
    /// <param name="window">The iterations of this launch and the stopping options.</param>
    /// <param name="accelerated">1 for FISTA, 0 for ISTA.</param>
    /// <param name="start">What the problem's first check and its end also do (<see cref="IProblemStart{T}"/>: warp 0's lane l its columns at the end).</param>
    public static void Run<T, TPenalty, TPrecision, TStart>(ProblemViews<T> problem, IterateViews<T> state, CertificateViews certificate,
        GramWindow window, int accelerated, TStart start)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
        where TPrecision : struct, IWorkingPrecision<T>
        where TStart : struct, IProblemStart<T>
    {
        int k = state.Problem(Grid.IdxX);
        if (state.Status[k] != BatchStatus.Active)
            return;
        int lanes = Warp.WarpSize, lane = Warp.LaneIdx, warp = Warp.WarpIdx, warps = Group.DimX / lanes;
        int n = problem.Samples, p = problem.Features;
        int x0 = problem.DesignOffset(k), b0 = problem.Coordinate(k, 0), s0 = problem.Sample(k, 0);
        int span = lanes * ColumnsPerThread;

        var shared = SharedMemory.GetDynamic<double>();
        int partialDoubles = warps * span;
        var partials = shared.SubView(0, partialDoubles).Cast<T>();
        var checkPartials = shared.SubView(0, partialDoubles);
        var proposal = shared.SubView(partialDoubles, span).Cast<T>();
        var correlation = shared.SubView(partialDoubles + span, span);
        var waitingZ = shared.SubView(partialDoubles + 2 * span, span).Cast<T>();
        var l1 = shared.SubView(partialDoubles + 3 * span, span).Cast<T>();
        var l2 = shared.SubView(partialDoubles + 4 * span, span).Cast<T>();
        var bestIterate = shared.SubView(partialDoubles + 5 * span, span).Cast<T>();
        var responses = shared.SubView(partialDoubles + 6 * span, RowsPerThread * warps).Cast<T>();
        int scalars = partialDoubles + 6 * span + RowsPerThread * warps;
        var rowSums = shared.SubView(scalars, 2 * warps);
        var records = shared.SubView(scalars + 2 * warps, RecordDoubles);
        var waitingMomentum = shared.SubView(scalars + 2 * warps + RecordDoubles, 1).Cast<T>();

        // a resident start is expanded in device memory by thread t its coordinates t, t + T, …, then read by their owners
        if (ProblemStartHooks.Begin<T, TPrecision, TStart>(start, k, window.StartIteration, Group.IdxX, Group.DimX, p))
            Group.Barrier();
        // registers: the thread's tile of X, and through the steps its columns of z and β. Shared memory, in the
        // thread's own slots (lane·7 + b, warp·7 + a: one base address, constant offsets; entries past p or n are 0): its
        // columns of l1, l2 and the best iterate (the same in every warp: warp 0 keeps them; the certificate reads l1
        // and l2 in slot order too) and its rows of y_c; across a check z, β (in the β⁺ slots), the momentum and the
        // check record wait there too, so that the check's registers hold X and its own values only
        var design = RegisterTile<T>.Load(problem.Design, x0, n, p, warp, warps, lane, lanes);
        int columnSlot = lane * Register7<T>.Length, rowSlot = warp * Register7<T>.Length;
        if (warp == 0)
        {
            Register7<T>.Load(state.Beta, b0, lane, lanes, p).Store(proposal, columnSlot);
            Register7<T>.Load(state.Z, b0, lane, lanes, p).Store(waitingZ, columnSlot);
            Register7<T>.Load(problem.L1, b0, lane, lanes, p).Store(l1, columnSlot);
            Register7<T>.Load(problem.L2, b0, lane, lanes, p).Store(l2, columnSlot);
            Register7<T>.Load(state.Best, b0, lane, lanes, p).Store(bestIterate, columnSlot);
            if (lane == 0)
            {
                waitingMomentum[0] = state.Momentum[k];
                // resumed right after a check: its record, for the next check to update
                if (window.StartIteration != 0)
                    StoreRecord(records, certificate.Record(k), best: false);
            }
        }
        if (lane == 0)
            Register7<T>.Load(problem.Response, s0, warp, warps, n).Store(responses, rowSlot);
        Group.Barrier();

        int iteration = window.StartIteration;
        T step = problem.Step[k], stepOverN = problem.StepOverN[k];
        // a launch starts with a check unless it resumes right after one (whose verdict it then repeats)
        bool checkDue = iteration == 0;
        var prox = default(TPenalty);
        int status;
        Register7<T> z, beta;
        T momentum;
        CheckRecord record;
        while (true)
        {
            if (checkDue)
            {
                // the gap at β, the record updated, and whether β is its best iterate (only the first check reads the null
                // objective: the NaN is never read, and later checks do not load it)
                bool best = Check<T, TPrecision, TPenalty>(design, responses, proposal, l1, l2, checkPartials, correlation, rowSums,
                    records, problem.Samples, iteration, iteration == 0 ? certificate.NullObjective[k] : double.NaN);
                if (best && warp == 0)
                    Register7<T>.Load(proposal, columnSlot).Store(bestIterate, columnSlot);
            }
            // the state the steps go on from
            record = LoadRecord(records);
            z = Register7<T>.Load(waitingZ, columnSlot);
            beta = Register7<T>.Load(proposal, columnSlot);
            momentum = waitingMomentum[0];
            status = record.Verdict(certificate.GapTolerance[k], fixedPoint: false, spent: iteration >= window.MaxIterations);
            if (status != BatchStatus.Active || iteration >= window.EndIteration)
                break;
            int checkAt = Math.Min(window.MaxIterations, iteration + window.CheckInterval);
            for (; iteration < checkAt; iteration++)
            {
                // r = y_c − X_w z: the thread's row partials, summed over the warp's lanes
                var residual = Register7<T>.Load(responses, rowSlot).Minus(design.Times(z).WarpSum(lanes));
                // c = X_wᵀ r: the thread's column partials over its rows, in its slots
                design.TransposeTimes(residual).Store(partials, warp * span + columnSlot);
                Group.Barrier();
                // on the slots (l, b) the thread owns (b ≡ w mod W): c summed over the warps in ascending order, then
                // β⁺ = prox(z + (t/n)·c) with the step's weights t·l1, t·l2
                for (int b = warp; b < Register7<T>.Length; b += warps)
                {
                    int slot = columnSlot + b;
                    T correlationSum = Register7<T>.SumOver(partials, warps, span, slot);
                    proposal[slot] = prox.Proximal(z.Element(b) + stepOverN * correlationSum, l1[slot] * step, l2[slot] * step);
                }
                // the partials are read before the next step stores them, β⁺ before the next step's owners store it:
                // this barrier and the one above order both (no double buffers)
                Group.Barrier();
                var next = Register7<T>.Load(proposal, columnSlot);
                if (accelerated != 0)
                {
                    // uphill = (z − β⁺)·(β⁺ − β) over the warp's lanes
                    T uphill = WarpSum(z.Minus(next).Dot(next.Minus(beta)), lanes);
                    // t_{k+1} = (1 + √(1 + 4t_k²))/2, weight = (t_k − 1)/t_{k+1}, formed whatever the restart test says
                    // (it does not depend on it: the compiler can overlap it with the test's shuffles); t = 1 on a restart
                    T following = FistaStep.Advance(momentum, out T weight);
                    bool restart = uphill > T.Zero;
                    momentum = restart ? T.One : following;
                    // z = β⁺ + weight·(β⁺ − β), or z = β⁺ on restart
                    z = restart ? next : next.MultiplyAdd(next.Minus(beta), weight);
                }
                else
                    z = next;
                // β = β⁺ (for ISTA z is β)
                beta = next;
            }
            // β is in the β⁺ slots (its owners stored it, every warp read it); the check's barriers order these stores
            // before every warp's reads, the reads before the next steps' stores
            if (warp == 0)
                z.Store(waitingZ, columnSlot);
            if (warp == 0 && lane == 0)
                waitingMomentum[0] = momentum;
            checkDue = true;
        }

        // the state a later launch resumes from (for ISTA z is β: the same values)
        if (warp == 0)
        {
            beta.Store(state.Beta, b0, lane, lanes, p);
            z.Store(state.Z, b0, lane, lanes, p);
            Register7<T>.Load(bestIterate, columnSlot).Store(state.Best, b0, lane, lanes, p);
            // lane l stored the columns l, l + L, … of β and the best iterate
            ProblemStartHooks.Finish<T, TPrecision, TStart>(start, k, status, record.Gap, record.BestGap, lane, lanes, p);
        }
        if (warp != 0 || lane != 0)
            return;
        state.Momentum[k] = momentum;
        certificate.Store(k, record);
        certificate.Finish(state.Status, k, status, iteration);
    }

    /// <summary>
    /// The sum of every lane's <paramref name="value"/>, on every lane (a butterfly over the masks L/2, …, 2, 1: pairs
    /// add in both orders, so all lanes get the same bits), its levels up to 32 lanes written out as in <see cref="Register7{T}.WarpSum"/>.
    /// </summary>
    private static TValue WarpSum<TValue>(TValue value, int lanes) where TValue : unmanaged, IFloatingPointIeee754<TValue>
    {
        for (int mask = lanes / 2; mask > 16; mask /= 2)
            value += Warp.ShuffleXor(value, mask);
        if (lanes > 16)
            value += Warp.ShuffleXor(value, 16);
        if (lanes > 8)
            value += Warp.ShuffleXor(value, 8);
        if (lanes > 4)
            value += Warp.ShuffleXor(value, 4);
        if (lanes > 2)
            value += Warp.ShuffleXor(value, 2);
        return lanes > 1 ? value + Warp.ShuffleXor(value, 1) : value;
    }

    /// <summary>
    /// (gap, objective) at β (read from <paramref name="certifiedBeta"/>) in float64: R = y_c − X_wβ and v = X_wᵀR
    /// from the registers, ‖R‖² and R·y_c, then <see cref="DualityGapFormula"/>'s terms summed by warp 0 over its lanes
    /// (<see cref="WarpGapTerms"/>: lane l over its 7 slots, whose entries past p are zero and add nothing); warp 0's
    /// lane 0 records them in <paramref name="records"/> (<see cref="CheckRecord.RecordAt"/>, with
    /// <paramref name="nullObjective"/> for the first). Every thread returns
    /// whether β is the record's best iterate.
    /// </summary>
    private static bool Check<T, TPrecision, TPenalty>(RegisterTile<T> design, ArrayView<T> responses,
        ArrayView<T> certifiedBeta, ArrayView<T> l1, ArrayView<T> l2, ArrayView<double> checkPartials, ArrayView<double> correlation,
        ArrayView<double> rowSums, ArrayView<double> records, int n, int iteration, double nullObjective)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPrecision : struct, IWorkingPrecision<T>
        where TPenalty : struct, IPenalty<T>
    {
        int lanes = Warp.WarpSize, lane = Warp.LaneIdx, warp = Warp.WarpIdx, warps = Group.DimX / lanes;
        int span = lanes * ColumnsPerThread, columnSlot = lane * Register7<T>.Length;
        // no barrier first: the last step's partials and β⁺ were read before its second barrier, the previous check's
        // values before its last one
        // Each pass widens X − 0, with zeros the compiler cannot fold (iteration ≥ 0) and a different one a pass: exact
        // (x − (+0) = x, −0 included), but the widened values are then neither loop-invariant (ptxas would hoist all 49
        // out of the solve's loop and keep them, 98 registers) nor shared by the two passes (kept from one to the other)
        T firstZero = iteration < 0 ? T.One : T.Zero, secondZero = iteration < -1 ? T.One : T.Zero;
        // R = y_c − X_wβ for the thread's rows (summed over the lanes), ‖R‖² and R·y_c over them (y_c read again
        // rather than kept)
        int rowSlot = warp * Register7<T>.Length;
        var partialsOfXBeta = design.Minus(firstZero).TimesWide<TPrecision>(Register7<T>.Load(certifiedBeta, columnSlot));
        var residual = Register7<T>.Load(responses, rowSlot).Widen<TPrecision>().Minus(partialsOfXBeta.WarpSum(lanes));
        if (lane == 0)
        {
            rowSums[2 * warp] = residual.Dot(residual);
            rowSums[2 * warp + 1] = residual.Dot(Register7<T>.Load(responses, rowSlot).Widen<TPrecision>());
        }
        // v = X_wᵀR: column partials over the thread's rows, then over the warps (warp 0 keeps them for the gap)
        design.Minus(secondZero).TransposeTimesWide<TPrecision>(residual).Store(checkPartials, warp * span + columnSlot);
        Group.Barrier();
        if (warp == 0)
        {
            // v and β into the lane's own slots, read back one slot at a time by the loops below (few live registers:
            // the tile of X stays in registers through the check)
            Register7<double>.SumOver(checkPartials, warps, span, columnSlot, 1).Store(correlation, columnSlot);
            var wide = default(TPrecision);
            // the gap's terms over the lane's slots, then over the warp's lanes
            var terms = WarpGapTerms.Empty;
            for (int slot = columnSlot; slot < columnSlot + Register7<T>.Length; slot++)
                terms = terms.AddPrimal<TPenalty>(wide.ToDouble(certifiedBeta[slot]), wide.ToDouble(l1[slot]), wide.ToDouble(l2[slot]), correlation[slot], n);
            terms = terms.ReducePrimal(lanes);
            for (int slot = columnSlot; slot < columnSlot + Register7<T>.Length; slot++)
                terms = terms.AddConjugate<TPenalty>(wide.ToDouble(l1[slot]), wide.ToDouble(l2[slot]), correlation[slot], n);
            // ‖R‖² and R·y_c over the warps in ascending order
            double residualNorm2 = 0, residualDotY = 0;
            for (int w = 0; w < warps; w++)
            {
                residualNorm2 += rowSums[2 * w];
                residualDotY += rowSums[2 * w + 1];
            }
            var (gap, objective) = terms.Finish(lanes, residualNorm2, residualDotY, n);
            if (lane == 0)
            {
                var record = iteration == 0 ? default : LoadRecord(records);
                bool best = record.RecordAt(iteration, gap, objective, nullObjective);
                StoreRecord(records, record, best);
            }
        }
        Group.Barrier();
        return records[RecordDoubles - 1] != 0;
    }

    /// <summary>Shared memory of the check record: its five values and whether the last check's β is its best iterate.</summary>
    private const int RecordDoubles = 6;

    /// <summary>Writes <paramref name="record"/> and the best flag to <paramref name="records"/>.</summary>
    private static void StoreRecord(ArrayView<double> records, CheckRecord record, bool best)
    {
        records[0] = record.Gap;
        records[1] = record.Objective;
        records[2] = record.BestGap;
        records[3] = record.BestObjective;
        records[4] = record.Runaway;
        records[5] = best ? 1 : 0;
    }

    /// <summary>The record <see cref="StoreRecord"/> wrote.</summary>
    private static CheckRecord LoadRecord(ArrayView<double> records) => new()
    {
        Gap = records[0],
        Objective = records[1],
        BestGap = records[2],
        BestObjective = records[3],
        Runaway = records[4],
    };
}
