using ILGPU;

namespace GpuSparse.Kernels.Numerics;

/// <summary>
/// A strided view of a vector, element i at <c>offset + i·stride</c> of its storage: what the solver math of
/// <c>GpuSparse.Kernels.Steps</c> reads and writes, so that one piece of code runs on host arrays and on device
/// views alike (stride 1 for a contiguous vector, p for a column of a row-major matrix, K for an interleaved layout).
/// </summary>
/// <remarks>Implemented by structs so that the JIT and ILGPU specialise the math for each storage (no virtual call).</remarks>
public interface IStridedView<T> where T : unmanaged
{
    /// <summary>Element <paramref name="index"/> of the view.</summary>
    T this[int index] { get; set; }
}

/// <summary>A strided view of a managed array (host code only).</summary>
public readonly struct HostView<T>(T[] array, int offset = 0, int stride = 1) : IStridedView<T> where T : unmanaged
{
    /// <inheritdoc />
    public T this[int index]
    {
        get => array[offset + index * stride];
        set => array[offset + index * stride] = value;
    }
}

/// <summary>A strided view of a device <see cref="ArrayView{T}"/> (global or shared memory).</summary>
public readonly struct DeviceView<T>(ArrayView<T> view, int offset = 0, int stride = 1) : IStridedView<T> where T : unmanaged
{
    /// <inheritdoc />
    public T this[int index]
    {
        get => view[offset + index * stride];
        set => view[offset + index * stride] = value;
    }
}
