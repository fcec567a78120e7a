using System.Numerics;
using GpuSparse.Kernels.Numerics;
using ILGPU;

namespace GpuSparse.Kernels.Penalties;

/// <summary>A host span read as float64.</summary>
public readonly ref struct SpanValues<T>(ReadOnlySpan<T> values) : IValues where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> _values = values;

    /// <inheritdoc />
    public double this[int j] => double.CreateTruncating(_values[j]);
}

/// <summary>A host span in the working precision.</summary>
public readonly ref struct SpanVector<T>(Span<T> values) : IVector<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Span<T> _values = values;

    /// <inheritdoc />
    public T this[int j]
    {
        get => _values[j];
        set => _values[j] = value;
    }
}

/// <summary>The coordinates of one problem in a device view, from <c>offset</c>, read as float64.</summary>
public readonly struct DeviceValues<T, TPrecision>(ArrayView<T> values, int offset) : IValues
    where T : unmanaged, IFloatingPointIeee754<T>
    where TPrecision : struct, IWorkingPrecision<T>
{
    private readonly ArrayView<T> _values = values;
    private readonly int _offset = offset;

    /// <inheritdoc />
    public double this[int j] => default(TPrecision).ToDouble(_values[_offset + j]);
}

/// <summary>One problem's block ends in a device view, from <c>offset</c> (relative to the problem's first coordinate).</summary>
public readonly struct DeviceBlockEnds(ArrayView<int> blockEnds, int offset) : IBlockEnds
{
    private readonly ArrayView<int> _blockEnds = blockEnds;
    private readonly int _offset = offset;

    /// <inheritdoc />
    public int BlockEnd(int start) => _blockEnds[_offset + start];
}

/// <summary>
/// One problem's penalty weights in device views: l1ⱼ and l2ⱼ at <c>weightOffset + j</c>, block ends (relative to
/// the problem's first coordinate) at <c>blockOffset + j</c> (an empty view for coordinate-wise penalties).
/// </summary>
public readonly struct DeviceWeights<T, TPrecision>(ArrayView<T> l1, ArrayView<T> l2, int weightOffset,
    ArrayView<int> blockEnds, int blockOffset) : IPenaltyWeights
    where T : unmanaged, IFloatingPointIeee754<T>
    where TPrecision : struct, IWorkingPrecision<T>
{
    private readonly ArrayView<T> _l1 = l1, _l2 = l2;
    private readonly DeviceBlockEnds _blocks = new(blockEnds, blockOffset);
    private readonly int _weightOffset = weightOffset;

    /// <inheritdoc />
    public double L1Weight(int j) => default(TPrecision).ToDouble(_l1[_weightOffset + j]);

    /// <inheritdoc />
    public double L2Weight(int j) => default(TPrecision).ToDouble(_l2[_weightOffset + j]);

    /// <inheritdoc />
    public int BlockEnd(int start) => _blocks.BlockEnd(start);
}
