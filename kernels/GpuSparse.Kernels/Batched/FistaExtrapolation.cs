using System.Numerics;

namespace GpuSparse.Kernels.Batched;

/// <summary>FISTA's extrapolation with gradient-based adaptive restart (O'Donoghue and Candès 2015), for problem k.</summary>
public static class FistaExtrapolation
{
    /// <summary>
    /// z = β⁺ + ((t_k − 1)/t_{k+1})·(β⁺ − β), t_{k+1} = (1 + √(1 + 4t_k²))/2, restarted (t = 1, z = β⁺)
    /// when the step goes uphill: (z − β⁺)·(β⁺ − β) &gt; 0. Returns t_{k+1}.
    /// </summary>
    public static T Apply<T>(IterateViews<T> state, int features, int k, T momentum)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // uphill = (z − β⁺)·(β⁺ − β)
        int first = k * features;
        T uphill = T.Zero;
        for (int e = first; e < first + features; e++)
            uphill += (state.Z[e] - state.Next[e]) * (state.Next[e] - state.Beta[e]);
        if (uphill > T.Zero)
        {
            // restart: z = β⁺, t = 1
            for (int e = first; e < first + features; e++)
                state.Z[e] = state.Next[e];
            return T.One;
        }
        T two = T.One + T.One, four = two + two;
        // t_{k+1} = (1 + √(1 + 4t_k²))/2, weight = (t_k − 1)/t_{k+1}
        T following = (T.One + T.Sqrt(T.One + four * momentum * momentum)) / two;
        T weight = (momentum - T.One) / following;
        // z = β⁺ + weight·(β⁺ − β)
        for (int e = first; e < first + features; e++)
            state.Z[e] = state.Next[e] + weight * (state.Next[e] - state.Beta[e]);
        return following;
    }
}
