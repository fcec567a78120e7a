using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using GpuSparse.IO;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.IO;

public sealed class NpyReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("npy-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string> ShippedFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (string folder in Directory.GetDirectories(ReferenceCases.DataRoot).Order(StringComparer.Ordinal))
        {
            foreach (string file in Directory.GetFiles(folder, "*.npy").Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(folder), Path.GetFileName(file));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void ShippedFileHasTheShapeInMetaAndFiniteValues(string caseName, string fileName)
    {
        string folder = Path.Combine(ReferenceCases.DataRoot, caseName);
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "meta.json")));
        string key = Path.GetFileNameWithoutExtension(fileName);
        int[] expected = meta.RootElement.GetProperty("files").GetProperty(key).GetProperty("shape")
            .EnumerateArray().Select(d => d.GetInt32()).ToArray();

        var array = NpyReader.Read(Path.Combine(folder, fileName));

        Assert.Equal(expected, array.Shape);
        Assert.Equal(NpyDataType.Float64, array.DataType);
        Assert.Equal(expected.Aggregate(1L, (a, d) => a * d), array.Length);
        Assert.All(array.ToDouble(), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void DiabetesStartsWithTheKnownValues()
    {
        string folder = Path.Combine(ReferenceCases.DataRoot, "diabetes");
        double[] x = NpyReader.Read(Path.Combine(folder, "X.npy")).ToDouble();
        double[] y = NpyReader.Read(Path.Combine(folder, "y.npy")).ToDouble();
        // scikit-learn's load_diabetes(): first row of the scaled data and the first targets.
        Assert.Equal([0.038075906433423026, 0.05068011873981862, 0.061696206518683294], x[..3]);
        Assert.Equal([151.0, 75.0, 141.0], y[..3]);
    }

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void WriterReproducesNumpyBytes(string caseName, string fileName)
    {
        string source = Path.Combine(ReferenceCases.DataRoot, caseName, fileName);
        var array = NpyReader.Read(source);
        string copy = Path.Combine(_dir, fileName);

        NpyWriter.Write(copy, array.ToDouble(), array.Shape);

        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(copy));
    }

    public static TheoryData<int[]> Shapes() =>
    [
        [], [0], [1], [7], [0, 3], [3, 0], [2, 3], [1, 1], [2, 3, 4], [4, 1, 5], [2, 0, 2], [1, 2, 1, 3],
        // Header lengths around the 64-byte boundary and a first axis with many digits.
        [1234567, 0], [123456789, 0, 5],
    ];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void DoubleRoundTripsAtEveryShape(int[] shape)
    {
        int length = shape.Aggregate(1, (a, d) => a * d);
        double[] data = Enumerable.Range(0, length).Select(i => Math.PI * (i - 3) / 7 + 1e-300 * i).ToArray();
        if (length > 2)
        {
            data[1] = double.NaN;
            data[2] = double.NegativeInfinity;
        }
        string path = Path.Combine(_dir, "rt.npy");

        NpyWriter.Write(path, data, shape);
        var array = NpyReader.Read(path);

        Assert.Equal(shape, array.Shape);
        Assert.Equal(NpyDataType.Float64, array.DataType);
        Assert.Equal(length, array.Length);
        Assert.Equal(data, array.ToDouble());
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SingleRoundTripsAtEveryShape(int[] shape)
    {
        int length = shape.Aggregate(1, (a, d) => a * d);
        float[] data = Enumerable.Range(0, length).Select(i => MathF.E * (i - 5) / 3).ToArray();
        string path = Path.Combine(_dir, "rt4.npy");

        NpyWriter.Write(path, data, shape);
        var array = NpyReader.Read(path);

        Assert.Equal(shape, array.Shape);
        Assert.Equal(NpyDataType.Float32, array.DataType);
        Assert.Equal(data, array.ToSingle());
        Assert.Equal(data.Select(v => (double)v).ToArray(), array.ToDouble());
    }

    [Fact]
    public void HeaderIsAlignedTo64BytesAndEndsWithNewline()
    {
        for (int rank = 0; rank < 12; rank++)
        {
            int[] shape = Enumerable.Repeat(1, rank).ToArray();
            string path = Path.Combine(_dir, $"align{rank}.npy");
            NpyWriter.Write(path, [42.0], shape);
            byte[] bytes = File.ReadAllBytes(path);
            int headerEnd = 10 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
            Assert.Equal(0, headerEnd % 64);
            Assert.Equal((byte)'\n', bytes[headerEnd - 1]);
            Assert.Equal(headerEnd + 8, bytes.Length);
        }
    }

    [Fact]
    public void WriterRejectsAShapeThatDoesNotMatchTheData()
    {
        string path = Path.Combine(_dir, "bad.npy");
        Assert.Throws<ArgumentException>(() => NpyWriter.Write(path, new double[6], 2, 4));
        Assert.Throws<ArgumentException>(() => NpyWriter.Write(path, new double[6], 6, -1));
        Assert.Throws<ArgumentException>(() => NpyWriter.Write(path, new float[0], 3, 0, -2));
        Assert.Throws<ArgumentException>(() => NpyWriter.Write(path, new double[1], int.MaxValue, int.MaxValue, 0, 2));
        Assert.Throws<ArgumentException>(() => NpyWriter.Write(path, new double[0]));
    }

    [Fact]
    public void FortranOrderIsReturnedInCOrder()
    {
        // 2 × 3 × 4 array with value 100i + 10j + k, stored first axis fastest.
        var shape = new[] { 2, 3, 4 };
        var data = new List<double>();
        for (int k = 0; k < 4; k++)
        {
            for (int j = 0; j < 3; j++)
            {
                for (int i = 0; i < 2; i++)
                {
                    data.Add(100 * i + 10 * j + k);
                }
            }
        }
        string path = WriteRaw("fortran.npy", "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 4), }", LittleEndian(data));

        var array = NpyReader.Read(path);

        Assert.Equal(shape, array.Shape);
        var expected = new List<double>();
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                for (int k = 0; k < 4; k++)
                {
                    expected.Add(100 * i + 10 * j + k);
                }
            }
        }
        Assert.Equal(expected, array.ToDouble());
    }

    [Fact]
    public void FortranOrderMatrixOfFloats()
    {
        // [[1, 2, 3], [4, 5, 6]] in column-major order.
        byte[] bytes = new float[] { 1, 4, 2, 5, 3, 6 }.SelectMany(BitConverterLe).ToArray();
        string path = WriteRaw("fortran4.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", bytes);

        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], NpyReader.Read(path).ToSingle());
    }

    [Fact]
    public void BigEndianValuesAreConverted()
    {
        double[] values = [1.5, -2.25, 1e300, double.Epsilon];
        var f8 = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleBigEndian(f8.AsSpan(i * 8), values[i]);
        }
        var f4 = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(f4, 3.5f);
        BinaryPrimitives.WriteSingleBigEndian(f4.AsSpan(4), -0.125f);
        var i4 = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(i4, -7);
        BinaryPrimitives.WriteInt32BigEndian(i4.AsSpan(4), 65536);

        Assert.Equal(values, NpyReader.Read(WriteRaw("be8.npy", "{'descr': '>f8', 'fortran_order': False, 'shape': (4,), }", f8)).ToDouble());
        Assert.Equal([3.5f, -0.125f], NpyReader.Read(WriteRaw("be4.npy", "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", f4)).ToSingle());
        Assert.Equal([-7.0, 65536.0], NpyReader.Read(WriteRaw("bei4.npy", "{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", i4)).ToDouble());
    }

    [Fact]
    public void IntegerTypesAreRead()
    {
        var i8 = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(i8, -(1L << 40));
        BinaryPrimitives.WriteInt64LittleEndian(i8.AsSpan(8), 3);
        var u8 = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(u8, 1UL << 63);
        var i4 = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(i4, int.MinValue);

        var a = NpyReader.Read(WriteRaw("i8.npy", "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 1), }", i8));
        Assert.Equal(NpyDataType.Int64, a.DataType);
        Assert.Equal([-(double)(1L << 40), 3.0], a.ToDouble());
        Assert.Equal([9223372036854775808.0], NpyReader.Read(WriteRaw("u8.npy", "{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }", u8)).ToDouble());
        Assert.Equal([(double)int.MinValue], NpyReader.Read(WriteRaw("i4.npy", "{'descr': '<i4', 'fortran_order': False, 'shape': (), }", i4)).ToDouble());
        var u1 = NpyReader.Read(WriteRaw("u1.npy", "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", [0, 128, 255]));
        Assert.Equal(NpyDataType.UInt8, u1.DataType);
        Assert.Equal([0f, 128f, 255f], u1.ToSingle());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Versions2And3AreRead(int major)
    {
        string path = WriteRaw($"v{major}.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", LittleEndian([0.5, -4.0]), major);

        Assert.Equal([0.5, -4.0], NpyReader.Read(path).ToDouble());
    }

    [Fact]
    public void Version3HeaderIsDecodedAsUtf8()
    {
        // Only a structured dtype puts non-ASCII text in a header; the error shows it was decoded as UTF-8.
        string path = WriteRaw("v3name.npy", "{'descr': '<f\u00e9', 'fortran_order': False, 'shape': (1,), }", new byte[8], 3);

        var ex = Assert.Throws<NpyFormatException>(() => NpyReader.Read(path));

        Assert.Contains("'<f\u00e9'", ex.Message);
    }

    [Fact]
    public void HeaderVariantsNumpyCanProduceAreAccepted()
    {
        // Keys in another order, double quotes, no trailing comma, 1-tuple, spaces.
        string path = WriteRaw("variants.npy", "{ \"shape\" : ( 3 , ) , \"fortran_order\": False, \"descr\": \"<f8\" }", LittleEndian([1.0, 2.0, 3.0]));
        Assert.Equal([1.0, 2.0, 3.0], NpyReader.Read(path).ToDouble());
    }

    [Fact]
    public void NonSeekableStreamIsReadInChunks()
    {
        double[] data = Enumerable.Range(0, 300_000).Select(i => i * 0.5).ToArray();
        string path = Path.Combine(_dir, "big.npy");
        NpyWriter.Write(path, data, 600, 500);

        using var stream = new NonSeekableStream(File.ReadAllBytes(path));
        var array = NpyReader.Read(stream, "pipe:big");

        Assert.Equal([600, 500], array.Shape);
        Assert.Equal(data, array.ToDouble());
    }

    [Fact]
    public void TruncatedNonSeekableStreamThrows()
    {
        string path = Path.Combine(_dir, "cut.npy");
        NpyWriter.Write(path, new double[3000], 3000);
        byte[] bytes = File.ReadAllBytes(path)[..^1];

        using var stream = new NonSeekableStream(bytes);
        var ex = Assert.Throws<NpyFormatException>(() => NpyReader.Read(stream, "pipe:cut"));
        Assert.Contains("pipe:cut", ex.Message);
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void HugeDeclaredShapeInATinyNonSeekableStreamThrowsWithoutAllocatingIt()
    {
        byte[] bytes = BuildNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (200000000,), }", new byte[16], 1);
        long before = GC.GetAllocatedBytesForCurrentThread();

        using var stream = new NonSeekableStream(bytes);
        var ex = Assert.Throws<NpyFormatException>(() => NpyReader.Read(stream, "pipe:huge"));

        Assert.Contains("truncated", ex.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20, "allocated the declared 1.6 GB");
    }

    public static TheoryData<string, int> SegmentCases() => new()
    {
        { "<f8", 8 }, { "<f8", 24 }, { ">f8", 16 }, { "<f4", 12 }, { ">f4", 4 }, { "<i4", 8 }, { "<i8", 40 }, { "|u1", 3 },
    };

    /// <summary>
    /// Large files are held in segments (1 GiB each); a segment of a few bytes runs the same arithmetic on small data:
    /// C and Fortran order, both byte orders, seekable and unseekable streams, segments that do not divide the data.
    /// </summary>
    [Theory]
    [MemberData(nameof(SegmentCases))]
    public void ArraysSplitIntoSegmentsReadAsOne(string descr, int segmentBytes)
    {
        var shape = new[] { 3, 5, 7 };
        int count = 105, size = descr[1..] switch { "f8" or "i8" => 8, "f4" or "i4" => 4, _ => 1 };
        double[] values = [.. Enumerable.Range(0, count).Select(i => (double)(i * 2 % 251))];
        var bytes = new byte[count * size];
        for (int i = 0; i < count; i++)
        {
            var at = bytes.AsSpan(i * size);
            switch (descr)
            {
                case "<f8": BinaryPrimitives.WriteDoubleLittleEndian(at, values[i]); break;
                case ">f8": BinaryPrimitives.WriteDoubleBigEndian(at, values[i]); break;
                case "<f4": BinaryPrimitives.WriteSingleLittleEndian(at, (float)values[i]); break;
                case ">f4": BinaryPrimitives.WriteSingleBigEndian(at, (float)values[i]); break;
                case "<i4": BinaryPrimitives.WriteInt32LittleEndian(at, (int)values[i]); break;
                case "<i8": BinaryPrimitives.WriteInt64LittleEndian(at, (long)values[i]); break;
                default: at[0] = (byte)values[i]; break;
            }
        }
        byte[] cOrder = BuildNpy($"{{'descr': '{descr}', 'fortran_order': False, 'shape': (3, 5, 7), }}", bytes, 1);
        using (var seekable = new MemoryStream(cOrder))
        {
            var array = NpyReader.Read(seekable, "c", segmentBytes);
            Assert.Equal(shape, array.Shape);
            Assert.Equal(values, array.ToDouble());
            Assert.Equal(values.Select(v => (float)v), array.ToSingle());
        }
        using (var pipe = new NonSeekableStream(cOrder))
            Assert.Equal(values, NpyReader.Read(pipe, "pipe", segmentBytes).ToDouble());

        // The same values stored first axis fastest: element (i, j, k) at i + 3j + 15k.
        var fortran = new byte[bytes.Length];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 5; j++)
                for (int k = 0; k < 7; k++)
                    bytes.AsSpan((i * 35 + j * 7 + k) * size, size).CopyTo(fortran.AsSpan((i + 3 * j + 15 * k) * size));
        using var fortranStream = new MemoryStream(BuildNpy($"{{'descr': '{descr}', 'fortran_order': True, 'shape': (3, 5, 7), }}", fortran, 1));
        Assert.Equal(values, NpyReader.Read(fortranStream, "f", segmentBytes).ToDouble());
    }

    /// <summary>
    /// A native-order float file is read straight into the array the batch uses: from a file in pieces (by every core
    /// once it is 16 MB or more, of a few bytes here to run the piece arithmetic), the same values as the
    /// element-by-element path of the other byte order, lent without a copy.
    /// </summary>
    [Theory]
    [InlineData("<f8", 8)]
    [InlineData("<f8", 40)]
    [InlineData("<f4", 12)]
    [InlineData("<f8", 1 << 30)]
    public void NativeFloatFilesAreReadStraightIntoTheirArrayInPieces(string descr, int segmentBytes)
    {
        int count = 3 * 5 * 7, size = descr == "<f8" ? 8 : 4;
        double[] values = [.. Enumerable.Range(0, count).Select(i => i * 0.37 - 11)];
        var native = new byte[count * size];
        var swapped = new byte[count * size];
        for (int i = 0; i < count; i++)
        {
            if (size == 8)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(native.AsSpan(i * 8), values[i]);
                BinaryPrimitives.WriteDoubleBigEndian(swapped.AsSpan(i * 8), values[i]);
            }
            else
            {
                BinaryPrimitives.WriteSingleLittleEndian(native.AsSpan(i * 4), (float)values[i]);
                BinaryPrimitives.WriteSingleBigEndian(swapped.AsSpan(i * 4), (float)values[i]);
            }
        }
        string path = WriteRaw($"native{size}.npy", $"{{'descr': '{descr}', 'fortran_order': False, 'shape': (3, 5, 7), }}", native);
        using var bigEndian = new MemoryStream(BuildNpy($"{{'descr': '>{descr[1..]}', 'fortran_order': False, 'shape': (3, 5, 7), }}", swapped, 1));
        var expected = NpyReader.Read(bigEndian, "be");
        using (var file = File.OpenRead(path))
        {
            var array = NpyReader.Read(file, path, segmentBytes);
            Assert.Equal(file.Length, file.Position);
            Assert.Equal(expected.ToDouble(), array.ToDouble());
            Assert.Equal(expected.ToSingle(), array.ToSingle());
            if (size == 8)
            {
                Assert.Same(array.AsDoubles(), array.AsDoubles());
                Assert.NotSame(array.AsDoubles(), array.ToDouble());
            }
            else
            {
                Assert.Same(array.AsSingles(), array.AsSingles());
                Assert.NotSame(array.AsSingles(), array.ToSingle());
            }
        }
        Assert.Equal(expected.ToDouble()[35..70], NpyRows.Read(path, 1, 1).ToDouble());
    }

    [Fact]
    public void ALargeNativeFileIsReadByEveryCoreIntoOneArray()
    {
        // 2.5 M float64 (20 MB: above the size read by several cores at once), each value its own index.
        int rows = 2500, columns = 1000;
        var values = new double[rows * columns];
        for (int i = 0; i < values.Length; i++)
            values[i] = i;
        string path = Path.Combine(_dir, "large.npy");
        NpyWriter.Write(path, values, rows, columns);

        var read = NpyReader.Read(path).AsDoubles();
        Assert.Equal(values, read);
        // A range of rows from the middle: the pieces start at the range, not at the data.
        Assert.Equal(values.AsSpan(1234 * columns, 777 * columns).ToArray(), NpyRows.Read(path, 1234, 777).AsDoubles());
        // A file cut short after its header was read says so, naming it (the length was checked when opened).
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var header = NpyReader.ReadHeader(file, path);
        using (var cut = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            cut.SetLength(file.Length - 8);
        var error = Assert.Throws<NpyFormatException>(() => NpyReader.ReadData(file, header, header.Shape, header.Length, path));
        Assert.Contains("truncated", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void TheHeaderGivesTheDataSizeInLongForArraysBeyondTwoGigabytes()
    {
        // Array.MaxLength float64 elements: 17 GB, the largest array the reader takes; the header alone is read.
        byte[] header = BuildNpy($"{{'descr': '<f8', 'fortran_order': False, 'shape': ({Array.MaxLength},), }}", [], 1);
        using var stream = new NonSeekableStream(header);
        var parsed = NpyReader.ReadHeader(stream, "big");
        Assert.Equal(Array.MaxLength, parsed.Length);
        Assert.Equal(8L * Array.MaxLength, parsed.ByteCount);
        Assert.Equal([Array.MaxLength], parsed.Shape);
    }

    [Fact]
    public void MissingFileThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => NpyReader.Read(Path.Combine(_dir, "absent.npy")));
    }

    public static TheoryData<string, byte[], string> Malformed()
    {
        byte[] f8x2 = LittleEndian([1.0, 2.0]);
        var data = new TheoryData<string, byte[], string>
        {
            { "empty", [], "truncated" },
            { "bad magic", Encoding.ASCII.GetBytes("\u0093NUMPZ\u0001\u0000"), "magic" },
            { "text file", Encoding.ASCII.GetBytes("x,y\n1,2\n3,4\n"), "magic" },
            { "short magic", [0x93, (byte)'N', (byte)'U'], "truncated" },
            { "version 4", Version(BuildNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f8x2, 1), 4, 0), "version" },
            { "version 1.1", Version(BuildNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f8x2, 1), 1, 1), "version" },
            { "no header length", [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 0x40], "truncated" },
            { "truncated header", BuildNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", [], 1)[..40], "truncated" },
            { "absurd header length", [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0, 0xFF, 0xFF, 0xFF, 0xFF], "header length" },
            { "not a dict", BuildNpy("['descr', '<f8']", f8x2, 1), "header" },
            { "missing key", BuildNpy("{'descr': '<f8', 'shape': (2,), }", f8x2, 1), "lacks" },
            { "unknown key", BuildNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'extra': 1, }", f8x2, 1), "unexpected key" },
            { "duplicate key", BuildNpy("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f8x2, 1), "twice" },
            { "unterminated string", BuildNpy("{'descr': '<f8, 'fortran_order': False, 'shape': (2,) }", f8x2, 1), "header" },
            { "bad bool", BuildNpy("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (2,), }", f8x2, 1), "fortran_order" },
            { "shape not tuple", BuildNpy("{'descr': '<f8', 'fortran_order': False, 'shape': 2, }", f8x2, 1), "header" },
            { "float dimension", BuildNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2.0,), }", f8x2, 1), "shape" },
            { "trailing text", BuildNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), } junk", f8x2, 1), "after" },
            { "invalid utf8 v3", BuildRawHeader([(byte)'{', 0xC3, 0x28, (byte)'}'], 3), "UTF-8" },
            { "complex dtype", BuildNpy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new byte[16], 1), "dtype" },
            { "string dtype", BuildNpy("{'descr': '<U4', 'fortran_order': False, 'shape': (1,), }", new byte[16], 1), "dtype" },
            { "object dtype", BuildNpy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new byte[8], 1), "dtype" },
            { "f8 without byte order", BuildNpy("{'descr': '|f8', 'fortran_order': False, 'shape': (2,), }", f8x2, 1), "dtype" },
            { "structured dtype", BuildNpy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }", f8x2, 1), "descr" },
            { "negative dimension", BuildNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -1), }", f8x2, 1), "negative" },
            { "dimension above int", BuildNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 0), }", [], 1), "exceeds" },
            { "dimension beyond long", BuildNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,), }", f8x2, 1), "out of range" },
            { "overflowing shape", BuildNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647, 2147483647, 5), }", f8x2, 1), "largest supported" },
            // 8 GiB of data: past int's byte count, within Array.MaxLength elements, so the size is checked in long.
            { "more than 2 GB declared", BuildNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1073741824,), }", f8x2, 1), "expected 8589934592 bytes" },
            { "more elements than an array holds", BuildNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (1073741824, 2), }", f8x2, 1), "largest supported" },
            { "truncated data", BuildNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", f8x2, 1), "truncated" },
            { "huge shape tiny file", BuildNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (10000, 10000), }", f8x2, 1), "truncated" },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedContentThrowsNpyFormatExceptionNamingTheFile(string label, byte[] bytes, string fragment)
    {
        string name = $"bad_{label.Replace(' ', '_')}.npy";
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<NpyFormatException>(() => NpyReader.Read(path));

        Assert.Contains(name, ex.Message);
        Assert.Contains(fragment, ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(path, ex.SourceName);
        Assert.IsAssignableFrom<IOException>(ex);
    }

    private string WriteRaw(string name, string dict, byte[] data, int major = 1)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, BuildNpy(dict, data, major));
        return path;
    }

    /// <summary>Magic, version, length field, dict padded with spaces and '\n' to 64 bytes, then data.</summary>
    private static byte[] BuildNpy(string dict, byte[] data, int major)
    {
        byte[] text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(dict);
        int preamble = major == 1 ? 10 : 12;
        int padded = (preamble + text.Length + 1 + 63) / 64 * 64 - preamble;
        var header = new byte[padded];
        Array.Fill(header, (byte)' ');
        text.CopyTo(header, 0);
        header[^1] = (byte)'\n';
        return [.. BuildRawHeader(header, major), .. data];
    }

    private static byte[] BuildRawHeader(byte[] header, int major)
    {
        var length = new byte[major == 1 ? 2 : 4];
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)header.Length);
        }
        return [0x93, .. "NUMPY"u8, (byte)major, 0, .. length, .. header];
    }

    private static byte[] Version(byte[] file, byte major, byte minor)
    {
        file[6] = major;
        file[7] = minor;
        return file;
    }

    private static byte[] LittleEndian(IEnumerable<double> values)
    {
        var list = values.ToList();
        var bytes = new byte[list.Count * 8];
        for (int i = 0; i < list.Count; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), list[i]);
        }
        return bytes;
    }

    private static byte[] BitConverterLe(float value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        return bytes;
    }

    /// <summary>A read-only stream that hides its length, like a pipe, and returns short reads.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) =>
            _inner.Read(buffer, offset, Math.Min(count, 4093));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
