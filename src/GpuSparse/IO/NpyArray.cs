using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace GpuSparse.IO;

/// <summary>Element types that <see cref="NpyReader"/> understands.</summary>
public enum NpyDataType
{
    /// <summary>IEEE 754 binary32 (numpy 'f4').</summary>
    Float32,

    /// <summary>IEEE 754 binary64 (numpy 'f8').</summary>
    Float64,

    /// <summary>Signed 32-bit integer (numpy 'i4').</summary>
    Int32,

    /// <summary>Signed 64-bit integer (numpy 'i8').</summary>
    Int64,

    /// <summary>Unsigned 8-bit integer (numpy 'u1').</summary>
    UInt8,

    /// <summary>Unsigned 64-bit integer (numpy 'u8').</summary>
    UInt64,
}

/// <summary>
/// An n-dimensional array read from a .npy file. Elements are held in C (row-major) order whatever the
/// file's <c>fortran_order</c>, so the conversions below never need to know how the file was laid out.
/// </summary>
/// <remarks>
/// A C-order float64 or float32 file in the machine's byte order is held as the double[] or float[] it was read
/// into, which <see cref="AsDoubles"/> and <see cref="AsSingles"/> lend without a copy. Any other file's bytes are
/// held in segments of a whole number of elements (1 GiB as read from a file), so an array of more than 2 GB (up to
/// <see cref="Array.MaxLength"/> elements) never needs one byte[]; every offset is a long.
/// </remarks>
public sealed class NpyArray
{
    private readonly int[] _shape;
    private readonly byte[][] _segments; // C order, in the file's byte order; empty when _values holds the elements
    private readonly Array? _values; // double[] or float[] in native byte order, C order
    private readonly int _segmentElements;
    private readonly bool _bigEndian;
    private readonly int _itemSize;

    internal NpyArray(int[] shape, NpyDataType dataType, bool bigEndian, byte[][] segments, int segmentElements, long length)
    {
        _shape = shape;
        DataType = dataType;
        _bigEndian = bigEndian;
        _segments = segments;
        _segmentElements = segmentElements;
        _itemSize = ItemSize(dataType);
        Length = length;
    }

    /// <summary>An array of native-order float64 values; <paramref name="values"/> is held, not copied.</summary>
    internal NpyArray(int[] shape, double[] values)
        : this(shape, NpyDataType.Float64, !BitConverter.IsLittleEndian, [], Math.Max(1, values.Length), values.Length) =>
        _values = values;

    /// <summary>An array of native-order float32 values; <paramref name="values"/> is held, not copied.</summary>
    internal NpyArray(int[] shape, float[] values)
        : this(shape, NpyDataType.Float32, !BitConverter.IsLittleEndian, [], Math.Max(1, values.Length), values.Length) =>
        _values = values;

    /// <summary>An array of float64 values in native byte order (as parsed from text input).</summary>
    /// <param name="values">The elements in C order (held, not copied).</param>
    /// <param name="shape">The dimensions; their product must be the number of values.</param>
    /// <exception cref="ArgumentException">The shape does not hold exactly the values given.</exception>
    public static NpyArray FromDoubles(double[] values, params int[] shape) =>
        shape.Aggregate(1L, (product, d) => d < 0 ? -1 : product * d) != values.Length
            ? throw new ArgumentException($"a shape of ({string.Join(", ", shape)}) does not hold {values.Length} values", nameof(shape))
            : new((int[])shape.Clone(), values);

    /// <summary>The dimensions (a copy; empty for a 0-d array, which holds one element).</summary>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>The element type stored in the file.</summary>
    public NpyDataType DataType { get; }

    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a 0-d array).</summary>
    public long Length { get; }

    /// <summary>
    /// The elements in C order as doubles, in a new array. Exact for every type except 64-bit integers beyond 2^53,
    /// which are rounded to the nearest double.
    /// </summary>
    public double[] ToDouble() => _values switch
    {
        double[] values => (double[])values.Clone(),
        float[] values => Array.ConvertAll(values, v => (double)v),
        _ => Decode(NpyDataType.Float64, ElementAsDouble),
    };

    /// <summary>
    /// The elements in C order as floats, in a new array. Exact for Float32 and UInt8; other types are rounded to the
    /// nearest float (doubles beyond the float range become infinities).
    /// </summary>
    // A direct read of Float32 keeps the value exact; other types round once, through double.
    public float[] ToSingle() => _values switch
    {
        float[] values => (float[])values.Clone(),
        double[] values => Array.ConvertAll(values, v => (float)v),
        _ => Decode(NpyDataType.Float32, (data, i) => DataType == NpyDataType.Float32 ? ReadSingle(data, i) : (float)ElementAsDouble(data, i)),
    };

    /// <summary>
    /// The elements as <see cref="ToDouble"/> gives them, without a copy when this array holds native-order float64
    /// values: the array returned is then this one's own, to be read and not changed.
    /// </summary>
    public double[] AsDoubles() => _values as double[] ?? ToDouble();

    /// <summary>
    /// The elements as <see cref="ToSingle"/> gives them, without a copy when this array holds native-order float32
    /// values: the array returned is then this one's own, to be read and not changed.
    /// </summary>
    public float[] AsSingles() => _values as float[] ?? ToSingle();

    /// <summary>Every element as T, segment by segment; the file's own type in the machine's byte order is copied as it is.</summary>
    private T[] Decode<T>(NpyDataType native, Func<byte[], int, T> element) where T : unmanaged
    {
        var result = new T[Length];
        long at = 0;
        foreach (var segment in _segments)
        {
            var destination = result.AsSpan(checked((int)at), segment.Length / _itemSize);
            if (DataType == native && _bigEndian != BitConverter.IsLittleEndian)
                MemoryMarshal.Cast<byte, T>(segment).CopyTo(destination);
            else
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = element(segment, i);
            at += destination.Length;
        }
        return result;
    }

    /// <summary>The same elements in C order, from an array whose segments hold them in Fortran order (first axis fastest).</summary>
    internal NpyArray FortranToC()
    {
        int rank = _shape.Length;
        var cStride = new long[rank];
        long stride = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            cStride[d] = stride;
            stride *= _shape[d];
        }
        var result = _segments.Select(s => new byte[s.Length]).ToArray();
        var index = new int[rank];
        long cOffset = 0;
        // Walk the file in its own order and place each element at its C offset.
        for (long f = 0; f < Length; f++)
        {
            var (fromSegment, fromOffset) = Locate(f);
            var (toSegment, toOffset) = Locate(cOffset);
            Buffer.BlockCopy(_segments[fromSegment], fromOffset, result[toSegment], toOffset, _itemSize);
            for (int d = 0; d < rank; d++)
            {
                index[d]++;
                cOffset += cStride[d];
                if (index[d] < _shape[d])
                    break;
                cOffset -= cStride[d] * _shape[d];
                index[d] = 0;
            }
        }
        return new NpyArray(_shape, DataType, _bigEndian, result, _segmentElements, Length);
    }

    /// <summary>The segment holding element <paramref name="element"/> and the element's byte offset in it.</summary>
    private (int Segment, int Offset) Locate(long element) =>
        ((int)(element / _segmentElements), (int)(element % _segmentElements) * _itemSize);

    private static int ItemSize(NpyDataType type) => type switch
    {
        NpyDataType.Float64 or NpyDataType.Int64 or NpyDataType.UInt64 => 8,
        NpyDataType.Float32 or NpyDataType.Int32 => 4,
        _ => 1,
    };

    private double ElementAsDouble(byte[] data, int i) => DataType switch
    {
        NpyDataType.Float64 => _bigEndian
            ? BinaryPrimitives.ReadDoubleBigEndian(data.AsSpan(i * 8))
            : BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(i * 8)),
        NpyDataType.Float32 => ReadSingle(data, i),
        NpyDataType.Int32 => _bigEndian
            ? BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(i * 4))
            : BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(i * 4)),
        NpyDataType.Int64 => _bigEndian
            ? BinaryPrimitives.ReadInt64BigEndian(data.AsSpan(i * 8))
            : BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(i * 8)),
        NpyDataType.UInt8 => data[i],
        NpyDataType.UInt64 => _bigEndian
            ? BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(i * 8))
            : BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(i * 8)),
        _ => throw new InvalidOperationException($"Unhandled data type {DataType}."),
    };

    private float ReadSingle(byte[] data, int i) => _bigEndian
        ? BinaryPrimitives.ReadSingleBigEndian(data.AsSpan(i * 4))
        : BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(i * 4));
}
