using System.Numerics;
using GpuSparse.Kernels.Penalties;

namespace GpuSparse.Kernels.Batched;

/// <summary>
/// One proximal gradient step of problem k, β⁺ = prox(z − t∇f(z)), written to <see cref="IterateViews{T}.Next"/>.
/// Sums run in ascending index order with the same expressions as the reference iteration, so that the
/// result is the reference's to the last bit wherever the device rounds like the CPU.
/// </summary>
public static class GradientProxStep
{
    /// <summary>Computes β⁺ for problem <paramref name="k"/>.</summary>
    public static void Apply<T, TPenalty>(ProblemViews<T> problem, IterateViews<T> state, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
    {
        int n = problem.Samples, p = problem.Features;
        int x0 = problem.DesignOffset(k), b0 = problem.Coordinate(k, 0), s0 = problem.Sample(k, 0);
        // r = y_c − X_w z
        for (int i = 0; i < n; i++)
        {
            T acc = T.Zero;
            for (int j = 0; j < p; j++)
                acc += problem.Design[x0 + i * p + j] * state.Z[b0 + j];
            state.Residual[s0 + i] = problem.Response[s0 + i] - acc;
        }
        // c = X_wᵀ r (ascending i for every j), so that −∇f(z) = c/n
        for (int j = 0; j < p; j++)
            state.Correlation[b0 + j] = T.Zero;
        for (int i = 0; i < n; i++)
        {
            T ri = state.Residual[s0 + i];
            for (int j = 0; j < p; j++)
                state.Correlation[b0 + j] += problem.Design[x0 + i * p + j] * ri;
        }
        // β⁺ = prox(z + (t/n)·c) block by block, with l1 = t·λ·r·w, l2 = t·λ·(1 − r)·w
        T step = problem.Step[k], stepOverN = problem.StepOverN[k];
        var prox = default(TPenalty);
        for (int e = b0; e < b0 + p; e++)
            state.Next[e] = state.Z[e] + stepOverN * state.Correlation[e];
        var next = new DeviceVector<T>(state.Next, b0);
        var blocks = new DeviceBlockEnds(problem.BlockEnds, b0);
        for (int j = 0, end; j < p; j = end)
        {
            end = prox.BlockEnd(blocks, j);
            prox.BlockProximal(next, j, end, step * problem.L1[b0 + j], step * problem.L2[b0 + j]);
        }
    }
}
