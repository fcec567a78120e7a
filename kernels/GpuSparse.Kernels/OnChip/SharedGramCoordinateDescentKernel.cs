using System.Numerics;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.Penalties;
using ILGPU;

namespace GpuSparse.Kernels.OnChip;

/// <summary>
/// Coordinate descent on the Gram form for a batch on one shared X_w (many y, λ or l1_ratio: a sweep), a group of W
/// warps per W problems: the group forms the upper half of G = X_wᵀX_w/n in shared memory once, then warp w solves its
/// own problem exactly as <see cref="GramCoordinateDescentKernel"/> does (its c = X_wᵀy_c/n, the same sweeps, checks,
/// stopping rule and certificate), so G is formed once per W problems instead of once per problem. X_w is read where
/// the kernel's placement argument (<see cref="IDesignPlacement"/>) puts it: staged in the group's shared memory where it
/// fits with G, else from global memory, where every group reads the same X_w through L1 and L2 (G, c and the checks
/// from X read that one view).
/// </summary>
/// <remarks>
/// G, c and ‖y_c‖² are summed in ascending i from the same float64 products as the per-problem kernel, and the solve
/// is its code (<see cref="GramCoordinateDescentKernel.Solve"/>), so both give the same bits where the device rounds
/// alike, in either placement. After the setup, the group never synchronises again: its warps finish at different
/// sweeps, and a warp whose slot has no active problem (finished, invalid, or past the launched problems when K is not
/// a multiple of W) leaves right after it. A group none of whose problems is active leaves before the setup.
/// Shared memory: <see cref="SharedDoubles"/> doubles per group.
/// </remarks>
public static class SharedGramCoordinateDescentKernel
{
    /// <summary>The most warps a group holds (problems sharing one G).</summary>
    public const int MaxWarps = 8;

    /// <summary>The shared memory a group may take: the 48 KB a CUDA launch gets without opting in to more.</summary>
    public const int MaxSharedBytes = 48 * 1024;

    /// <summary>
    /// Shared memory per group of <paramref name="warps"/> warps, in doubles: G's upper half, X_w in the working precision
    /// when <paramref name="placement"/> stages it, each warp's vectors.
    /// </summary>
    public static int SharedDoubles(int warps, int samples, int features, int elementBytes, DesignPlacement placement) =>
        GramCoordinateDescentKernel.GramDoubles(features) + PlacementArgument(placement).DesignDoubles(samples, features, elementBytes)
        + warps * WarpGramViews<double>.Doubles(features);

    /// <summary>
    /// The warps a group holds for problems of n × p with X_w placed by <paramref name="placement"/>, on a device with
    /// warps of <paramref name="lanes"/> and groups of at most <paramref name="maxGroupThreads"/>: as many as fit
    /// <see cref="MaxSharedBytes"/>, up to <see cref="MaxWarps"/>; 0 when not even one fits (or p exceeds
    /// <see cref="GramCoordinateDescentKernel.MaxFeatures"/>).
    /// </summary>
    public static int Warps(int samples, int features, int lanes, int maxGroupThreads, int elementBytes, DesignPlacement placement)
    {
        if (features > GramCoordinateDescentKernel.MaxFeatures)
            return 0;
        long fixedBytes = 8L * (GramCoordinateDescentKernel.GramDoubles(features) + (long)PlacementArgument(placement).DesignDoubles(samples, features, elementBytes));
        long perWarp = 8L * WarpGramViews<double>.Doubles(features);
        long fit = (MaxSharedBytes - fixedBytes) / perWarp;
        return (int)Math.Clamp(Math.Min(fit, maxGroupThreads / Math.Max(1, lanes)), 0, MaxWarps);
    }

    /// <summary>
    /// Where a group reads X_w for problems of n × p: staged in shared memory where a group of one warp fits with it, else
    /// from global memory where G and one warp's vectors fit; null when neither does (p &gt; 64).
    /// </summary>
    public static DesignPlacement? Placement(int samples, int features, int lanes, int maxGroupThreads, int elementBytes) =>
        Warps(samples, features, lanes, maxGroupThreads, elementBytes, DesignPlacement.SharedMemory) > 0 ? DesignPlacement.SharedMemory
        : Warps(samples, features, lanes, maxGroupThreads, elementBytes, DesignPlacement.GlobalMemory) > 0 ? DesignPlacement.GlobalMemory
        : null;

    /// <summary>
    /// The kernel's placement argument for <paramref name="placement"/> (host side): its type is the kernel's
    /// <c>TPlacement</c>, its <see cref="IDesignPlacement.DesignDoubles"/> the shared memory X_w takes there.
    /// </summary>
    public static IDesignPlacement PlacementArgument(DesignPlacement placement) =>
        placement == DesignPlacement.SharedMemory ? Staged : Global;

    // the two arguments boxed once, so that sizing a launch allocates nothing
    private static readonly IDesignPlacement Staged = default(StagedDesign), Global = default(GlobalDesign);

    /// <summary>The kernel: warp w of group g solves the problem of slot g·W + w (see <see cref="IterateViews{T}.Problem"/>) over the sweeps of <paramref name="window"/>.</summary>
    /// <param name="problem">The problems' data (one shared X_w, each problem's y_c, l1, l2).</param>
    /// <param name="state">β, the best iterate, statuses and the active list (the FISTA views are unused).</param>
    /// <param name="certificate">The certificate state (the residual scratch is used by checks from X).</param>
    /// <param name="window">The sweeps of this launch and the stopping options.</param>
    /// <param name="slots">The problems launched (slots at or past it are empty).</param>
    /// <param name="start">What the problem's first check and its end also do (<see cref="IProblemStart{T}"/>: lane l its coordinates).</param>
    public static void Run<T, TPenalty, TPrecision, TStart, TPlacement>(ProblemViews<T> problem, IterateViews<T> state, CertificateViews certificate,
        GramWindow window, int slots, TStart start)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
        where TPrecision : struct, IWorkingPrecision<T>
        where TStart : struct, IProblemStart<T>
        where TPlacement : struct, IDesignPlacement
    {
        var wide = default(TPrecision);
        int lanes = Warp.WarpSize, warps = Group.DimX / lanes;
        int slot = Grid.IdxX * warps + Warp.WarpIdx;
        int k = slot < slots ? state.Problem(slot) : 0;
        bool active = slot < slots && state.Status[k] == BatchStatus.Active;
        // every thread of the group takes the same branch: no barrier below is left waiting
        if (!Group.BarrierOr(active))
            return;
        int n = problem.Samples, p = problem.Features, thread = Group.IdxX, threads = Group.DimX;

        var shared = SharedMemory.GetDynamic<double>();
        var placement = default(TPlacement);
        int g = GramCoordinateDescentKernel.GramDoubles(p), d = placement.DesignDoubles(n, p, Interop.SizeOf<T>());
        var gram = shared.SubView(0, g);
        // X_w staged into shared memory, or read where it lies in global memory
        var design = placement.Place(problem.Design, shared.SubView(g, d), n, p, thread, threads);
        Group.Barrier();
        double invN = 1.0 / n;
        // Gₐᵦ = Σᵢ xᵢₐ·xᵢᵦ/n for b ≥ a, in ascending i (the per-problem kernel's sums)
        for (int e = thread; e < p * p; e += threads)
        {
            int a = e / p, b = e - a * p;
            if (b < a)
                continue;
            double acc = 0;
            for (int i = 0; i < n; i++)
                acc += wide.ToDouble(design[i * p + a]) * wide.ToDouble(design[i * p + b]);
            gram[GramCoordinateDescentKernel.Packed(a, b, p)] = acc * invN;
        }
        Group.Barrier();
        if (!active)
            return;

        int lane = Warp.LaneIdx;
        var views = WarpGramViews<T>.At(shared, g + d + Warp.WarpIdx * WarpGramViews<T>.Doubles(p), p);
        int y0 = problem.Sample(k, 0);
        // cⱼ = Σᵢ yᵢ·xᵢⱼ/n and ‖y_c‖²/n, in ascending i (lane l the coordinates j ≡ l: consecutive lanes read consecutive xᵢⱼ)
        for (int j = lane; j < p; j += lanes)
        {
            double acc = 0;
            for (int i = 0; i < n; i++)
                acc += wide.ToDouble(problem.Response[y0 + i]) * wide.ToDouble(design[i * p + j]);
            views.Correlation[j] = acc * invN;
        }
        double yy = 0;
        for (int i = 0; i < n; i++)
        {
            double yi = wide.ToDouble(problem.Response[y0 + i]);
            yy += yi * yi;
        }
        Warp.Barrier();
        GramCoordinateDescentKernel.Solve<T, TPenalty, TPrecision, TStart>(problem, state, certificate, window, start, k, gram,
            views, design, 0, yy * invN, lane, lanes);
    }
}
