using System.Numerics;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.Penalties;
using ILGPU;

namespace GpuSparse.Kernels.OnChip;

/// <summary>
/// Coordinate descent on the Gram form for a batch on one shared X_w (many y, λ or l1_ratio: a sweep), a group of W
/// warps per W problems: the group stages X_w in shared memory and forms the upper half of G = X_wᵀX_w/n there once,
/// then warp w solves its own problem exactly as <see cref="GramCoordinateDescentKernel"/> does (its c = X_wᵀy_c/n
/// from the staged X_w, the same sweeps, checks, stopping rule and certificate, the checks from X reading the staged
/// X_w), so G is formed once per W problems instead of once per problem.
/// </summary>
/// <remarks>
/// G, c and ‖y_c‖² are summed in ascending i from the same float64 products as the per-problem kernel, and the solve
/// is its code (<see cref="GramCoordinateDescentKernel.Solve"/>), so both give the same bits where the device rounds
/// alike. After the setup, the group never synchronises again: its warps finish at different sweeps, and a warp
/// whose slot has no active problem (finished, invalid, or past the launched problems when K is not a multiple of
/// W) leaves right after it. A group none of whose problems is active leaves before the setup.
/// Shared memory: <see cref="SharedDoubles"/> doubles per group.
/// </remarks>
public static class SharedGramCoordinateDescentKernel
{
    /// <summary>The most warps a group holds (problems sharing one G).</summary>
    public const int MaxWarps = 8;

    /// <summary>The shared memory a group may take: the 48 KB a CUDA launch gets without opting in to more.</summary>
    public const int MaxSharedBytes = 48 * 1024;

    /// <summary>Shared memory per group of <paramref name="warps"/> warps, in doubles: G's upper half, X_w in the working precision, each warp's vectors.</summary>
    public static int SharedDoubles(int warps, int samples, int features, int elementBytes) =>
        GramCoordinateDescentKernel.GramDoubles(features) + DesignDoubles(samples, features, elementBytes)
        + warps * WarpGramViews<double>.Doubles(features);

    /// <summary>
    /// The warps a group holds for problems of n × p on a device with warps of <paramref name="lanes"/> and groups of at
    /// most <paramref name="maxGroupThreads"/>: as many as fit <see cref="MaxSharedBytes"/>, up to <see cref="MaxWarps"/>;
    /// 0 when not even one fits (or p exceeds <see cref="GramCoordinateDescentKernel.MaxFeatures"/>).
    /// </summary>
    public static int Warps(int samples, int features, int lanes, int maxGroupThreads, int elementBytes)
    {
        if (features > GramCoordinateDescentKernel.MaxFeatures)
            return 0;
        long fixedBytes = 8L * (GramCoordinateDescentKernel.GramDoubles(features) + DesignDoubles(samples, features, elementBytes));
        long perWarp = 8L * WarpGramViews<double>.Doubles(features);
        long fit = (MaxSharedBytes - fixedBytes) / perWarp;
        return (int)Math.Clamp(Math.Min(fit, maxGroupThreads / Math.Max(1, lanes)), 0, MaxWarps);
    }

    // X_w (n·p elements of the working precision) in doubles' room.
    private static int DesignDoubles(int samples, int features, int elementBytes) =>
        (int)(((long)samples * features * elementBytes + sizeof(double) - 1) / sizeof(double));

    /// <summary>The kernel: warp w of group g solves the problem of slot g·W + w (see <see cref="IterateViews{T}.Problem"/>) over the sweeps of <paramref name="window"/>.</summary>
    /// <param name="problem">The problems' data (one shared X_w, each problem's y_c, l1, l2).</param>
    /// <param name="state">β, the best iterate, statuses and the active list (the FISTA views are unused).</param>
    /// <param name="certificate">The certificate state (the residual scratch is used by checks from X).</param>
    /// <param name="window">The sweeps of this launch and the stopping options.</param>
    /// <param name="slots">The problems launched (slots at or past it are empty).</param>
    /// <param name="start">What the problem's first check and its end also do (<see cref="IProblemStart{T}"/>: lane l its coordinates).</param>
    public static void Run<T, TPenalty, TPrecision, TStart>(ProblemViews<T> problem, IterateViews<T> state, CertificateViews certificate,
        GramWindow window, int slots, TStart start)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
        where TPrecision : struct, IWorkingPrecision<T>
        where TStart : struct, IProblemStart<T>
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
        int g = GramCoordinateDescentKernel.GramDoubles(p), d = DesignDoubles(n, p, Interop.SizeOf<T>());
        var gram = shared.SubView(0, g);
        var design = shared.SubView(g, d).Cast<T>().SubView(0, n * p);
        // X_w is contiguous: consecutive threads read consecutive addresses
        for (int e = thread; e < n * p; e += threads)
            design[e] = problem.Design[e];
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
        // cⱼ = Σᵢ yᵢ·xᵢⱼ/n and ‖y_c‖²/n, in ascending i
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
