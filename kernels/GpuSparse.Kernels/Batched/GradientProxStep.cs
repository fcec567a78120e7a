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
    public static void Apply<T, TProx>(ProblemViews<T> problem, IterateViews<T> state, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TProx : struct, IProximal<T>
    {
        int n = problem.Samples, p = problem.Features, stride = problem.Count;
        // r = y_c − X_w z
        for (int i = 0; i < n; i++)
        {
            T acc = T.Zero;
            for (int j = 0; j < p; j++)
                acc += problem.X(i, j, k) * state.Z[j * stride + k];
            state.Residual[i * stride + k] = problem.Response[i * stride + k] - acc;
        }
        // c = X_wᵀ r (ascending i for every j), so that −∇f(z) = c/n
        for (int j = 0; j < p; j++)
            state.Correlation[j * stride + k] = T.Zero;
        for (int i = 0; i < n; i++)
        {
            T ri = state.Residual[i * stride + k];
            for (int j = 0; j < p; j++)
                state.Correlation[j * stride + k] += problem.X(i, j, k) * ri;
        }
        // β⁺ = prox(z + (t/n)·c) with l1 = t·λ·r·wⱼ, l2 = t·λ·(1 − r)·wⱼ
        T step = problem.Step[k], stepOverN = problem.StepOverN[k];
        var prox = default(TProx);
        for (int j = 0; j < p; j++)
        {
            int e = j * stride + k;
            state.Next[e] = prox.Apply(state.Z[e] + stepOverN * state.Correlation[e], step * problem.L1[e], step * problem.L2[e]);
        }
    }
}
