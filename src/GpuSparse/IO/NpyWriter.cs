using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace GpuSparse.IO;

/// <summary>
/// Writes numpy .npy files: format version 1.0, little-endian, C order, with the header laid out as
/// numpy ≥ 1.24 lays it out (so files are byte-identical to <c>np.save</c> output).
/// </summary>
public static class NpyWriter
{
    // numpy's ARRAY_ALIGN and GROWTH_AXIS_MAX_DIGITS (numpy/lib/format.py).
    private const int Alignment = 64;
    private const int GrowthAxisMaxDigits = 21;

    private const int BufferBytes = 1 << 16;

    // Elements written at once from memory on a little-endian machine (64 MiB of float64).
    private const int NativePieceElements = 1 << 23;

    /// <summary>Writes <paramref name="data"/> as a float64 ('&lt;f8') array of the given shape.</summary>
    /// <param name="path">Destination file; overwritten if it exists.</param>
    /// <param name="data">Elements in C (row-major) order.</param>
    /// <param name="shape">Dimensions; empty for a 0-d array. Their product must equal <c>data.Length</c>.</param>
    /// <exception cref="ArgumentException">The shape has a negative dimension or does not match the data.</exception>
    public static void Write(string path, ReadOnlySpan<double> data, params int[] shape) =>
        WriteValues(path, "<f8", data, shape, sizeof(double), BinaryPrimitives.WriteDoubleLittleEndian);

    /// <summary>Writes <paramref name="data"/> as a float32 ('&lt;f4') array of the given shape.</summary>
    /// <param name="path">Destination file; overwritten if it exists.</param>
    /// <param name="data">Elements in C (row-major) order.</param>
    /// <param name="shape">Dimensions; empty for a 0-d array. Their product must equal <c>data.Length</c>.</param>
    /// <exception cref="ArgumentException">The shape has a negative dimension or does not match the data.</exception>
    public static void Write(string path, ReadOnlySpan<float> data, params int[] shape) =>
        WriteValues(path, "<f4", data, shape, sizeof(float), BinaryPrimitives.WriteSingleLittleEndian);

    /// <summary>Writes <paramref name="data"/> as an int32 ('&lt;i4') array of the given shape (counts, labels).</summary>
    /// <param name="path">Destination file; overwritten if it exists.</param>
    /// <param name="data">Elements in C (row-major) order.</param>
    /// <param name="shape">Dimensions; empty for a 0-d array. Their product must equal <c>data.Length</c>.</param>
    /// <exception cref="ArgumentException">The shape has a negative dimension or does not match the data.</exception>
    public static void Write(string path, ReadOnlySpan<int> data, params int[] shape) =>
        WriteValues(path, "<i4", data, shape, sizeof(int), BinaryPrimitives.WriteInt32LittleEndian);

    private delegate void ElementWriter<T>(Span<byte> destination, T value);

    // The elements go out through a buffer of BufferBytes, each written little-endian by its writer.
    private static void WriteValues<T>(string path, string descr, ReadOnlySpan<T> data, int[] shape, int size, ElementWriter<T> write)
        where T : unmanaged
    {
        using var stream = Create(path, descr, data.Length, shape);
        WriteElements(stream, data, size, write);
    }

    /// <summary>Writes <paramref name="data"/> to <paramref name="stream"/>, each element little-endian, through one buffer.</summary>
    private static void WriteElements<T>(Stream stream, ReadOnlySpan<T> data, int size, ElementWriter<T> write) where T : unmanaged
    {
        if (BitConverter.IsLittleEndian)
        {
            // The elements' own bytes are the file's: written as they lie, in pieces whose byte count fits an int.
            for (int at = 0; at < data.Length; at += NativePieceElements)
                stream.Write(MemoryMarshal.AsBytes(data.Slice(at, Math.Min(NativePieceElements, data.Length - at))));
            return;
        }
        Span<byte> buffer = stackalloc byte[BufferBytes];
        while (!data.IsEmpty)
        {
            int count = Math.Min(data.Length, BufferBytes / size);
            for (int i = 0; i < count; i++)
            {
                write(buffer[(i * size)..], data[i]);
            }
            stream.Write(buffer[..(count * size)]);
            data = data[count..];
        }
    }

    /// <summary>Writes float64 elements at the stream's position (the data of a file <see cref="OpenFloat64"/> began).</summary>
    internal static void WriteFloat64(Stream stream, ReadOnlySpan<double> data) =>
        WriteElements(stream, data, sizeof(double), BinaryPrimitives.WriteDoubleLittleEndian);

    /// <summary>
    /// Opens <paramref name="path"/> for a float64 array of the given shape whose elements come in pieces, in C order
    /// (results written as ranges of a batch finish): the header is written now, the data by <see cref="NpyAppender.Append"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension or more elements than an array may hold.</exception>
    public static NpyAppender OpenFloat64(string path, params int[] shape)
    {
        long length = 1;
        foreach (int dim in shape)
            length = dim < 0 || length * (long)dim > Array.MaxLength
                ? throw new ArgumentException($"Shape ({string.Join(", ", shape)}) has a negative dimension or too many elements.", nameof(shape))
                : length * dim;
        return new NpyAppender(Create(path, "<f8", length, shape), length);
    }

    private static FileStream Create(string path, string descr, long length, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(shape);
        long product = 1;
        foreach (int dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"Shape ({string.Join(", ", shape)}) has a negative dimension.", nameof(shape));
            }
            // No overflow: product stays ≤ length + 1 ≤ 2^31 before each multiplication by a dim < 2^31.
            product = Math.Min(product * dim, length + 1);
        }
        if (product != length)
        {
            throw new ArgumentException(
                $"Shape ({string.Join(", ", shape)}) does not match the {length} elements of the data.", nameof(shape));
        }

        byte[] header = BuildHeader(descr, shape);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Write(header);
        return stream;
    }

    private static byte[] BuildHeader(string descr, int[] shape)
    {
        // repr() of a Python tuple: "()", "(5,)", "(3, 4)".
        string shapeText = shape.Length == 1
            ? $"({shape[0]},)"
            : $"({string.Join(", ", shape)})";
        var dict = new StringBuilder($"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}");
        // numpy leaves room for the first axis to grow in place (np.lib.format, numpy >= 1.24).
        if (shape.Length > 0)
        {
            dict.Append(' ', GrowthAxisMaxDigits - shape[0].ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        }
        // Magic (6) + version (2) + length (2) + dict + padding + '\n' is a multiple of 64; numpy pads a
        // full 64 when the sum is already aligned.
        int preamble = 10;
        if (preamble + dict.Length + Alignment > ushort.MaxValue)
        {
            throw new ArgumentException($"A shape of rank {shape.Length} does not fit a version 1.0 header.", nameof(shape));
        }
        int padding = Alignment - ((preamble + dict.Length + 1) % Alignment);
        dict.Append(' ', padding).Append('\n');

        var bytes = new byte[preamble + dict.Length];
        bytes[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY", bytes.AsSpan(1));
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)dict.Length);
        Encoding.ASCII.GetBytes(dict.ToString(), bytes.AsSpan(preamble));
        return bytes;
    }
}
