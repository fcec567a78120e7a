using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace GpuSparse.IO;

/// <summary>
/// Reads numpy .npy files (format versions 1.0, 2.0 and 3.0) of up to <see cref="Array.MaxLength"/> elements,
/// whatever their size in bytes. Every malformed, unsupported or truncated content raises
/// <see cref="NpyFormatException"/>; memory for the data is only committed once the stream is known to hold it,
/// so a tiny file declaring a huge shape cannot exhaust memory.
/// </summary>
public static class NpyReader
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    // numpy itself refuses headers above 10 000 bytes unless asked; 1 MiB leaves room for any real file
    // while keeping a corrupt length field from allocating gigabytes.
    private const int MaxHeaderLength = 1 << 20;

    // Non-seekable streams are read in pieces of this size so memory grows only with data actually read.
    private const int ChunkSize = 1 << 20;

    // The data is held in segments of 1 GiB (a whole number of elements of every type): arrays of up to
    // Array.MaxLength elements, far beyond the 2 GB one byte[] can hold, are read into them.
    private const int SegmentBytes = 1 << 30;

    // Data of at least this size is read by several cores at once, by at most this many.
    private const long ParallelReadBytes = 16 << 20;
    private const int MaxReadThreads = 8;

    /// <summary>Reads the .npy file at <paramref name="path"/>.</summary>
    /// <param name="path">Path of the file.</param>
    /// <returns>The array, in C order.</returns>
    /// <exception cref="NpyFormatException">The content is not a valid, supported .npy file.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static NpyArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads one .npy array from <paramref name="stream"/>, starting at its current position.</summary>
    /// <param name="stream">A readable stream; left positioned after the array data.</param>
    /// <param name="sourceName">Name used in error messages (typically the file path).</param>
    /// <returns>The array, in C order.</returns>
    /// <exception cref="NpyFormatException">The content is not a valid, supported .npy array.</exception>
    public static NpyArray Read(Stream stream, string sourceName) => Read(stream, sourceName, SegmentBytes);

    /// <summary>
    /// <see cref="Read(Stream, string)"/> with the data held in segments of at most <paramref name="segmentBytes"/>
    /// bytes (rounded down to whole elements); tests pass a few bytes to exercise the segment arithmetic of large files.
    /// </summary>
    internal static NpyArray Read(Stream stream, string sourceName, int segmentBytes)
    {
        var header = ReadHeader(stream, sourceName);
        var array = ReadData(stream, header, header.Shape, header.Length, sourceName, segmentBytes);
        return header.FortranOrder && header.Shape.Length > 1 ? array.FortranToC() : array;
    }

    /// <summary>
    /// The next <paramref name="length"/> elements of <paramref name="header"/>'s type from the stream's position, in
    /// the file's order, as an array of <paramref name="shape"/>: the whole data of a file, or a range of its rows.
    /// C-order float64 or float32 in the machine's byte order from a seekable stream is read straight into its
    /// double[] or float[]; anything else is held in segments of at most 1 GiB (or <paramref name="segmentBytes"/>).
    /// </summary>
    internal static NpyArray ReadData(Stream stream, NpyHeader header, int[] shape, long length, string sourceName,
        int segmentBytes = SegmentBytes)
    {
        bool native = header.BigEndian != BitConverter.IsLittleEndian && !(header.FortranOrder && header.Shape.Length > 1);
        if (native && stream.CanSeek && header.DataType == NpyDataType.Float64)
            return new NpyArray(shape, ReadElements<double>(stream, length, sourceName, segmentBytes));
        if (native && stream.CanSeek && header.DataType == NpyDataType.Float32)
            return new NpyArray(shape, ReadElements<float>(stream, length, sourceName, segmentBytes));
        int segmentElements = Math.Max(1, segmentBytes / header.ItemSize);
        var segments = new byte[checked((int)((length + segmentElements - 1) / segmentElements))][];
        long total = checked(length * header.ItemSize);
        long remaining = total;
        for (int s = 0; s < segments.Length; s++)
        {
            int bytes = (int)Math.Min(remaining, (long)segmentElements * header.ItemSize);
            segments[s] = ReadSegment(stream, bytes, total - remaining, total, sourceName);
            remaining -= bytes;
        }
        return new NpyArray(shape, header.DataType, header.BigEndian, segments, segmentElements, length);
    }

    /// <summary>
    /// The next <paramref name="length"/> elements of a seekable stream (checked to hold them), read straight into
    /// their array in pieces of at most <paramref name="pieceBytes"/>: a file's pieces are read by every core at once
    /// once it is large (the copy out of the page cache and the first touch of each new page are the cost, and
    /// they run as fast on each core as on one); other streams are read piece after piece.
    /// </summary>
    private static T[] ReadElements<T>(Stream stream, long length, string sourceName, int pieceBytes) where T : unmanaged
    {
        var elements = GC.AllocateUninitializedArray<T>(checked((int)length));
        int size = Unsafe.SizeOf<T>();
        int pieceElements = Math.Max(1, pieceBytes / size);
        long total = length * size;
        int cores = Math.Min(Environment.ProcessorCount, MaxReadThreads);
        // Pieces of at most pieceBytes, and at least one per core, so that a file is shared out evenly.
        if (total >= ParallelReadBytes && cores > 1)
            pieceElements = (int)Math.Min(pieceElements, (length + cores - 1) / cores);
        int pieces = checked((int)((length + pieceElements - 1) / pieceElements));
        long start = stream.Position;
        var file = stream as FileStream;
        var handle = file?.SafeFileHandle;
        long shortOf = -1;
        void ReadPiece(int piece)
        {
            int first = checked(piece * pieceElements);
            var bytes = MemoryMarshal.AsBytes(elements.AsSpan(first, (int)Math.Min(pieceElements, length - first)));
            long offset = (long)first * size;
            int filled = 0;
            while (filled < bytes.Length)
            {
                int read = handle is null ? stream.Read(bytes[filled..]) : RandomAccess.Read(handle, bytes[filled..], start + offset + filled);
                if (read == 0)
                {
                    // only a file shrinking while it is read gets here (its length was checked)
                    Interlocked.CompareExchange(ref shortOf, offset + filled, -1);
                    return;
                }
                filled += read;
            }
        }
        if (handle is not null && total >= ParallelReadBytes && cores > 1)
            Parallel.For(0, pieces, new ParallelOptions { MaxDegreeOfParallelism = cores }, ReadPiece);
        else
            for (int piece = 0; piece < pieces && shortOf < 0; piece++)
                ReadPiece(piece);
        if (shortOf >= 0)
            throw new NpyFormatException(sourceName, $"truncated data: expected {total} bytes, found {shortOf}");
        if (file is not null)
            file.Position = start + total;
        return elements;
    }

    /// <summary>
    /// Reads the header of one .npy array from <paramref name="stream"/> and leaves the stream at the first data byte:
    /// element i (in the file's order) is the <see cref="NpyHeader.ItemSize"/> bytes at data offset i·ItemSize, so a
    /// caller can read any range of it (a memory-mapped view, a ranged stream read) without this reader's copy.
    /// </summary>
    /// <exception cref="NpyFormatException">The header is not a valid, supported .npy header, or the data is truncated.</exception>
    public static NpyHeader ReadHeader(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);

        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, sourceName, "the magic string and version");
        if (!prefix[..6].SequenceEqual(Magic))
        {
            throw new NpyFormatException(sourceName, "missing the \\x93NUMPY magic string");
        }
        byte major = prefix[6], minor = prefix[7];
        if (major is < 1 or > 3 || minor != 0)
        {
            throw new NpyFormatException(sourceName, $"unsupported format version {major}.{minor}");
        }

        Span<byte> lengthField = stackalloc byte[major == 1 ? 2 : 4];
        ReadExactly(stream, lengthField, sourceName, "the header length");
        long headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField)
            : BinaryPrimitives.ReadUInt32LittleEndian(lengthField);
        if (headerLength > MaxHeaderLength)
        {
            throw new NpyFormatException(sourceName, $"header length {headerLength} exceeds {MaxHeaderLength} bytes");
        }
        EnsureAvailable(stream, headerLength, sourceName, "header");
        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, sourceName, "the header");
        // Versions 1 and 2 store the header in latin-1, version 3 in UTF-8.
        string header = major == 3
            ? DecodeUtf8(headerBytes, sourceName)
            : Encoding.Latin1.GetString(headerBytes);

        var parsed = HeaderParser.Parse(header, sourceName);
        var (dataType, itemSize, bigEndian) = ParseDescr(parsed.Descr, sourceName);
        long length = ElementCount(parsed.Shape, sourceName);
        var result = new NpyHeader(parsed.Shape.Select(d => (int)d).ToArray(), dataType, itemSize, bigEndian, parsed.FortranOrder, length);
        // Checked, in long: up to Array.MaxLength elements of 8 bytes, far beyond int.
        EnsureAvailable(stream, result.ByteCount, sourceName, "data");
        return result;
    }

    private static string DecodeUtf8(byte[] bytes, string sourceName)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new NpyFormatException(sourceName, "version 3.0 header is not valid UTF-8");
        }
    }

    private static (NpyDataType Type, int ItemSize, bool BigEndian) ParseDescr(string descr, string sourceName)
    {
        if (descr.Length >= 2)
        {
            char order = descr[0];
            (NpyDataType Type, int Size)? kind = descr[1..] switch
            {
                "f8" => (NpyDataType.Float64, 8),
                "f4" => (NpyDataType.Float32, 4),
                "i4" => (NpyDataType.Int32, 4),
                "i8" => (NpyDataType.Int64, 8),
                "u1" => (NpyDataType.UInt8, 1),
                "u8" => (NpyDataType.UInt64, 8),
                _ => null,
            };
            // '|' (not applicable) is only meaningful for one-byte types; '=' means native order.
            bool validOrder = order is '<' or '>' or '=' || (order == '|' && kind?.Size == 1);
            if (kind is { } k && validOrder)
            {
                bool bigEndian = order == '>' || (order == '=' && !BitConverter.IsLittleEndian);
                return (k.Type, k.Size, bigEndian);
            }
        }
        throw new NpyFormatException(sourceName,
            $"unsupported dtype '{descr}' (supported: f8, f4, i4, i8, u1, u8 with byte order '<', '>' or '=')");
    }

    private static long ElementCount(IReadOnlyList<long> shape, string sourceName)
    {
        long count = 1;
        for (int d = 0; d < shape.Count; d++)
        {
            long dim = shape[d];
            if (dim < 0)
            {
                throw new NpyFormatException(sourceName, $"negative dimension {dim} at axis {d}");
            }
            if (dim > int.MaxValue)
            {
                throw new NpyFormatException(sourceName, $"dimension {dim} at axis {d} exceeds {int.MaxValue}");
            }
            // Stays below 2^62 while no dimension is zero, because it is capped at Array.MaxLength after
            // every step; a later zero dimension still makes the true product zero.
            count = Math.Min(count * dim, (long)Array.MaxLength + 1);
        }
        if (count > Array.MaxLength)
        {
            throw new NpyFormatException(sourceName,
                $"shape ({string.Join(", ", shape)}) has more elements than the largest supported array");
        }
        return count;
    }

    /// <summary>
    /// The next <paramref name="length"/> bytes of the data. A seekable stream was checked to hold them; an unseekable
    /// one grows the segment with the data actually received, so a tiny stream declaring a huge shape allocates little.
    /// </summary>
    private static byte[] ReadSegment(Stream stream, int length, long offset, long total, string sourceName)
    {
        if (stream.CanSeek)
        {
            var exact = new byte[length];
            ReadExactly(stream, exact, sourceName, "the data");
            return exact;
        }
        var buffer = new byte[Math.Min(length, ChunkSize)];
        int filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
            }
            int read = stream.Read(buffer, filled, Math.Min(buffer.Length - filled, ChunkSize));
            if (read == 0)
            {
                throw new NpyFormatException(sourceName, $"truncated data: expected {total} bytes, found {offset + filled}");
            }
            filled += read;
        }
        return buffer;
    }

    private static void EnsureAvailable(Stream stream, long needed, string sourceName, string what)
    {
        if (stream.CanSeek)
        {
            long available = stream.Length - stream.Position;
            if (available < needed)
            {
                throw new NpyFormatException(sourceName,
                    $"truncated {what}: expected {needed} bytes, only {available} remain");
            }
        }
    }

    private static void ReadExactly(Stream stream, Span<byte> destination, string sourceName, string what)
    {
        int filled = 0;
        while (filled < destination.Length)
        {
            int read = stream.Read(destination[filled..]);
            if (read == 0)
            {
                throw new NpyFormatException(sourceName,
                    $"truncated while reading {what}: expected {destination.Length} bytes, found {filled}");
            }
            filled += read;
        }
    }

    /// <summary>The three keys of a .npy header.</summary>
    private sealed record Header(string Descr, bool FortranOrder, IReadOnlyList<long> Shape);

    /// <summary>
    /// Parses the Python dict literal of a .npy header. Only the subset numpy writes is accepted: string
    /// keys, a string descr, True/False, and a tuple of non-negative integers.
    /// </summary>
    private ref struct HeaderParser
    {
        private readonly string _text;
        private readonly string _source;
        private int _pos;

        private HeaderParser(string text, string source)
        {
            _text = text;
            _source = source;
            _pos = 0;
        }

        public static Header Parse(string text, string source)
        {
            var parser = new HeaderParser(text, source);
            return parser.ParseDict();
        }

        private Header ParseDict()
        {
            string? descr = null;
            bool? fortran = null;
            List<long>? shape = null;
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (Peek() == '}')
                {
                    _pos++;
                    break;
                }
                string key = ParseString();
                Expect(':');
                SkipSpace();
                switch (key)
                {
                    case "descr" when descr is null:
                        if (Peek() is not ('\'' or '"'))
                        {
                            throw Error("descr is not a string (structured dtypes are not supported)");
                        }
                        descr = ParseString();
                        break;
                    case "fortran_order" when fortran is null:
                        fortran = ParseBool();
                        break;
                    case "shape" when shape is null:
                        shape = ParseShape();
                        break;
                    case "descr" or "fortran_order" or "shape":
                        throw Error($"key '{key}' appears twice");
                    default:
                        throw Error($"unexpected key '{key}'");
                }
                SkipSpace();
                if (Peek() == ',')
                {
                    _pos++;
                }
                else if (Peek() != '}')
                {
                    throw Error("expected ',' or '}'");
                }
            }
            SkipSpace();
            if (_pos != _text.Length)
            {
                throw Error("unexpected text after the header dict");
            }
            if (descr is null || fortran is null || shape is null)
            {
                throw new NpyFormatException(_source, "header lacks one of 'descr', 'fortran_order', 'shape'");
            }
            return new Header(descr, fortran.Value, shape);
        }

        private List<long> ParseShape()
        {
            Expect('(');
            var dims = new List<long>();
            while (true)
            {
                SkipSpace();
                if (Peek() == ')')
                {
                    _pos++;
                    break;
                }
                dims.Add(ParseInteger());
                SkipSpace();
                if (Peek() == ',')
                {
                    _pos++;
                }
                else if (Peek() != ')')
                {
                    throw Error("expected ',' or ')' in shape");
                }
            }
            return dims;
        }

        private long ParseInteger()
        {
            int start = _pos;
            if (Peek() == '-')
            {
                _pos++;
            }
            while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                _pos++;
            }
            var token = _text.AsSpan(start, _pos - start);
            if (token.Length == 0 || token is "-")
            {
                throw Error("shape entry is not an integer");
            }
            if (!long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            {
                throw Error($"shape entry {token} is out of range");
            }
            return value;
        }

        private bool ParseBool()
        {
            if (_text.AsSpan(_pos).StartsWith("True", StringComparison.Ordinal))
            {
                _pos += 4;
                return true;
            }
            if (_text.AsSpan(_pos).StartsWith("False", StringComparison.Ordinal))
            {
                _pos += 5;
                return false;
            }
            throw Error("fortran_order is not True or False");
        }

        private string ParseString()
        {
            SkipSpace();
            char quote = Peek();
            if (quote is not ('\'' or '"'))
            {
                throw Error("expected a quoted string");
            }
            int end = _text.IndexOf(quote, _pos + 1);
            if (end < 0)
            {
                throw Error("unterminated string");
            }
            string value = _text.Substring(_pos + 1, end - _pos - 1);
            _pos = end + 1;
            return value;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c)
            {
                throw Error($"expected '{c}'");
            }
            _pos++;
        }

        private readonly char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

        private void SkipSpace()
        {
            while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\n' or '\r')
            {
                _pos++;
            }
        }

        private readonly NpyFormatException Error(string what) =>
            new(_source, $"malformed header dict at offset {_pos}: {what}");
    }
}
