using System.Numerics;
using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.Steps;

namespace GpuSparse.Kernels.Batched;

/// <summary>FISTA's extrapolation of problem k: <see cref="FistaStep"/> (the reference iteration's own code) on problem k's views.</summary>
public static class FistaExtrapolation
{
    /// <summary>Writes z from β⁺ and β (see <see cref="FistaStep"/>); returns t_{k+1}.</summary>
    public static T Apply<T>(IterateViews<T> state, int features, int k, T momentum)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int first = k * features;
        return FistaStep.Apply<T, DeviceView<T>>(new(state.Z, first), new(state.Next, first), new(state.Beta, first), features, momentum);
    }
}
