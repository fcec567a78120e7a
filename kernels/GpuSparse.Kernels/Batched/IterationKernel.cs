using System.Numerics;
using GpuSparse.Kernels.Penalties;
using ILGPU;

namespace GpuSparse.Kernels.Batched;

/// <summary>
/// One check interval of ISTA/FISTA for every active problem: one thread per problem runs
/// <c>iterations</c> steps sequentially, in the reference's operation order. Finished problems do nothing.
/// </summary>
public static class IterationKernel
{
    /// <summary>The kernel: a thread advances its problem k (see <see cref="IterateViews{T}.Problem"/>) by <paramref name="iterations"/> steps.</summary>
    /// <param name="index">The device thread, mapped to its problem k by <see cref="IterateViews{T}.Problem"/>.</param>
    /// <param name="problem">The problems' data.</param>
    /// <param name="state">The iteration state (for ISTA, <see cref="IterateViews{T}.Z"/> is <see cref="IterateViews{T}.Beta"/>).</param>
    /// <param name="iterations">Steps to take.</param>
    /// <param name="accelerated">1 for FISTA, 0 for ISTA.</param>
    public static void Run<T, TPenalty>(Index1D index, ProblemViews<T> problem, IterateViews<T> state, int iterations, int accelerated)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
    {
        int k = state.Problem(index);
        if (state.Status[k] != BatchStatus.Active)
            return;
        int p = problem.Features, first = problem.Coordinate(k, 0);
        T momentum = state.Momentum[k];
        for (int it = 0; it < iterations; it++)
        {
            // β⁺ = prox(z + (t/n)·X_wᵀ(y_c − X_w z))
            GradientProxStep.Apply<T, TPenalty>(problem, state, k);
            // FISTA: z = β⁺ + ((t_k − 1)/t_{k+1})·(β⁺ − β), or restart
            if (accelerated != 0)
                momentum = FistaExtrapolation.Apply(state, p, k, momentum);
            // β = β⁺ (for ISTA z is β, so z = β⁺ as well)
            for (int e = first; e < first + p; e++)
                state.Beta[e] = state.Next[e];
        }
        state.Momentum[k] = momentum;
    }
}
