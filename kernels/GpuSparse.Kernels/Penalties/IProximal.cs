using System.Numerics;

namespace GpuSparse.Kernels.Penalties;

/// <summary>
/// The proximal map of one coordinate's penalty, scaled by the step size t:
/// <c>prox(z) = argmin_b ½(b − z)² + l1·|b| + ½·l2·b² (+ constraint)</c>,
/// where the caller passes <c>l1 = t·λ·r·wⱼ</c> and <c>l2 = t·λ·(1 − r)·wⱼ</c>.
/// </summary>
/// <remarks>
/// Implemented by structs so that the JIT and ILGPU specialise every solver for every penalty
/// (no virtual call in the inner loop, no boxing on the device). A new penalty is one new struct.
/// </remarks>
public interface IProximal<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Applies the proximal map to <paramref name="z"/>.</summary>
    T Apply(T z, T l1, T l2);
}
