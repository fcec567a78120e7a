using System.Numerics;
using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Kernels.Steps;

namespace GpuSparse.Kernels.Batched;

/// <summary>
/// One proximal gradient step of problem k, β⁺ = prox(z − t∇f(z)), written to <see cref="IterateViews{T}.Next"/>:
/// <see cref="ProximalGradientStep"/> (the reference iteration's own code) on problem k's views.
/// </summary>
public static class GradientProxStep
{
    /// <summary>Computes β⁺ for problem <paramref name="k"/>.</summary>
    public static void Apply<T, TPenalty>(ProblemViews<T> problem, IterateViews<T> state, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
    {
        int b0 = problem.Coordinate(k, 0), s0 = problem.Sample(k, 0);
        ProximalGradientStep.Apply<T, TPenalty, DeviceView<T>, DeviceBlockEnds>(new(problem.Design, problem.DesignOffset(k)),
            new(problem.Response, s0), new(problem.L1, b0), new(problem.L2, b0), new(problem.BlockEnds, b0), problem.Step[k],
            problem.StepOverN[k], problem.Samples, problem.Features, new(state.Z, b0), new(state.Residual, s0),
            new(state.Correlation, b0), new(state.Next, b0));
    }
}
