using System.Numerics;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Certificates;
using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Kernels.Steps;
using ILGPU;

namespace GpuSparse.Kernels.OnChip;

/// <summary>
/// Cyclic coordinate descent on the Gram form (glmnet's covariance updates), one warp per problem with the whole
/// solve on-chip: X is read once per launch, a tile of rows at a time, to form <c>G = X_wᵀX_w/n</c> and
/// <c>c = X_wᵀy_c/n</c> in shared memory; every sweep and every Gram-form gap check then runs on shared memory.
/// Lane l owns the coordinates j ≡ l (mod warp size): it keeps qⱼ = (c − Gβ)ⱼ and βⱼ, so a coordinate update is
/// computed by its owner, broadcast by one shuffle, and every lane updates its own q entries from row j of G.
/// </summary>
/// <remarks>
/// The iteration, the check schedule, the fixed-point rule and the stopping rule are those of the host engine
/// (<c>GpuSparse.Backends.GramCoordinateDescent</c>): sweeps in the working precision on q, q recomputed in
/// float64 from G and β at every check; below <see cref="GramWindow.TrustedTolerance"/> the check forms the
/// residual from X instead (the host's <c>DualityGap</c>: R and v in its operation order, their sums and the gap's
/// terms over the lanes). A launch covers the sweeps from
/// <see cref="GramWindow.StartIteration"/> to <see cref="GramWindow.EndIteration"/>; a problem resumed by the next
/// launch forms G again and recomputes q as its last check did, so results do not depend on the windows.
/// Shared memory: <see cref="SharedDoubles"/> doubles per group; G is symmetric, so only its upper half is kept
/// (<see cref="Packed"/>: 17 KB instead of 33 KB at p = 64).
/// </remarks>
public static class GramCoordinateDescentKernel
{
    /// <summary>Rows of X staged in shared memory at a time while G and c are formed.</summary>
    public const int TileRows = 8;

    /// <summary>The largest p the kernel serves (the upper half of G in shared memory: 17 KB in float64 at p = 64).</summary>
    public const int MaxFeatures = 64;

    /// <summary>Shared memory per group, in doubles: the upper half of G (p(p + 1)/2), c, q in float64, v (3p), q, β, 1/Gⱼⱼ, l1ⱼ/Gⱼⱼ, l2ⱼ/Gⱼⱼ in the working precision (5p), the X tile and its y values.</summary>
    public static int SharedDoubles(int features) => GramDoubles(features) + WarpGramViews<double>.Doubles(features) + TileRows * features + TileRows;

    /// <summary>The entries of G kept: its upper half, row by row.</summary>
    public static int GramDoubles(int features) => features * (features + 1) / 2;

    /// <summary>Where G[a, b] = G[b, a] is kept: row min(a, b) of the upper half, which starts after the rows above it.</summary>
    public static int Packed(int a, int b, int p)
    {
        int row = Math.Min(a, b), column = Math.Max(a, b);
        return row * (2 * p - row + 1) / 2 + column - row;
    }

    /// <summary>The kernel: group g solves problem k (see <see cref="IterateViews{T}.Problem"/>) over the sweeps of <paramref name="window"/>.</summary>
    /// <param name="problem">The problems' data (X, y_c, l1, l2).</param>
    /// <param name="state">β, the best iterate, statuses and the active list (the FISTA views are unused).</param>
    /// <param name="certificate">The certificate state (the residual scratch is used by checks from X).</param>
    /// <param name="window">The sweeps of this launch and the stopping options.</param>
    /// <param name="start">What the problem's first check and its end also do (<see cref="IProblemStart{T}"/>: lane l its coordinates).</param>
    public static void Run<T, TPenalty, TPrecision, TStart>(ProblemViews<T> problem, IterateViews<T> state, CertificateViews certificate,
        GramWindow window, TStart start)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
        where TPrecision : struct, IWorkingPrecision<T>
        where TStart : struct, IProblemStart<T>
    {
        int k = state.Problem(Grid.IdxX);
        if (state.Status[k] != BatchStatus.Active)
            return;
        int lane = Group.IdxX, lanes = Group.DimX;
        int p = problem.Features;

        var shared = SharedMemory.GetDynamic<double>();
        int g = GramDoubles(p);
        var gram = shared.SubView(0, g);
        var views = WarpGramViews<T>.At(shared, g, p);
        var tile = shared.SubView(g + WarpGramViews<T>.Doubles(p), TileRows * p);
        var tileResponse = shared.SubView(g + WarpGramViews<T>.Doubles(p) + TileRows * p, TileRows);

        double responseNorm2OverN = FormGram<T, TPrecision>(problem, k, gram, views.Correlation, tile, tileResponse, lane, lanes);
        Solve<T, TPenalty, TPrecision, TStart>(problem, state, certificate, window, start, k, gram, views, problem.Design,
            problem.DesignOffset(k), responseNorm2OverN, lane, lanes);
    }

    /// <summary>
    /// The solve of problem k by one warp once G (<paramref name="gram"/>) and c (<paramref name="views"/>) are formed:
    /// the sweeps of <paramref name="window"/>, the checks (from X_w at <paramref name="designOffset"/> of
    /// <paramref name="design"/> below the trusted tolerance), the stopping rule, and β, the best iterate and the
    /// certificate stored. Synchronises the warp only, so that the warps of a group run their problems independently.
    /// </summary>
    internal static void Solve<T, TPenalty, TPrecision, TStart>(ProblemViews<T> problem, IterateViews<T> state,
        CertificateViews certificate, GramWindow window, TStart start, int k, ArrayView<double> gram, WarpGramViews<T> views,
        ArrayView<T> design, int designOffset, double responseNorm2OverN, int lane, int lanes)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
        where TPrecision : struct, IWorkingPrecision<T>
        where TStart : struct, IProblemStart<T>
    {
        var wide = default(TPrecision);
        int p = problem.Features;
        int b0 = problem.Coordinate(k, 0);
        // the problem starts here: a resident session's penalty weights and start, by the lane that reads them
        ProblemStartHooks.Begin<T, TPrecision, TStart>(start, k, window.StartIteration, lane, lanes, p);
        for (int j = lane; j < p; j += lanes)
        {
            // coordinate j minimises ½Gⱼⱼ(b − z)² + l1ⱼ|b| + ½l2ⱼb²: the proximal map with step 1/Gⱼⱼ
            (views.InverseDiagonal[j], views.L1Step[j], views.L2Step[j]) = CoordinateStep.Steps(wide.FromDouble(gram[Packed(j, j, p)]), problem.L1[b0 + j], problem.L2[b0 + j]);
            views.Beta[j] = state.Beta[b0 + j];
        }
        Warp.Barrier();

        bool trusted = certificate.GapTolerance[k] >= window.TrustedTolerance * 2 * certificate.NullObjective[k];
        int iteration = window.StartIteration;
        CheckRecord record;
        if (iteration == 0)
        {
            var (gap, objective) = Check<T, TPrecision, TPenalty>(problem, certificate, k, gram, views, design, designOffset,
                responseNorm2OverN, trusted, lane, lanes);
            record = CheckRecord.First(gap, objective, certificate.NullObjective[k]);
            for (int j = lane; j < p; j += lanes)
                state.Best[b0 + j] = views.Beta[j];
        }
        else
        {
            // resumed right after a check: q as that check recomputed it, the verdict below repeats its own
            RecomputeNegativeGradient<T, TPrecision>(gram, views, p, lane, lanes);
            Warp.Barrier();
            record = certificate.Record(k);
        }

        var sweep = new LaneSweep<T, TPenalty, TPrecision>(gram, views, p, lane, lanes);
        int status;
        bool fixedPoint = false;
        while (true)
        {
            status = record.Verdict(certificate.GapTolerance[k], fixedPoint, iteration >= window.MaxIterations);
            if (status != BatchStatus.Active || iteration >= window.EndIteration)
                break;
            int checkAt = Math.Min(window.MaxIterations, iteration + window.CheckInterval);
            iteration = CoordinateStep.Interval(sweep, default(NoProbe), 0, iteration, checkAt, out fixedPoint);
            Warp.Barrier();
            var (gap, objective) = Check<T, TPrecision, TPenalty>(problem, certificate, k, gram, views, design, designOffset,
                responseNorm2OverN, trusted, lane, lanes);
            if (record.Record(gap, objective))
                for (int j = lane; j < p; j += lanes)
                    state.Best[b0 + j] = views.Beta[j];
        }

        for (int j = lane; j < p; j += lanes)
            state.Beta[b0 + j] = views.Beta[j];
        // finished: a resident session's returned iterate and next start, by the lane that wrote them
        ProblemStartHooks.Finish<T, TPrecision, TStart>(start, k, status, record.Gap, record.BestGap, lane, lanes, p);
        if (lane != 0)
            return;
        certificate.Store(k, record);
        certificate.Finish(state.Status, k, status, iteration);
    }

    /// <summary>
    /// Forms G = X_wᵀX_w/n (its upper half) and c = X_wᵀy_c/n in shared memory (float64 products, ascending i, lane l
    /// owning the entries a·p + b ≡ l, b ≥ a, of G and the coordinates j ≡ l of c), reading X once in tiles of rows;
    /// returns ‖y_c‖²/n.
    /// </summary>
    private static double FormGram<T, TPrecision>(ProblemViews<T> problem, int k, ArrayView<double> gram,
        ArrayView<double> correlation, ArrayView<double> tile, ArrayView<double> tileResponse, int lane, int lanes)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPrecision : struct, IWorkingPrecision<T>
    {
        var wide = default(TPrecision);
        int n = problem.Samples, p = problem.Features, x0 = problem.DesignOffset(k), y0 = problem.Sample(k, 0);
        for (int e = lane; e < gram.IntLength; e += lanes)
            gram[e] = 0;
        for (int j = lane; j < p; j += lanes)
            correlation[j] = 0;
        double yy = 0;
        for (int first = 0; first < n; first += TileRows)
        {
            int rows = Math.Min(TileRows, n - first);
            // the rows [first, first + rows) are contiguous in X: consecutive lanes read consecutive addresses
            for (int e = lane; e < rows * p; e += lanes)
                tile[e] = wide.ToDouble(problem.Design[x0 + first * p + e]);
            for (int i = lane; i < rows; i += lanes)
                tileResponse[i] = wide.ToDouble(problem.Response[y0 + first + i]);
            Group.Barrier();
            // Gₐᵦ += xᵢₐ·xᵢᵦ for b ≥ a
            for (int e = lane; e < p * p; e += lanes)
            {
                int a = e / p, b = e - a * p;
                if (b < a)
                    continue;
                int packed = Packed(a, b, p);
                double acc = gram[packed];
                for (int i = 0; i < rows; i++)
                    acc += tile[i * p + a] * tile[i * p + b];
                gram[packed] = acc;
            }
            // cⱼ += yᵢ·xᵢⱼ, ‖y_c‖² += yᵢ²
            for (int j = lane; j < p; j += lanes)
            {
                double acc = correlation[j];
                for (int i = 0; i < rows; i++)
                    acc += tileResponse[i] * tile[i * p + j];
                correlation[j] = acc;
            }
            for (int i = 0; i < rows; i++)
                yy += tileResponse[i] * tileResponse[i];
            Group.Barrier();
        }
        double invN = 1.0 / n;
        for (int e = lane; e < gram.IntLength; e += lanes)
            gram[e] *= invN;
        for (int j = lane; j < p; j += lanes)
            correlation[j] *= invN;
        Group.Barrier();
        return yy * invN;
    }

    /// <summary>The warp's sweep of one problem (see <see cref="Sweep"/>), for <see cref="CoordinateStep.Interval"/>.</summary>
    private readonly struct LaneSweep<T, TPenalty, TPrecision>(ArrayView<double> gram, WarpGramViews<T> views, int p, int lane, int lanes) : ISweep
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
        where TPrecision : struct, IWorkingPrecision<T>
    {
        public bool Sweep() => GramCoordinateDescentKernel.Sweep<T, TPenalty, TPrecision>(gram, views, p, lane, lanes);
    }

    /// <summary>One cyclic sweep; returns false when no coordinate moved (the same on every lane).</summary>
    private static bool Sweep<T, TPenalty, TPrecision>(ArrayView<double> gram, WarpGramViews<T> views, int p, int lane, int lanes)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
        where TPrecision : struct, IWorkingPrecision<T>
    {
        var wide = default(TPrecision);
        bool moved = false;
        for (int j = 0; j < p; j++)
        {
            int owner = j % lanes;
            T change = T.Zero;
            if (lane == owner)
            {
                T inverse = views.InverseDiagonal[j];
                if (inverse != T.Zero)
                {
                    T old = views.Beta[j];
                    // βⱼ⁺ = prox(βⱼ + qⱼ/Gⱼⱼ), the exact minimiser along coordinate j
                    T next = CoordinateStep.Update<T, TPenalty>(old, views.NegativeGradient[j], inverse, views.L1Step[j], views.L2Step[j]);
                    if (next != old)
                    {
                        views.Beta[j] = next;
                        change = old - next;
                    }
                }
            }
            change = Warp.Shuffle(change, owner);
            if (change == T.Zero)
                continue;
            moved = true;
            // q = c − Gβ changes by −Gⱼ·(βⱼ⁺ − βⱼ) (G symmetric: row j is column j; in the working precision,
            // as the host engine's working copy of G)
            for (int a = lane; a < p; a += lanes)
                views.NegativeGradient[a] += change * wide.FromDouble(gram[Packed(j, a, p)]);
        }
        return moved;
    }

    /// <summary>qₐ = cₐ − Gₐ·β in float64 for the lane's coordinates, and the working copy reset to it.</summary>
    private static void RecomputeNegativeGradient<T, TPrecision>(ArrayView<double> gram, WarpGramViews<T> views, int p, int lane, int lanes)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPrecision : struct, IWorkingPrecision<T>
    {
        var wide = default(TPrecision);
        for (int a = lane; a < p; a += lanes)
        {
            double dot = 0;
            for (int b = 0; b < p; b++)
                dot += gram[Packed(a, b, p)] * wide.ToDouble(views.Beta[b]);
            double q = views.Correlation[a] - dot;
            views.NegativeGradientDouble[a] = q;
            views.NegativeGradient[a] = wide.FromDouble(q);
        }
    }

    /// <summary>
    /// The gap check of the host engine: q recomputed in float64, then (gap, objective) from the Gram form when
    /// trusted, otherwise from the residual formed from X; the sums over coordinates (βᵀc, βᵀq, the gap's terms:
    /// <see cref="WarpGapTerms"/>) and over rows (‖R‖², R·y_c) run over the lanes, then a butterfly, where the host
    /// sums in index order. Every lane returns the same values.
    /// </summary>
    private static (double Gap, double Objective) Check<T, TPrecision, TPenalty>(ProblemViews<T> problem, CertificateViews certificate,
        int k, ArrayView<double> gram, WarpGramViews<T> views, ArrayView<T> design, int designOffset, double responseNorm2OverN,
        bool trusted, int lane, int lanes)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPrecision : struct, IWorkingPrecision<T>
        where TPenalty : struct, IPenalty<T>
    {
        var wide = default(TPrecision);
        int n = problem.Samples, p = problem.Features;
        RecomputeNegativeGradient<T, TPrecision>(gram, views, p, lane, lanes);
        if (!trusted)
            ResidualFromDesign<T, TPrecision>(problem, certificate, k, design, designOffset, views, lane, lanes);
        Warp.Barrier();
        var weights = problem.Weights<TPrecision>(k);
        // the certificate's v is q in per-n units when trusted, X_wᵀR from X otherwise (chosen per value: a choice
        // between the two views would make ILGPU address all shared memory generically)
        double scaleN = trusted ? 1 : n;
        double betaDotC = 0, betaDotQ = 0;
        var terms = WarpGapTerms.Empty;
        for (int j = lane; j < p; j += lanes)
        {
            double b = wide.ToDouble(views.Beta[j]);
            // βᵀc and βᵀq over the lane's coordinates (the Gram form's ‖R‖², below)
            if (trusted)
            {
                betaDotC += b * views.Correlation[j];
                betaDotQ += b * views.NegativeGradientDouble[j];
            }
            terms = terms.AddPrimal<TPenalty>(b, weights.L1Weight(j), weights.L2Weight(j),
                trusted ? views.NegativeGradientDouble[j] : views.ResidualCorrelation[j], scaleN);
        }
        terms = terms.ReducePrimal(lanes);
        for (int j = lane; j < p; j += lanes)
            terms = terms.AddConjugate<TPenalty>(weights.L1Weight(j), weights.L2Weight(j),
                trusted ? views.NegativeGradientDouble[j] : views.ResidualCorrelation[j], scaleN);
        double residualNorm2 = 0, residualDotY = 0;
        if (trusted)
        {
            // ‖R‖²/n = ‖y_c‖²/n − βᵀc − βᵀq and R·y_c/n = ‖y_c‖²/n − βᵀc, in per-n units, the dot products over the lanes
            betaDotC = WarpGapTerms.WarpSum(betaDotC, lanes);
            betaDotQ = WarpGapTerms.WarpSum(betaDotQ, lanes);
            residualNorm2 = NanPreserving.Max(responseNorm2OverN - betaDotC - betaDotQ, 0);
            residualDotY = responseNorm2OverN - betaDotC;
        }
        else
        {
            // ‖R‖², R·y_c over the lane's rows i ≡ l, then over the lanes
            int s0 = problem.Sample(k, 0);
            for (int i = lane; i < n; i += lanes)
            {
                double ri = certificate.Residual[s0 + i];
                residualNorm2 += ri * ri;
                residualDotY += ri * wide.ToDouble(problem.Response[s0 + i]);
            }
            residualNorm2 = WarpGapTerms.WarpSum(residualNorm2, lanes);
            residualDotY = WarpGapTerms.WarpSum(residualDotY, lanes);
        }
        return terms.Finish(lanes, residualNorm2, residualDotY, scaleN);
    }

    /// <summary>
    /// R = y_c − X_wβ into the certificate scratch (lane l the rows i ≡ l), then v = X_wᵀR (lane l the coordinates
    /// j ≡ l), X_w[i, j] read at <c>designOffset + i·p + j</c> of <paramref name="design"/>.
    /// </summary>
    private static void ResidualFromDesign<T, TPrecision>(ProblemViews<T> problem, CertificateViews certificate, int k,
        ArrayView<T> design, int designOffset, WarpGramViews<T> views, int lane, int lanes)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPrecision : struct, IWorkingPrecision<T>
    {
        var wide = default(TPrecision);
        int n = problem.Samples, p = problem.Features, x0 = designOffset, s0 = problem.Sample(k, 0);
        Warp.Barrier();
        for (int i = lane; i < n; i += lanes)
        {
            double acc = 0;
            for (int j = 0; j < p; j++)
                acc += wide.ToDouble(design[x0 + i * p + j]) * wide.ToDouble(views.Beta[j]);
            certificate.Residual[s0 + i] = wide.ToDouble(problem.Response[s0 + i]) - acc;
        }
        Warp.Barrier();
        for (int j = lane; j < p; j += lanes)
        {
            double acc = 0;
            for (int i = 0; i < n; i++)
                acc += wide.ToDouble(design[x0 + i * p + j]) * certificate.Residual[s0 + i];
            views.ResidualCorrelation[j] = acc;
        }
    }
}

/// <summary>
/// One warp's vectors of a Gram coordinate-descent solve in shared memory (<see cref="Doubles"/> doubles): c, q in
/// float64 and v (3p doubles), then q, β, 1/Gⱼⱼ, l1ⱼ/Gⱼⱼ and l2ⱼ/Gⱼⱼ in the working precision (5p doubles' room).
/// </summary>
internal readonly struct WarpGramViews<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>c = X_wᵀy_c/n.</summary>
    public readonly ArrayView<double> Correlation;

    /// <summary>q = c − Gβ in float64, as the last check recomputed it.</summary>
    public readonly ArrayView<double> NegativeGradientDouble;

    /// <summary>v = X_wᵀR of a check from X.</summary>
    public readonly ArrayView<double> ResidualCorrelation;

    /// <summary>q in the working precision, updated by the sweeps.</summary>
    public readonly ArrayView<T> NegativeGradient;

    /// <summary>β.</summary>
    public readonly ArrayView<T> Beta;

    /// <summary>1/Gⱼⱼ (0 for a zero column).</summary>
    public readonly ArrayView<T> InverseDiagonal;

    /// <summary>l1ⱼ/Gⱼⱼ.</summary>
    public readonly ArrayView<T> L1Step;

    /// <summary>l2ⱼ/Gⱼⱼ.</summary>
    public readonly ArrayView<T> L2Step;

    private WarpGramViews(ArrayView<double> shared, int offset, int p)
    {
        Correlation = shared.SubView(offset, p);
        NegativeGradientDouble = shared.SubView(offset + p, p);
        ResidualCorrelation = shared.SubView(offset + 2 * p, p);
        var working = shared.SubView(offset + 3 * p, 5 * p).Cast<T>();
        NegativeGradient = working.SubView(0, p);
        Beta = working.SubView(p, p);
        InverseDiagonal = working.SubView(2 * p, p);
        L1Step = working.SubView(3 * p, p);
        L2Step = working.SubView(4 * p, p);
    }

    /// <summary>The doubles of shared memory one warp's vectors take at p features.</summary>
    public static int Doubles(int features) => 8 * features;

    /// <summary>The vectors of p features laid out from double <paramref name="offset"/> of <paramref name="shared"/>.</summary>
    public static WarpGramViews<T> At(ArrayView<double> shared, int offset, int p) => new(shared, offset, p);
}
