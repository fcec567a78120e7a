using System.Numerics;

namespace GpuSparse.Kernels.Penalties;

/// <summary>The soft-threshold operator <c>S(z, τ) = sign(z)·max(|z| − τ, 0)</c>, the proximal map of <c>τ|·|</c>.</summary>
public static class SoftThreshold
{
    /// <summary>Returns <c>sign(z)·max(|z| − τ, 0)</c>; exactly zero when <c>|z| ≤ τ</c>.</summary>
    public static T Apply<T>(T z, T tau) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Branches rather than sign·max so that the result is an exact zero inside the threshold
        // and so that ILGPU emits plain selects on the device.
        if (z > tau)
            return z - tau;
        if (z < -tau)
            return z + tau;
        return T.Zero;
    }
}
