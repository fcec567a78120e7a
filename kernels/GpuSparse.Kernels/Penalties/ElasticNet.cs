using System.Numerics;
using GpuSparse.Kernels.Numerics;

namespace GpuSparse.Kernels.Penalties;

/// <summary>
/// The elastic net <c>Σⱼ l1ⱼ|βⱼ| + ½·l2ⱼβⱼ²</c>, coordinate-wise: its proximal map is soft-thresholding by l1
/// then the ridge shrink <c>S(z, l1)/(1 + l2)</c>. Lasso is l2 = 0, Ridge is l1 = 0.
/// </summary>
public readonly struct ElasticNet<T> : IPenalty<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc />
    public int BlockEnd<TBlocks>(TBlocks blocks, int start) where TBlocks : IBlockEnds, allows ref struct => start + 1;

    /// <inheritdoc />
    public T Proximal(T z, T l1, T l2) => SoftThreshold.Apply(z, l1) / (T.One + l2);

    /// <inheritdoc />
    public void BlockProximal<TVector>(TVector values, int start, int end, T l1, T l2) where TVector : IVector<T>, allows ref struct
    {
        // into a local first: ILGPU 1.5 cannot compile a setter whose argument makes a call
        T next = Proximal(values[start], l1, l2);
        values[start] = next;
    }

    /// <inheritdoc />
    public double Norm<TValues>(TValues values, int start, int end) where TValues : IValues, allows ref struct => Math.Abs(values[start]);

    /// <inheritdoc />
    public double DualNorm<TValues>(TValues values, int start, int end) where TValues : IValues, allows ref struct => Math.Abs(values[start]);

    /// <inheritdoc />
    public double Support<TValues>(TValues values, int start, int end) where TValues : IValues, allows ref struct => Math.Abs(values[start]);
}

/// <summary>
/// The elastic net restricted to β ≥ 0 (scikit-learn's <c>positive=True</c>): its proximal map is
/// <c>max(z − l1, 0)/(1 + l2)</c>, the projection of the unconstrained map onto the orthant, and its support
/// function is max(v, 0).
/// </summary>
public readonly struct NonNegativeElasticNet<T> : IPenalty<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc />
    public int BlockEnd<TBlocks>(TBlocks blocks, int start) where TBlocks : IBlockEnds, allows ref struct => start + 1;

    /// <inheritdoc />
    public T Proximal(T z, T l1, T l2)
    {
        T shifted = z - l1;
        return shifted > T.Zero ? shifted / (T.One + l2) : T.Zero;
    }

    /// <inheritdoc />
    public void BlockProximal<TVector>(TVector values, int start, int end, T l1, T l2) where TVector : IVector<T>, allows ref struct
    {
        // into a local first: ILGPU 1.5 cannot compile a setter whose argument makes a call
        T next = Proximal(values[start], l1, l2);
        values[start] = next;
    }

    /// <inheritdoc />
    public double Norm<TValues>(TValues values, int start, int end) where TValues : IValues, allows ref struct => Math.Abs(values[start]);

    /// <inheritdoc />
    public double DualNorm<TValues>(TValues values, int start, int end) where TValues : IValues, allows ref struct => Math.Abs(values[start]);

    /// <inheritdoc />
    public double Support<TValues>(TValues values, int start, int end) where TValues : IValues, allows ref struct =>
        NanPreserving.PositivePart(values[start]);
}
