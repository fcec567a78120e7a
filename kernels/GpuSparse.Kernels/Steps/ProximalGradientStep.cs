using System.Numerics;
using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.Penalties;

namespace GpuSparse.Kernels.Steps;

/// <summary>
/// One proximal gradient (ISTA) step of one problem, <c>β⁺ = prox(z − t∇f(z)) = prox(z + (t/n)·X_wᵀ(y_c − X_w z))</c>,
/// written once for the reference iteration (host arrays) and every device kernel (device views): X_w is row-major
/// n × p with X_w[i, j] at <c>i·s + j</c> of its view (s, the row stride, is p as X_w lies; more where a kernel pads its rows). The parts are exposed so that a kernel may split the rows of the
/// residual and the columns of the correlation over its threads; each sum runs in ascending index order whoever runs it,
/// so results agree to the last bit wherever the device rounds like the CPU.
/// </summary>
public static class ProximalGradientStep
{
    /// <summary>Σᵢ aᵢ·bᵢ over i &lt; <paramref name="length"/>, in ascending i.</summary>
    public static T Dot<T, TView>(TView a, TView b, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TView : struct, IStridedView<T, TView> =>
        Dot(T.Zero, a, b, length);

    /// <summary>
    /// <paramref name="sum"/> + Σᵢ aᵢ·bᵢ over i &lt; <paramref name="length"/>, added in ascending i: a dot continued over
    /// consecutive parts of two vectors makes the operations of one <see cref="Dot{T, TView}(TView, TView, int)"/> over them.
    /// </summary>
    public static T Dot<T, TView>(T sum, TView a, TView b, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TView : struct, IStridedView<T, TView>
    {
        for (int i = 0; i < length; i++)
            sum += a[i] * b[i];
        return sum;
    }

    /// <summary>
    /// rᵢ = y_c,i − X_w[i, :]·z (row i of the design, ascending j); a kernel that reads the row in parts continues one
    /// <see cref="Dot{T, TView}(T, TView, TView, int)"/> over them.
    /// </summary>
    public static T Residual<T, TView>(TView design, TView response, TView z, int i, int features)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TView : struct, IStridedView<T, TView> =>
        response[i] - Dot<T, TView>(design.Slice(i * features, 1), z, features);

    /// <summary>cⱼ = X_w[:, j]·r (column j of the design, a view of stride <paramref name="rowStride"/>, ascending i), so that −∇f(z)ⱼ = cⱼ/n.</summary>
    public static T Correlation<T, TView>(TView design, TView residual, int j, int samples, int rowStride)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TView : struct, IStridedView<T, TView> =>
        Dot<T, TView>(design.Slice(j, rowStride), residual, samples);

    /// <summary>β⁺ⱼ = prox(zⱼ + (t/n)·cⱼ) with the step's weights t·l1ⱼ and t·l2ⱼ (l1ⱼ = λ·r·wⱼ, l2ⱼ = λ·(1 − r)·wⱼ).</summary>
    public static T Forward<T, TPenalty>(T z, T correlation, T step, T stepOverN, T l1, T l2)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T> =>
        default(TPenalty).Proximal(z + stepOverN * correlation, step * l1, step * l2);

    /// <summary>
    /// The whole step on one thread: r = y_c − X_w z into <paramref name="residual"/>, c = X_wᵀr into
    /// <paramref name="correlation"/> and β⁺ into <paramref name="next"/> (t = <paramref name="step"/>, t/n = <paramref name="stepOverN"/>),
    /// the proximal map block by block (<paramref name="blocks"/>; a block of one coordinate is <see cref="Forward"/>'s map, bit for bit).
    /// </summary>
    public static void Apply<T, TPenalty, TView, TBlocks>(TView design, TView response, TView l1, TView l2, TBlocks blocks,
        T step, T stepOverN, int samples, int features, TView z, TView residual, TView correlation, TView next)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
        where TView : struct, IStridedView<T, TView>
        where TBlocks : IBlockEnds, allows ref struct
    {
        // r = y_c − X_w z
        for (int i = 0; i < samples; i++)
            residual[i] = Residual<T, TView>(design, response, z, i, features);
        // c = X_wᵀr; z + (t/n)·c
        for (int j = 0; j < features; j++)
        {
            T c = Correlation<T, TView>(design, residual, j, samples, features);
            correlation[j] = c;
            T forward = z[j] + stepOverN * c;
            next[j] = forward;
        }
        // β⁺ = prox(z + (t/n)·c) block by block, with t·l1 and t·l2 read at the block's first coordinate
        var penalty = default(TPenalty);
        for (int j = 0, end; j < features; j = end)
        {
            end = penalty.BlockEnd(blocks, j);
            penalty.BlockProximal(next, j, end, step * l1[j], step * l2[j]);
        }
    }
}
