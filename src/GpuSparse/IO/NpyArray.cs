using System.Buffers.Binary;
using System.Numerics;
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
public sealed class NpyArray
{
    private readonly int[] _shape;
    // C order, in the file's byte order: a byte[], or (native-order f8 / f4 read straight from the file) the
    // double[] / float[] itself, so the common case costs no conversion and no second copy.
    private readonly Array _data;
    private readonly bool _bigEndian;

    internal NpyArray(int[] shape, NpyDataType dataType, bool bigEndian, Array data, long length)
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
        if (NativeFloatingPoint<double>() is { } converted)
            return converted;
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
        if (NativeFloatingPoint<float>() is { } converted)
            return converted;
        var result = new float[Length];
        for (int i = 0; i < result.Length; i++)
        {
            // A direct cast from Float32 keeps the value exact; doubles round once.
            result[i] = DataType == NpyDataType.Float32 ? ReadSingle(i) : (float)ElementAsDouble(i);
        }
        return result;
    }

    /// <summary>
    /// The elements as <see cref="ToDouble"/> gives them, without a copy when the reader could place a
    /// native-order float64 file straight into its array (the memory is this array's own: read-only).
    /// </summary>
    public ReadOnlyMemory<double> AsDoubles() => _data is double[] doubles ? doubles : ToDouble();

    /// <summary>
    /// The elements as <see cref="ToSingle"/> gives them, without a copy when the reader could place a
    /// native-order float32 file straight into its array (the memory is this array's own: read-only).
    /// </summary>
    public ReadOnlyMemory<float> AsSingles() => _data is float[] singles ? singles : ToSingle();

    /// <summary>The file's byte order is this machine's: its bytes are the elements as they are.</summary>
    private bool NativeOrder => _bigEndian != BitConverter.IsLittleEndian;

    private ReadOnlySpan<byte> Bytes => _data switch
    {
        double[] doubles => MemoryMarshal.AsBytes(doubles.AsSpan()),
        float[] singles => MemoryMarshal.AsBytes(singles.AsSpan()),
        _ => (byte[])_data,
    };

    /// <summary>
    /// Native-order f8 or f4 content as <typeparamref name="TElement"/> in one pass (a copy, or one rounding per
    /// element from f8 to f4), without the per-element dispatch of the general path; null for other content.
    /// </summary>
    private TElement[]? NativeFloatingPoint<TElement>() where TElement : unmanaged, IFloatingPointIeee754<TElement>
    {
        if (!NativeOrder || DataType is not (NpyDataType.Float64 or NpyDataType.Float32))
            return null;
        var result = GC.AllocateUninitializedArray<TElement>((int)Length);
        if (DataType == NpyDataType.Float64)
            Convert(MemoryMarshal.Cast<byte, double>(Bytes), result);
        else
            Convert(MemoryMarshal.Cast<byte, float>(Bytes), result);
        return result;
    }

    private static void Convert<TFrom, TTo>(ReadOnlySpan<TFrom> source, Span<TTo> destination)
        where TFrom : unmanaged, IFloatingPointIeee754<TFrom>
        where TTo : unmanaged, IFloatingPointIeee754<TTo>
    {
        if (typeof(TFrom) == typeof(TTo))
        {
            MemoryMarshal.AsBytes(source).CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }
        for (int i = 0; i < source.Length; i++)
            destination[i] = TTo.CreateTruncating(source[i]);
    }

    private double ElementAsDouble(int i) => DataType switch
    {
        NpyDataType.Float64 => _bigEndian
            ? BinaryPrimitives.ReadDoubleBigEndian(Bytes[(i * 8)..])
            : BinaryPrimitives.ReadDoubleLittleEndian(Bytes[(i * 8)..]),
        NpyDataType.Float32 => ReadSingle(i),
        NpyDataType.Int32 => _bigEndian
            ? BinaryPrimitives.ReadInt32BigEndian(Bytes[(i * 4)..])
            : BinaryPrimitives.ReadInt32LittleEndian(Bytes[(i * 4)..]),
        NpyDataType.Int64 => _bigEndian
            ? BinaryPrimitives.ReadInt64BigEndian(Bytes[(i * 8)..])
            : BinaryPrimitives.ReadInt64LittleEndian(Bytes[(i * 8)..]),
        NpyDataType.UInt8 => Bytes[i],
        NpyDataType.UInt64 => _bigEndian
            ? BinaryPrimitives.ReadUInt64BigEndian(Bytes[(i * 8)..])
            : BinaryPrimitives.ReadUInt64LittleEndian(Bytes[(i * 8)..]),
        _ => throw new InvalidOperationException($"Unhandled data type {DataType}."),
    };

    private float ReadSingle(int i) => _bigEndian
        ? BinaryPrimitives.ReadSingleBigEndian(Bytes[(i * 4)..])
        : BinaryPrimitives.ReadSingleLittleEndian(Bytes[(i * 4)..]);
}
