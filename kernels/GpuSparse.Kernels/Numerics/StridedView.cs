using System.Numerics;
using GpuSparse.Kernels.Penalties;
using ILGPU;

namespace GpuSparse.Kernels.Numerics;

/// <summary>
/// A strided view of a vector, element i at <c>offset + i·stride</c> of its storage: what the solver math of
/// <c>GpuSparse.Kernels.Steps</c> reads and writes, so that one piece of code runs on host arrays and on device
/// views alike (stride 1 for a contiguous vector or a row of a row-major matrix, p for one of its columns).
/// </summary>
/// <remarks>Implemented by structs so that the JIT and ILGPU specialise the math for each storage (no virtual call).</remarks>
public interface IStridedView<T, TView> : IVector<T> where T : unmanaged, IFloatingPointIeee754<T> where TView : struct, IStridedView<T, TView>
{
    /// <summary>The view whose element i is element <c>start + i·step</c> of this one (a row or a column of a matrix).</summary>
    TView Slice(int start, int step);
}

/// <summary>A strided view of a managed array (host code only).</summary>
public readonly struct HostView<T> : IStridedView<T, HostView<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _array;
    private readonly int _offset, _stride;

    /// <summary>The view of <paramref name="array"/> whose element i is at <c>offset + i·stride</c>.</summary>
    public HostView(T[] array, int offset = 0, int stride = 1) => (_array, _offset, _stride) = (array, offset, stride);

    /// <inheritdoc />
    public T this[int index]
    {
        get => _array[_offset + index * _stride];
        set => _array[_offset + index * _stride] = value;
    }

    /// <inheritdoc />
    public HostView<T> Slice(int start, int step) => new(_array, _offset + start * _stride, _stride * step);
}

/// <summary>A strided view of a device <see cref="ArrayView{T}"/> (global or shared memory).</summary>
public readonly struct DeviceView<T> : IStridedView<T, DeviceView<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ArrayView<T> _view;
    private readonly int _offset, _stride;

    /// <summary>The view of <paramref name="view"/> whose element i is at <c>offset + i·stride</c>.</summary>
    public DeviceView(ArrayView<T> view, int offset = 0, int stride = 1) => (_view, _offset, _stride) = (view, offset, stride);

    /// <inheritdoc />
    public T this[int index]
    {
        get => _view[_offset + index * _stride];
        set => _view[_offset + index * _stride] = value;
    }

    /// <inheritdoc />
    public DeviceView<T> Slice(int start, int step) => new(_view, _offset + start * _stride, _stride * step);
}
