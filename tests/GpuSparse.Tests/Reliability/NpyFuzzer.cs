using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using GpuSparse.IO;

namespace GpuSparse.Tests.Reliability;

/// <summary>What a fuzzing run saw: inputs read, rejected with <see cref="NpyFormatException"/>, and failures.</summary>
public sealed record FuzzReport(int Inputs, int Accepted, int Rejected, IReadOnlyList<string> Failures, TimeSpan Elapsed);

/// <summary>
/// Mutation fuzzing of <see cref="NpyReader"/> (and of <see cref="CsvTable"/>): valid seed files are corrupted by a seeded RNG (bit flips,
/// byte overwrites, truncations, insertions and deletions, header-length, version and header-text edits:
/// huge, negative and malformed shapes, bad dtypes and fortran flags). Each input is read from a seekable
/// and from a non-seekable stream. The reader may accept the input or throw its format exception;
/// any other exception, or an allocation far beyond the input's size (a huge declared shape believed),
/// is a failure.
/// </summary>
public static class NpyFuzzer
{
    // What one read may allocate: a few copies of the input (header, data, C-order copy, ToDouble), plus
    // the 1 MiB first piece of a non-seekable read. A declared shape believed before the data is seen
    // would allocate its full size, far above this.
    private const long AllocationSlackBytes = 4L << 20;
    private const int AllocationFactor = 64;

    private static readonly string[] Shapes =
    [
        "()", "(0,)", "(-1,)", "(1, -3)", "(2147483647,)", "(2147483648,)", "(9223372036854775807,)",
        "(99999999999999999999,)", "(65536, 65536)", "(46341, 46341, 2)", "(3, 0, 2147483647)", "(1,,)", "(,)", "(1 2)",
        "(a,)", "(-,)", "[2, 3]", "(2, 3", "(1000000,)", "(1, 1, 1, 1, 1, 1, 1, 1)",
    ];

    private static readonly string[] Descrs = ["'<f8'", "'>f4'", "'|f8'", "'<c16'", "'O'", "'<f2'", "''", "'<'", "'=i8'", "'|u1'", "[('a', '<f8')]", "'<f8", "<f8"];

    private static readonly string[] Flags = ["True", "False", "1", "Tru", "'False'", "None"];

    /// <summary>Runs <paramref name="iterations"/> mutated .npy inputs derived from <paramref name="corpus"/> through <see cref="NpyReader"/>.</summary>
    public static FuzzReport Run(IReadOnlyList<byte[]> corpus, int iterations, int seed) =>
        Run<NpyFormatException>(corpus, iterations, seed, stream =>
        {
            var array = NpyReader.Read(stream, "fuzz");
            // The conversions must work on anything the reader accepted.
            _ = array.ToDouble();
            _ = array.ToSingle();
        });

    /// <summary>Runs <paramref name="iterations"/> mutated CSV inputs derived from <paramref name="corpus"/> through <see cref="CsvTable"/>.</summary>
    public static FuzzReport RunCsv(IReadOnlyList<byte[]> corpus, int iterations, int seed) =>
        Run<CsvFormatException>(corpus, iterations, seed, stream =>
        {
            using var reader = new StreamReader(stream);
            var table = CsvTable.Read(reader, "fuzz");
            // Every accessor must work on anything the reader accepted.
            foreach (var name in table.Names)
                _ = table.Column(name);
        });

    /// <summary>
    /// Feeds mutated inputs to <paramref name="read"/>; it may return or throw <typeparamref name="TRejection"/>,
    /// anything else (or an allocation far beyond the input's size) is a failure.
    /// </summary>
    public static FuzzReport Run<TRejection>(IReadOnlyList<byte[]> corpus, int iterations, int seed, Action<Stream> read)
        where TRejection : Exception
    {
        var rng = new Random(seed);
        var failures = new List<string>();
        int accepted = 0, rejected = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++)
        {
            byte[] input = Mutate(corpus[rng.Next(corpus.Count)], rng);
            bool seekable = i % 2 == 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                using Stream stream = seekable ? new MemoryStream(input, writable: false) : new ForwardOnlyStream(input);
                read(stream);
                accepted++;
            }
            catch (TRejection)
            {
                rejected++;
            }
            catch (Exception e)
            {
                failures.Add($"input {i} ({(seekable ? "seekable" : "forward-only")}): {e.GetType().Name}: {e.Message} — {Convert.ToBase64String(input)}");
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > AllocationFactor * (long)input.Length + AllocationSlackBytes)
                failures.Add($"input {i}: allocated {allocated} bytes for {input.Length} input bytes — {Convert.ToBase64String(input)}");
        }
        return new FuzzReport(iterations, accepted, rejected, failures, clock.Elapsed);
    }

    /// <summary>Applies one to four random mutations to a copy of <paramref name="seed"/>.</summary>
    public static byte[] Mutate(byte[] seed, Random rng)
    {
        var bytes = new List<byte>(seed);
        int count = 1 + rng.Next(4);
        for (int m = 0; m < count; m++)
        {
            switch (rng.Next(9))
            {
                case 0 when bytes.Count > 0:
                    // One bit flipped anywhere.
                    int bit = rng.Next(bytes.Count * 8);
                    bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                    break;
                case 1 when bytes.Count > 0:
                    // A byte overwritten with a value that matters to the parser or the length fields.
                    byte[] interesting = [0, 0xFF, 0x7F, 0x80, (byte)'9', (byte)'-', (byte)',', (byte)'(', (byte)')', (byte)'\'', (byte)'}', (byte)'\n'];
                    bytes[rng.Next(bytes.Count)] = rng.Next(2) == 0 ? interesting[rng.Next(interesting.Length)] : (byte)rng.Next(256);
                    break;
                case 2:
                    // Truncated anywhere, the header included.
                    int cut = rng.Next(bytes.Count + 1);
                    bytes.RemoveRange(cut, bytes.Count - cut);
                    break;
                case 3:
                    // Random bytes inserted.
                    int at = rng.Next(bytes.Count + 1);
                    bytes.InsertRange(at, Enumerable.Range(0, 1 + rng.Next(16)).Select(_ => (byte)rng.Next(256)));
                    break;
                case 4 when bytes.Count > 0:
                    // A span deleted.
                    int from = rng.Next(bytes.Count);
                    bytes.RemoveRange(from, Math.Min(bytes.Count - from, 1 + rng.Next(16)));
                    break;
                case 5 when bytes.Count >= 12:
                    // The header length field rewritten (2 bytes in version 1, 4 in versions 2 and 3).
                    uint length = rng.Next(3) switch { 0 => (uint)rng.Next(), 1 => uint.MaxValue - (uint)rng.Next(16), _ => (uint)rng.Next(256) };
                    bytes[8] = (byte)length;
                    bytes[9] = (byte)(length >> 8);
                    if (rng.Next(2) == 0)
                    {
                        bytes[10] = (byte)(length >> 16);
                        bytes[11] = (byte)(length >> 24);
                    }
                    break;
                case 6 when bytes.Count >= 8:
                    // Another format version.
                    bytes[6] = (byte)rng.Next(5);
                    bytes[7] = (byte)(rng.Next(4) == 0 ? 1 : 0);
                    break;
                case 7:
                    // Data appended after the array.
                    bytes.AddRange(Enumerable.Range(0, rng.Next(64)).Select(_ => (byte)rng.Next(256)));
                    break;
                default:
                    bytes = EditHeader(bytes, rng);
                    break;
            }
        }
        return [.. bytes];
    }

    /// <summary>
    /// Replaces the shape, descr or fortran_order value of the header text, then (usually) rewrites the
    /// header length so the edited header is parsed and the data behind it is read against the new shape.
    /// </summary>
    private static List<byte> EditHeader(List<byte> bytes, Random rng)
    {
        // Latin-1 maps bytes to chars one to one, so the edit leaves every other byte as it was.
        string text = Encoding.Latin1.GetString([.. bytes]);
        string edited = rng.Next(3) switch
        {
            0 => Regex.Replace(text, @"'shape':\s*\([^)]*\)", "'shape': " + Shapes[rng.Next(Shapes.Length)]),
            1 => Regex.Replace(text, @"'descr':\s*'[^']*'", "'descr': " + Descrs[rng.Next(Descrs.Length)]),
            _ => Regex.Replace(text, @"'fortran_order':\s*\w+", "'fortran_order': " + Flags[rng.Next(Flags.Length)]),
        };
        var result = Encoding.Latin1.GetBytes(edited);
        int newline = result.Length >= 12 ? Array.IndexOf(result, (byte)'\n', 10) : -1;
        if (rng.Next(4) != 0 && newline > 0)
        {
            bool version1 = result[6] == 1;
            int start = version1 ? 10 : 12;
            if (version1)
                BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(8), (ushort)Math.Max(0, newline + 1 - start));
            else
                BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), (uint)Math.Max(0, newline + 1 - start));
        }
        return [.. result];
    }

    /// <summary>A stream that cannot seek, like a pipe: the reader cannot check the length before allocating.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data, writable: false);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
