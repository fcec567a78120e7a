using System.Numerics;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Penalties;
using ILGPU;

namespace GpuSparse.Kernels.OnChip;

/// <summary>
/// One check interval of ISTA/FISTA with a thread block per problem, for problems too wide for the Gram kernel
/// (p &gt; 64, e.g. 50 × 200): X is copied into shared memory once per launch when it fits
/// (<see cref="DesignFits"/>) and read from there by every step; the residual's rows are split over the threads,
/// then the correlations' columns. Every sum runs in the reference iteration's order and expressions (row dots in
/// ascending j, column sums in ascending i, the restart test in ascending j on one thread), so results are the
/// reference's to the last bit wherever the device rounds like the CPU, as for <see cref="IterationKernel"/>.
/// The gap checks run on <see cref="GapKernel"/> (same layout).
/// </summary>
public static class BlockIterationKernel
{
    /// <summary>The most bytes of X kept in shared memory (the rest of the 48 KB a group may use goes to the scalars).</summary>
    public const int MaxSharedDesignBytes = 40 * 1024;

    /// <summary>Whether an n × p design of <paramref name="elementBytes"/>-byte values fits in shared memory.</summary>
    public static bool DesignFits(int samples, int features, int elementBytes) =>
        (long)samples * features * elementBytes <= MaxSharedDesignBytes;

    /// <summary>The kernel: group g advances problem k (see <see cref="IterateViews{T}.Problem"/>) by <paramref name="iterations"/> steps.</summary>
    /// <param name="problem">The problems' data.</param>
    /// <param name="state">The iteration state (for ISTA, <see cref="IterateViews{T}.Z"/> is <see cref="IterateViews{T}.Beta"/>).</param>
    /// <param name="iterations">Steps to take.</param>
    /// <param name="accelerated">1 for FISTA, 0 for ISTA.</param>
    /// <param name="designShared">1 when X is staged in the group's dynamic shared memory (n·p values), 0 to read it from device memory.</param>
    public static void Run<T, TPenalty>(ProblemViews<T> problem, IterateViews<T> state, int iterations, int accelerated, int designShared)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
    {
        int k = state.Problem(Grid.IdxX);
        if (state.Status[k] != BatchStatus.Active)
            return;
        int thread = Group.IdxX, threads = Group.DimX;
        int n = problem.Samples, p = problem.Features;
        int x0 = problem.DesignOffset(k), b0 = problem.Coordinate(k, 0), s0 = problem.Sample(k, 0);
        var shared = SharedMemory.GetDynamic<T>();
        var x = designShared != 0 ? shared.SubView(0, n * p) : problem.Design.SubView(x0, n * p);
        if (designShared != 0)
        {
            // consecutive threads copy consecutive values of the problem's contiguous X
            for (int e = thread; e < n * p; e += threads)
                x[e] = problem.Design[x0 + e];
            Group.Barrier();
        }
        var prox = default(TPenalty);
        T step = problem.Step[k], stepOverN = problem.StepOverN[k];
        T momentum = state.Momentum[k];
        T two = T.One + T.One, four = two + two;
        for (int it = 0; it < iterations; it++)
        {
            // r = y_c − X_w z (thread per row)
            for (int i = thread; i < n; i += threads)
            {
                T acc = T.Zero;
                for (int j = 0; j < p; j++)
                    acc += x[i * p + j] * state.Z[b0 + j];
                state.Residual[s0 + i] = problem.Response[s0 + i] - acc;
            }
            Group.Barrier();
            // c = X_wᵀ r (thread per column, ascending i); β⁺ = prox(z + (t/n)·c)
            for (int j = thread; j < p; j += threads)
            {
                T acc = T.Zero;
                for (int i = 0; i < n; i++)
                    acc += x[i * p + j] * state.Residual[s0 + i];
                state.Correlation[b0 + j] = acc;
                int e = b0 + j;
                state.Next[e] = prox.Proximal(state.Z[e] + stepOverN * acc, step * problem.L1[e], step * problem.L2[e]);
            }
            Group.Barrier();
            if (accelerated != 0)
            {
                // uphill = (z − β⁺)·(β⁺ − β), in ascending j on every thread (each reads the same values)
                T uphill = T.Zero;
                for (int e = b0; e < b0 + p; e++)
                    uphill += (state.Z[e] - state.Next[e]) * (state.Next[e] - state.Beta[e]);
                T weight = T.Zero;
                bool restart = uphill > T.Zero;
                if (restart)
                    momentum = T.One;
                else
                {
                    // t_{k+1} = (1 + √(1 + 4t_k²))/2, weight = (t_k − 1)/t_{k+1}
                    T following = (T.One + T.Sqrt(T.One + four * momentum * momentum)) / two;
                    weight = (momentum - T.One) / following;
                    momentum = following;
                }
                Group.Barrier();
                // z = β⁺ + weight·(β⁺ − β), or z = β⁺ on restart
                for (int j = thread; j < p; j += threads)
                {
                    int e = b0 + j;
                    state.Z[e] = restart ? state.Next[e] : state.Next[e] + weight * (state.Next[e] - state.Beta[e]);
                }
            }
            // β = β⁺ (for ISTA z is β, so z = β⁺ as well)
            for (int j = thread; j < p; j += threads)
                state.Beta[b0 + j] = state.Next[b0 + j];
            Group.Barrier();
        }
        if (thread == 0)
            state.Momentum[k] = momentum;
    }
}
