using System.Numerics;
using GpuSparse.Kernels.Numerics;

namespace GpuSparse.Kernels.Steps;

/// <summary>
/// FISTA's extrapolation with gradient-based adaptive restart (O'Donoghue and Candès 2015), written once for the
/// reference iteration and every device kernel: <c>z = β⁺ + ((t_k − 1)/t_{k+1})·(β⁺ − β)</c>,
/// <c>t_{k+1} = (1 + √(1 + 4t_k²))/2</c>, restarted (t = 1, z = β⁺) when the step goes uphill, (z − β⁺)·(β⁺ − β) &gt; 0.
/// The parts are exposed so that a kernel may split the coordinates over its threads.
/// </summary>
public static class FistaStep
{
    /// <summary>(z − β⁺)·(β⁺ − β), in ascending j: the step went uphill when it is positive.</summary>
    public static T Uphill<T, TView>(TView z, TView next, TView beta, int features)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TView : struct, IStridedView<T, TView>
    {
        T uphill = T.Zero;
        for (int j = 0; j < features; j++)
            uphill += UphillTerm(z[j], next[j], beta[j]);
        return uphill;
    }

    /// <summary>Coordinate j's term of <see cref="Uphill{T, TView}"/>: (zⱼ − β⁺ⱼ)·(β⁺ⱼ − βⱼ).</summary>
    public static T UphillTerm<T>(T z, T next, T beta) where T : unmanaged, IFloatingPointIeee754<T> => (z - next) * (next - beta);

    /// <summary>t_{k+1} = (1 + √(1 + 4t_k²))/2, and the extrapolation weight (t_k − 1)/t_{k+1}.</summary>
    public static T Advance<T>(T momentum, out T weight) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T two = T.One + T.One, four = two + two;
        T following = (T.One + T.Sqrt(T.One + four * momentum * momentum)) / two;
        weight = (momentum - T.One) / following;
        return following;
    }

    /// <summary>zⱼ = β⁺ⱼ on a restart, else β⁺ⱼ + weight·(β⁺ⱼ − βⱼ).</summary>
    public static T Point<T>(T next, T beta, T weight, bool restart) where T : unmanaged, IFloatingPointIeee754<T> =>
        restart ? next : next + weight * (next - beta);

    /// <summary>The whole extrapolation on one thread: writes z, returns t_{k+1} (1 on a restart).</summary>
    public static T Apply<T, TView>(TView z, TView next, TView beta, int features, T momentum)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TView : struct, IStridedView<T, TView>
    {
        bool restart = Uphill<T, TView>(z, next, beta, features) > T.Zero;
        T weight = T.Zero;
        T following = restart ? T.One : Advance(momentum, out weight);
        for (int j = 0; j < features; j++)
            z[j] = Point(next[j], beta[j], weight, restart);
        return following;
    }
}
