using System.Numerics;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Kernels.Steps;
using ILGPU;

namespace GpuSparse.Kernels.OnChip;

/// <summary>
/// One check interval of ISTA/FISTA with a thread block per problem, for problems too wide for the Gram kernel
/// (p &gt; 64, e.g. 50 × 200, 64 × 256, 100 × 500): at the launch's start the block copies its problem's z, β, l1, l2
/// and y_c into shared memory, and X too where both fit (<see cref="Placement"/>); every step then reads and writes
/// r, β⁺, z and β there only, and the launch ends by writing z and β back for the gap check and the next launch
/// (the momentum stays in thread 0's register). The residual's rows are split over the threads, then the correlations'
/// columns. Every sum runs in the reference iteration's order and expressions (row dots in ascending j, column sums in
/// ascending i, the restart test in ascending j on thread 0), so results are the reference's to the last bit
/// wherever the device rounds like the CPU, as for <see cref="IterationKernel"/>, in every placement.
/// The gap checks run on <see cref="GapKernel"/> (same layout).
/// </summary>
public static class BlockIterationKernel
{
    /// <summary>The shared memory a group may take: the 48 KB a CUDA launch gets without opting in to more.</summary>
    public const int MaxSharedBytes = 48 * 1024;

    /// <summary>The doubles after X and the state that hand thread 0's restart decision to the block: the weight and the flag.</summary>
    public const int HandOffDoubles = 2;

    /// <summary>
    /// Where the group keeps X_w and the state for problems of n × p with <paramref name="elementBytes"/>-byte values:
    /// both in shared memory where they fit <see cref="MaxSharedBytes"/> (with <see cref="HandOffDoubles"/>), else the
    /// state alone where it fits, else neither (the one size rule of the engine).
    /// </summary>
    public static BlockPlacement Placement(int samples, int features, int elementBytes)
    {
        long design = default(StagedDesign).DesignDoubles(samples, features, elementBytes);
        long state = default(StagedState).StateDoubles(samples, features, elementBytes);
        return (design + state + HandOffDoubles) * sizeof(double) <= MaxSharedBytes ? BlockPlacement.DesignAndState
            : (state + HandOffDoubles) * sizeof(double) <= MaxSharedBytes ? BlockPlacement.State
            : BlockPlacement.GlobalMemory;
    }

    /// <summary>The shared memory of a group in <paramref name="placement"/>, in doubles.</summary>
    public static int SharedDoubles(BlockPlacement placement, int samples, int features, int elementBytes) => HandOffDoubles + placement switch
    {
        BlockPlacement.DesignAndState => default(StagedDesign).DesignDoubles(samples, features, elementBytes)
            + default(StagedState).StateDoubles(samples, features, elementBytes),
        BlockPlacement.State => default(StagedState).StateDoubles(samples, features, elementBytes),
        _ => 0,
    };

    /// <summary>The kernel's placement type arguments (X_w's, the state's) for <paramref name="placement"/>.</summary>
    public static (Type Design, Type State) PlacementTypes(BlockPlacement placement) => placement switch
    {
        BlockPlacement.DesignAndState => (typeof(StagedDesign), typeof(StagedState)),
        BlockPlacement.State => (typeof(GlobalDesign), typeof(StagedState)),
        _ => (typeof(GlobalDesign), typeof(GlobalState)),
    };

    /// <summary>The kernel: group g advances problem k (see <see cref="IterateViews{T}.Problem"/>) by <paramref name="iterations"/> steps.</summary>
    /// <param name="problem">The problems' data.</param>
    /// <param name="state">The iteration state (for ISTA, <see cref="IterateViews{T}.Z"/> is <see cref="IterateViews{T}.Beta"/>).</param>
    /// <param name="iterations">Steps to take.</param>
    /// <param name="accelerated">1 for FISTA, 0 for ISTA.</param>
    public static void Run<T, TPenalty, TDesign, TState>(ProblemViews<T> problem, IterateViews<T> state, int iterations, int accelerated)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
        where TDesign : struct, IDesignPlacement
        where TState : struct, IBlockState
    {
        int k = state.Problem(Grid.IdxX);
        if (state.Status[k] != BatchStatus.Active)
            return;
        int thread = Group.IdxX, threads = Group.DimX;
        int n = problem.Samples, p = problem.Features, b0 = problem.Coordinate(k, 0);
        var shared = SharedMemory.GetDynamic<double>();
        var designPlacement = default(TDesign);
        var statePlacement = default(TState);
        int designDoubles = designPlacement.DesignDoubles(n, p, Interop.SizeOf<T>());
        int stateDoubles = statePlacement.StateDoubles(n, p, Interop.SizeOf<T>());
        // X_w staged (consecutive threads copy consecutive values of the problem's contiguous X) or read where it lies;
        // the state copied in after it, or its global views; then the restart hand-off (weight, flag)
        var design = new DeviceView<T>(designPlacement.Place(problem.Design.SubView(problem.DesignOffset(k), n * p),
            shared.SubView(0, designDoubles), n * p, thread, threads));
        var vectors = statePlacement.Open(problem, state, k, shared.SubView(designDoubles, stateDoubles), accelerated, thread, threads);
        var handOff = shared.SubView(designDoubles + stateDoubles, HandOffDoubles).Cast<T>();
        Group.Barrier();
        T step = problem.Step[k], stepOverN = problem.StepOverN[k];
        T momentum = state.Momentum[k];
        DeviceView<T> z = vectors.Z, next = vectors.Next, beta = vectors.Beta, residual = vectors.Residual;
        for (int it = 0; it < iterations; it++)
        {
            // r = y_c − X_w z (thread per row)
            for (int i = thread; i < n; i += threads)
                residual[i] = ProximalGradientStep.Residual<T, DeviceView<T>>(design, vectors.Response, z, i, p);
            Group.Barrier();
            // c = X_wᵀ r (thread per column, ascending i); β⁺ = prox(z + (t/n)·c)
            for (int j = thread; j < p; j += threads)
            {
                T c = ProximalGradientStep.Correlation<T, DeviceView<T>>(design, residual, j, n, p);
                next[j] = ProximalGradientStep.Forward<T, TPenalty>(z[j], c, step, stepOverN, vectors.L1[j], vectors.L2[j]);
            }
            Group.Barrier();
            if (accelerated != 0)
            {
                if (thread == 0)
                {
                    // uphill = (z − β⁺)·(β⁺ − β) in ascending j; t_{k+1} = (1 + √(1 + 4t_k²))/2 and the weight
                    // (t_k − 1)/t_{k+1}, or t = 1 on a restart: thread 0 alone (one warp's loads of z, β⁺ and β, not
                    // every warp's), handed to the block in shared memory
                    bool uphill = FistaStep.Uphill<T, DeviceView<T>>(z, next, beta, p) > T.Zero;
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
        // β and z back to global memory (each thread the coordinates it wrote), t_k by thread 0 (which formed it)
        statePlacement.Close(vectors, state, b0, p, accelerated, thread, threads);
        if (thread == 0)
            state.Momentum[k] = momentum;
    }
}
