using System.Numerics;

namespace GpuSparse.Kernels.Penalties;

/// <summary>
/// Elastic-net proximal map: soft-thresholding by <c>l1</c>, then the ridge shrink
/// <c>S(z, l1) / (1 + l2)</c>. Lasso is <c>l2 = 0</c>, Ridge is <c>l1 = 0</c>.
/// </summary>
public readonly struct ElasticNetProximal<T> : IProximal<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc />
    public T Apply(T z, T l1, T l2) => SoftThreshold.Apply(z, l1) / (T.One + l2);
}

/// <summary>
/// Elastic-net proximal map restricted to <c>b ≥ 0</c> (scikit-learn's <c>positive=True</c>):
/// <c>max(z − l1, 0) / (1 + l2)</c>, the projection of the unconstrained map onto the orthant.
/// </summary>
public readonly struct NonNegativeElasticNetProximal<T> : IProximal<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc />
    public T Apply(T z, T l1, T l2)
    {
        T shifted = z - l1;
        return shifted > T.Zero ? shifted / (T.One + l2) : T.Zero;
    }
}
