using System.Numerics;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Kernels.Steps;
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
        T step = problem.Step[k], stepOverN = problem.StepOverN[k];
        T momentum = state.Momentum[k];
        var design = new DeviceView<T>(x);
        var response = new DeviceView<T>(problem.Response, s0);
        DeviceView<T> z = new(state.Z, b0), next = new(state.Next, b0), beta = new(state.Beta, b0), residual = new(state.Residual, s0);
        for (int it = 0; it < iterations; it++)
        {
            // r = y_c − X_w z (thread per row)
            for (int i = thread; i < n; i += threads)
                residual[i] = ProximalGradientStep.Residual<T, DeviceView<T>>(design, response, z, i, p);
            Group.Barrier();
            // c = X_wᵀ r (thread per column, ascending i); β⁺ = prox(z + (t/n)·c)
            for (int j = thread; j < p; j += threads)
            {
                T c = ProximalGradientStep.Correlation<T, DeviceView<T>>(design, residual, j, n, p);
                int e = b0 + j;
                state.Correlation[e] = c;
                next[j] = ProximalGradientStep.Forward<T, TPenalty>(z[j], c, step, stepOverN, problem.L1[e], problem.L2[e]);
            }
            Group.Barrier();
            if (accelerated != 0)
            {
                // uphill = (z − β⁺)·(β⁺ − β), in ascending j on every thread (each reads the same values)
                bool restart = FistaStep.Uphill<T, DeviceView<T>>(z, next, beta, p) > T.Zero;
                T weight = T.Zero;
                momentum = restart ? T.One : FistaStep.Advance(momentum, out weight);
                Group.Barrier();
                // z = β⁺ + weight·(β⁺ − β), or z = β⁺ on restart
                for (int j = thread; j < p; j += threads)
                    z[j] = FistaStep.Point(next[j], beta[j], weight, restart);
            }
            // β = β⁺ (for ISTA z is β, so z = β⁺ as well)
            for (int j = thread; j < p; j += threads)
                beta[j] = next[j];
            Group.Barrier();
        }
        if (thread == 0)
            state.Momentum[k] = momentum;
    }
}
