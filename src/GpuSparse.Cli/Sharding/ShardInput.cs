using System.Security.Cryptography;
using GpuSparse.Cli.Input;
using GpuSparse.IO;

namespace GpuSparse.Cli.Sharding;

/// <summary>One block of an input file that a shard read: block i holds the file's bytes [i·B, (i + 1)·B).</summary>
/// <param name="Index">i.</param>
/// <param name="Sha256">The SHA-256 of the block's bytes, lower-case hex.</param>
internal sealed record InputBlock(long Index, string Sha256);

/// <summary>
/// An input file of a shard, identified by content — its size and the SHA-256 of every fixed block of it that the
/// shard read — not by its path (machines mount data differently).
/// </summary>
/// <remarks>
/// A shard that reads only its rows of a large file hashes only the blocks those rows (and the .npy header) lie in, so
/// N shards of a 16 GB X hash 16 GB between them, not N × 16 GB. Blocks read by several shards (the header's, those
/// a boundary between two shards' rows falls in, all of a file every shard reads whole) must agree for the shards to
/// merge; docs/scale-out.md states what that guarantees.
/// </remarks>
/// <param name="Option">The option that named it (<c>--x</c>, <c>--y</c>, <c>--alpha</c>, …).</param>
/// <param name="Path">The path the shard read it from, for messages only.</param>
/// <param name="Bytes">The file's size.</param>
/// <param name="BlockBytes">B, the size of a block.</param>
/// <param name="Blocks">The blocks the shard read, by increasing index.</param>
internal sealed record ShardInput(string Option, string Path, long Bytes, long BlockBytes, IReadOnlyList<InputBlock> Blocks)
{
    /// <summary>B: 64 MiB, small next to a shard's share of a large file, and few blocks (manifest entries) for it.</summary>
    public const long DefaultBlockBytes = 64L << 20;

    /// <summary>Tests set a small block size here (for their own async flow) to cut small files into many blocks.</summary>
    internal static readonly AsyncLocal<long?> BlockBytesOverride = new();

    /// <summary>Block <paramref name="index"/> and its bytes, for messages.</summary>
    public string Describe(long index) => $"block {index} (bytes [{index * BlockBytes}, {Math.Min(Bytes, (index + 1) * BlockBytes)}))";

    /// <summary>Size and block hashes of the whole of <paramref name="path"/> (a file every shard reads whole).</summary>
    /// <exception cref="InputException">The file cannot be read.</exception>
    public static ShardInput Whole(string option, string path) => Hash(option, path, length => [(0, length)]);

    /// <summary>
    /// Size and block hashes of what a shard reads of <paramref name="path"/> for its units [<paramref name="start"/>,
    /// <paramref name="end"/>): of a C-order .npy whose first axis counts units (rank ≥ <paramref name="unitRank"/>, more
    /// than one row), its header and those rows, as the ranged reader reads them; of any other file (a CSV, a file shared by
    /// every unit, a Fortran-order file) the whole.
    /// </summary>
    /// <exception cref="InputException">The file cannot be read or is not a valid .npy.</exception>
    public static ShardInput Rows(string option, string path, int start, int end, int unitRank)
    {
        if (InputFiles.IsCsv(path))
            return Whole(option, path);
        NpyHeader header;
        long dataStart;
        try
        {
            using var stream = File.OpenRead(path);
            header = NpyReader.ReadHeader(stream, path);
            dataStart = stream.Position;
        }
        catch (Exception e) when (e is NpyFormatException or IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{option} {path}: cannot read it to hash it: {e.Message}", e);
        }
        if (header.Shape.Length < unitRank || header.Shape[0] <= 1 || (header.FortranOrder && header.Shape.Length > 1))
            return Whole(option, path);
        long rowBytes = header.ItemSize;
        foreach (int dim in header.Shape[1..])
            rowBytes = checked(rowBytes * dim);
        return Hash(option, path, _ => [(0, dataStart), (checked(dataStart + start * rowBytes), checked(dataStart + end * rowBytes))]);
    }

    // Hashes every block that a byte range of the file overlaps, each block whole.
    private static ShardInput Hash(string option, string path, Func<long, (long Start, long End)[]> ranges)
    {
        long blockBytes = BlockBytesOverride.Value ?? DefaultBlockBytes;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
            long length = stream.Length;
            var indices = new SortedSet<long>();
            foreach (var (start, end) in ranges(length))
                for (long block = start / blockBytes; block * blockBytes < Math.Min(end, length); block++)
                    indices.Add(block);
            var blocks = new List<InputBlock>(indices.Count);
            var buffer = new byte[(int)Math.Min(blockBytes, 1 << 20)];
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (long block in indices)
            {
                stream.Position = block * blockBytes;
                for (long left = Math.Min(blockBytes, length - stream.Position); left > 0;)
                {
                    int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                    if (read == 0)
                        throw new IOException($"the file ended at byte {stream.Position} while being hashed (it is changing?)");
                    sha.AppendData(buffer, 0, read);
                    left -= read;
                }
                blocks.Add(new InputBlock(block, Convert.ToHexStringLower(sha.GetHashAndReset())));
            }
            return new ShardInput(option, path, length, blockBytes, blocks);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{option} {path}: cannot read it to hash it: {e.Message}", e);
        }
    }
}
