using System.Buffers.Binary;

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
public sealed class NpyArray
{
    private readonly int[] _shape;
    private readonly byte[] _data; // C order, in the file's byte order
    private readonly bool _bigEndian;

    internal NpyArray(int[] shape, NpyDataType dataType, bool bigEndian, byte[] data, long length)
    {
        _shape = shape;
        DataType = dataType;
        _bigEndian = bigEndian;
        _data = data;
        Length = length;
    }

    /// <summary>The dimensions (a copy; empty for a 0-d array, which holds one element).</summary>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>The element type stored in the file.</summary>
    public NpyDataType DataType { get; }

    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a 0-d array).</summary>
    public long Length { get; }

    /// <summary>
    /// The elements in C order as doubles. Exact for every type except 64-bit integers beyond 2^53,
    /// which are rounded to the nearest double.
    /// </summary>
    public double[] ToDouble()
    {
        var result = new double[Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = ElementAsDouble(i);
        }
        return result;
    }

    /// <summary>
    /// The elements in C order as floats. Exact for Float32 and UInt8; other types are rounded to the
    /// nearest float (doubles beyond the float range become infinities).
    /// </summary>
    public float[] ToSingle()
    {
        var result = new float[Length];
        for (int i = 0; i < result.Length; i++)
        {
            // A direct cast from Float32 keeps the value exact; doubles round once.
            result[i] = DataType == NpyDataType.Float32 ? ReadSingle(i) : (float)ElementAsDouble(i);
        }
        return result;
    }

    private double ElementAsDouble(int i) => DataType switch
    {
        NpyDataType.Float64 => _bigEndian
            ? BinaryPrimitives.ReadDoubleBigEndian(_data.AsSpan(i * 8))
            : BinaryPrimitives.ReadDoubleLittleEndian(_data.AsSpan(i * 8)),
        NpyDataType.Float32 => ReadSingle(i),
        NpyDataType.Int32 => _bigEndian
            ? BinaryPrimitives.ReadInt32BigEndian(_data.AsSpan(i * 4))
            : BinaryPrimitives.ReadInt32LittleEndian(_data.AsSpan(i * 4)),
        NpyDataType.Int64 => _bigEndian
            ? BinaryPrimitives.ReadInt64BigEndian(_data.AsSpan(i * 8))
            : BinaryPrimitives.ReadInt64LittleEndian(_data.AsSpan(i * 8)),
        NpyDataType.UInt8 => _data[i],
        NpyDataType.UInt64 => _bigEndian
            ? BinaryPrimitives.ReadUInt64BigEndian(_data.AsSpan(i * 8))
            : BinaryPrimitives.ReadUInt64LittleEndian(_data.AsSpan(i * 8)),
        _ => throw new InvalidOperationException($"Unhandled data type {DataType}."),
    };

    private float ReadSingle(int i) => _bigEndian
        ? BinaryPrimitives.ReadSingleBigEndian(_data.AsSpan(i * 4))
        : BinaryPrimitives.ReadSingleLittleEndian(_data.AsSpan(i * 4));
}
