using System.Text;
using GpuSparse.Data;
using GpuSparse.IO;
using Xunit;

namespace GpuSparse.Tests.Cli;

/// <summary>
/// <c>solve --shard I/N</c> and <c>merge</c>: the merged folder holds the unsharded solve's bytes (result.json up to
/// its elapsed time), and shards that do not fit together are refused with exit 2, naming the shard.
/// </summary>
public sealed class ShardMergeTests : IDisposable
{
    private const int Problems = 23, Samples = 30, Features = 9;
    private readonly string _folder = Directory.CreateTempSubdirectory("gpusparse-shard-").FullName;
    private readonly string _x, _y, _alpha;

    public ShardMergeTests()
    {
        var batch = PortableGenerator.Batch(Problems, Samples, Features);
        (_x, _y, _alpha) = (In("X.npy"), In("y.npy"), In("alpha.npy"));
        NpyWriter.Write(_x, batch.X, Problems, Samples, Features);
        NpyWriter.Write(_y, batch.Y, Problems, Samples);
        NpyWriter.Write(_alpha, batch.Alphas, Problems);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string In(string name) => Path.Combine(_folder, name);

    private string[] Solve(string output, string? shard, params string[] extra) =>
        ["solve", "--x", _x, "--y", _y, "--alpha", _alpha, "--l1-ratio", "0.8", "--tol", "1e-8", .. extra,
            .. shard is null ? Array.Empty<string>() : ["--shard", shard], "--out", output];

    private string[] SolveShards(int count, params string[] extra)
    {
        var folders = Enumerable.Range(0, count).Select(i => In($"shard{i}")).ToArray();
        for (int i = 0; i < count; i++)
            Assert.Equal(0, CliRunner.Run(Solve(folders[i], $"{i}/{count}", extra)).Exit);
        return folders;
    }

    private static void AssertSameFiles(string expected, string actual)
    {
        foreach (string file in new[] { "coef.npy", "intercept.npy", "coef.csv" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(expected, file)), File.ReadAllBytes(Path.Combine(actual, file)));
        // result.json differs only in the time it took.
        static string[] Lines(string folder) =>
            [.. File.ReadAllLines(Path.Combine(folder, "result.json")).Where(l => !l.Contains("\"elapsed_seconds\"", StringComparison.Ordinal))];
        Assert.Equal(Lines(expected), Lines(actual));
        Assert.Equal(File.ReadAllLines(Path.Combine(expected, "result.json")).Length, File.ReadAllLines(Path.Combine(actual, "result.json")).Length);
    }

    [Theory]
    [InlineData(1, "cd", "f64")]
    [InlineData(4, "cd", "f64")]
    [InlineData(5, "reference", "f32")]
    [InlineData(23, "cd", "f32")]
    public void MergedShardsAreTheUnshardedSolveBitForBit(int shards, string backend, string precision)
    {
        string full = In("full");
        Assert.Equal(0, CliRunner.Run(Solve(full, null, "--backend", backend, "--precision", precision)).Exit);
        var folders = SolveShards(shards, "--backend", backend, "--precision", precision);
        // Given in any order.
        var (exit, stdout, stderr) = CliRunner.Run(["merge", .. folders.Reverse(), "--out", In("merged")]);
        Assert.True(exit == 0, stderr);
        Assert.Contains($"merged {shards} shards: {Problems} problems", stdout);
        AssertSameFiles(full, In("merged"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("1/3")]
    public void ABatchSolvedInWindowsIsTheOneWindowSolveBitForBit(string? shard)
    {
        string whole = In("whole"), windows = In("windows");
        Assert.Equal(0, CliRunner.Run(Solve(whole, shard)).Exit);
        // Windows of 3 problems (X and y rows of 30 × 9 + 30 float64 each): 8 windows, the last one short.
        GpuSparse.Cli.Commands.SolveCommand.WindowBytesOverride.Value = 3 * 8 * (Samples * Features + Samples);
        try
        {
            Assert.Equal(0, CliRunner.Run(Solve(windows, shard)).Exit);
        }
        finally
        {
            GpuSparse.Cli.Commands.SolveCommand.WindowBytesOverride.Value = null;
        }
        AssertSameFiles(whole, windows);
        if (shard is not null)
            Assert.Equal(File.ReadAllText(Path.Combine(whole, "shard.json")), File.ReadAllText(Path.Combine(windows, "shard.json")));
    }

    [Fact]
    public void MessagesNameTheProblemOfTheWholeBatch()
    {
        // Problem 13's alpha is negative: invalid, and named as problem 13 by the shard and window that hold it.
        var alphas = NpyReader.Read(_alpha).ToDouble();
        alphas[13] = -1;
        NpyWriter.Write(_alpha, alphas, Problems);
        Assert.Equal(1, CliRunner.Run(Solve(In("full"), null)).Exit);
        var folders = Enumerable.Range(0, 2).Select(i => In($"s{i}")).ToArray();
        Assert.Equal(0, CliRunner.Run(Solve(folders[0], "0/2")).Exit);
        var (exit, _, stderr) = CliRunner.Run(Solve(folders[1], "1/2"));
        Assert.Equal(1, exit);
        Assert.Contains("problem 13", stderr);
        Assert.Equal(1, CliRunner.Run(["merge", .. folders, "--out", In("merged")]).Exit);
        AssertSameFiles(In("full"), In("merged"));
    }

    [Fact]
    public void ASharedDesignAndACsvOfTargetsShardByTarget()
    {
        // X (n, p) shared by all; y a CSV of K named columns: shards split the columns, result.json keeps every name.
        var batch = PortableGenerator.Batch(7, Samples, Features);
        string x = In("shared.npy"), y = In("targets.csv");
        NpyWriter.Write(x, batch.X.AsSpan(0, Samples * Features), Samples, Features);
        var names = Enumerable.Range(0, 7).Select(k => $"t{k}").ToArray();
        CsvTable.Write(y, names, [.. Enumerable.Range(0, Samples).SelectMany(i => Enumerable.Range(0, 7).Select(k => batch.Y[k * Samples + i]))]);
        string[] Args(string output, string? shard) => ["solve", "--x", x, "--y", y, "--alpha", "0.05", "--out", output,
            .. shard is null ? Array.Empty<string>() : ["--shard", shard]];
        Assert.Equal(0, CliRunner.Run(Args(In("full"), null)).Exit);
        for (int i = 0; i < 3; i++)
            Assert.Equal(0, CliRunner.Run(Args(In($"s{i}"), $"{i}/3")).Exit);
        Assert.Equal(0, CliRunner.Run("merge", In("s0"), In("s1"), In("s2"), "--out", In("merged")).Exit);
        AssertSameFiles(In("full"), In("merged"));
    }

    [Fact]
    public void TheManifestNamesTheProblemsTheInputsAndTheOptions()
    {
        var folders = SolveShards(3);
        string manifest = File.ReadAllText(Path.Combine(folders[1], "shard.json"));
        Assert.Contains("\"start\": 7", manifest);
        Assert.Contains("\"end\": 15", manifest);
        Assert.Contains("\"units\": 23", manifest);
        Assert.Contains("\"command\": \"solve\"", manifest);
        string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(_x)));
        Assert.Contains($"\"sha256\": \"{sha}\"", manifest);
        Assert.Contains($"\"bytes\": {new FileInfo(_x).Length}", manifest);
        Assert.Contains("\"--tol\": \"1E-08\"", manifest);
        // Indices in result.json are the whole batch's.
        Assert.Contains("\"index\": 7,", File.ReadAllText(Path.Combine(folders[1], "result.json")));
    }

    // Runs with inputs hashed in blocks of 4 KiB: X (23 × 30 × 9 float64 after a 128-byte header) is 13 blocks, and
    // shard 1/3 (problems [7, 15), bytes [15248, 32528)) reads blocks 0 (the header) and 3 … 7, of which it shares
    // 0 with both others, 3 with shard 0 and 7 with shard 2.
    private static T WithBlocksOf4KiB<T>(Func<T> run)
    {
        GpuSparse.Cli.Sharding.ShardInput.BlockBytesOverride.Value = 4096;
        try
        {
            return run();
        }
        finally
        {
            GpuSparse.Cli.Sharding.ShardInput.BlockBytesOverride.Value = null;
        }
    }

    // Adds 1 to X[k, 0, 0] in place (same size, one value's bytes changed); returns the byte offset of that value.
    private long ChangeDesign(int problem)
    {
        long dataStart;
        using (var stream = File.OpenRead(_x))
        {
            NpyReader.ReadHeader(stream, _x);
            dataStart = stream.Position;
        }
        var x = NpyReader.Read(_x).ToDouble();
        x[problem * Samples * Features] += 1;
        NpyWriter.Write(_x, x, Problems, Samples, Features);
        return dataStart + (long)problem * Samples * Features * sizeof(double);
    }

    [Fact]
    public void AShardHashesOnlyTheBlocksOfItsRowsAndTheHeader()
    {
        var folders = WithBlocksOf4KiB(() => SolveShards(3));
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folders[1], "shard.json")));
        var inputs = json.RootElement.GetProperty("inputs").EnumerateArray().ToDictionary(i => i.GetProperty("option").GetString()!);
        var bytes = File.ReadAllBytes(_x);
        var x = inputs["--x"];
        Assert.Equal(bytes.Length, x.GetProperty("bytes").GetInt64());
        Assert.Equal(4096, x.GetProperty("block_bytes").GetInt64());
        var blocks = x.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal([0, 3, 4, 5, 6, 7], blocks.Select(b => b.GetProperty("index").GetInt32()));
        foreach (var block in blocks)
        {
            int index = block.GetProperty("index").GetInt32();
            var expected = System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(index * 4096, Math.Min(4096, bytes.Length - index * 4096)));
            Assert.Equal(Convert.ToHexStringLower(expected), block.GetProperty("sha256").GetString());
        }
        // y (23 × 30 after the header, 5648 bytes): shard 1's rows lie in block 0; the (K,) alphas are read whole.
        Assert.Equal([0], inputs["--y"].GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("index").GetInt32()));
        Assert.Equal(1, inputs["--alpha"].GetProperty("blocks").GetArrayLength());
    }

    [Fact]
    public void AChangedInputByteInOneShardsRangeIsCaughtByMerge()
    {
        // Shards 0 and 2 read X, then a value of problem 10 (shard 1's) changes, then shard 1 runs.
        var folders = Enumerable.Range(0, 3).Select(i => In($"s{i}")).ToArray();
        Assert.Equal(0, CliRunner.Run(Solve(folders[0], "0/3")).Exit);
        Assert.Equal(0, CliRunner.Run(Solve(folders[2], "2/3")).Exit);
        ChangeDesign(10);
        Assert.Equal(0, CliRunner.Run(Solve(folders[1], "1/3")).Exit);
        var (exit, _, stderr) = CliRunner.Run(["merge", .. folders, "--out", In("merged")]);
        Assert.Equal(2, exit);
        // The file is smaller than a 64 MiB block: its one block is every shard's.
        Assert.Contains($"shard {folders[1]} (1/3, problems [7, 15)): --x {_x} is not the file {folders[0]} read ({_x}): its block 0 (bytes [0, {new FileInfo(_x).Length})) has SHA-256", stderr);
        Assert.False(Directory.Exists(In("merged")));
    }

    [Fact]
    public void AChangeInABlockTwoShardsReadIsCaughtAndOneInABlockOnlyOneShardReadMixesNoFiles()
    {
        var folders = Enumerable.Range(0, 3).Select(i => In($"s{i}")).ToArray();
        WithBlocksOf4KiB(() =>
        {
            Assert.Equal(0, CliRunner.Run(Solve(folders[0], "0/3")).Exit);
            Assert.Equal(0, CliRunner.Run(Solve(folders[2], "2/3")).Exit);
            // Problem 10 starts at byte 21728: block 5, which only shard 1 reads. Merging cannot tell, and need not: the
            // shards' bytes are those of the changed file, whose unsharded solve the merge then is.
            Assert.Equal(5, ChangeDesign(10) / 4096);
            Assert.Equal(0, CliRunner.Run(Solve(folders[1], "1/3")).Exit);
            Assert.Equal(0, CliRunner.Run(["merge", .. folders, "--out", In("merged")]).Exit);
            Assert.Equal(0, CliRunner.Run(Solve(In("full"), null)).Exit);
            AssertSameFiles(In("full"), In("merged"));

            // Problem 7 starts at byte 15248: block 3, which shard 0 read too (before the change).
            Assert.Equal(3, ChangeDesign(7) / 4096);
            Assert.Equal(0, CliRunner.Run(Solve(folders[1], "1/3", "--overwrite")).Exit);
            var (exit, _, stderr) = CliRunner.Run(["merge", .. folders, "--out", In("merged2")]);
            Assert.Equal(2, exit);
            Assert.Contains($"shard {folders[1]} (1/3, problems [7, 15)): --x {_x} is not the file {folders[0]} read ({_x}): its block 3 (bytes [12288, 16384))", stderr);
            return 0;
        });
    }

    [Fact]
    public void AMissingShardIsRefusedByNameAndARerunOfItAloneCompletesTheMerge()
    {
        var folders = SolveShards(4);
        Directory.Delete(folders[2], recursive: true); // as a killed shard leaves it: no folder
        var (exit, _, stderr) = CliRunner.Run(["merge", .. folders.Where(Directory.Exists), "--out", In("merged")]);
        Assert.Equal(2, exit);
        Assert.Contains("shard 2/4 is missing: problems [11, 17)", stderr);
        Assert.False(Directory.Exists(In("merged")));

        Assert.Equal(0, CliRunner.Run(Solve(folders[2], "2/4")).Exit);
        Assert.Equal(0, CliRunner.Run(["merge", .. folders, "--out", In("merged")]).Exit);
        Assert.Equal(0, CliRunner.Run(Solve(In("full"), null)).Exit);
        AssertSameFiles(In("full"), In("merged"));
    }

    [Fact]
    public void OverlappingShardsAreRefusedNamingBoth()
    {
        var fourths = SolveShards(4);
        Assert.Equal(0, CliRunner.Run(Solve(In("third"), "0/3")).Exit);
        var (exit, _, stderr) = CliRunner.Run("merge", In("third"), fourths[1], fourths[2], fourths[3], "--out", In("merged"));
        Assert.Equal(2, exit);
        Assert.Contains($"shards {In("third")} (0/3, problems [0, 7)) and {fourths[1]} (1/4, problems [5, 11)) overlap: problems [5, 7) are in both", stderr);
        (exit, _, stderr) = CliRunner.Run(["merge", .. fourths, fourths[0], "--out", In("merged")]);
        Assert.Equal(2, exit);
        Assert.Contains("overlap", stderr);
    }

    [Fact]
    public void ShardsOfOtherInputsOrOptionsAreRefusedNamingTheShard()
    {
        var folders = SolveShards(2);
        // Other alphas: the same path, other bytes.
        var original = File.ReadAllBytes(_alpha);
        NpyWriter.Write(_alpha, Enumerable.Repeat(0.3, Problems).ToArray(), Problems);
        Assert.Equal(0, CliRunner.Run(Solve(In("other"), "1/2")).Exit);
        File.WriteAllBytes(_alpha, original);
        var (exit, _, stderr) = CliRunner.Run("merge", folders[0], In("other"), "--out", In("merged"));
        Assert.Equal(2, exit);
        Assert.Contains($"shard {In("other")} (1/2, problems [11, 23)): --alpha {_alpha}", stderr);
        Assert.Contains("is not the file", stderr);

        Assert.Equal(0, CliRunner.Run(Solve(In("positive"), "1/2", "--positive")).Exit);
        (exit, _, stderr) = CliRunner.Run("merge", folders[0], In("positive"), "--out", In("merged"));
        Assert.Equal(2, exit);
        Assert.Contains($"shard {In("positive")} (1/2, problems [11, 23)) was run with --positive true but {folders[0]} with --positive false", stderr);

        Assert.Equal(0, CliRunner.Run(Solve(In("reference"), "1/2", "--backend", "reference")).Exit);
        (exit, _, stderr) = CliRunner.Run("merge", folders[0], In("reference"), "--out", In("merged"));
        Assert.Equal(2, exit);
        Assert.Contains("was run with --backend reference but", stderr);
        Assert.False(Directory.Exists(In("merged")));
    }

    [Fact]
    public void AnInterruptedShardIsRefusedUntilItIsRerun()
    {
        var folders = SolveShards(2);
        using var interrupted = new CancellationTokenSource();
        interrupted.Cancel();
        Assert.Equal(1, CliRunner.Run(interrupted.Token, Solve(folders[1], "1/2")).Exit);
        var (exit, _, stderr) = CliRunner.Run("merge", folders[0], folders[1], "--out", In("merged"));
        Assert.Equal(2, exit);
        Assert.Contains($"merge {folders[1]}: the shard was interrupted", stderr);
    }

    [Theory]
    [InlineData("3/3", "I must be in [0, N)")]
    [InlineData("1/0", "I must be in [0, N)")]
    [InlineData("a/3", "expected I/N")]
    [InlineData("-1/3", "expected I/N")]
    [InlineData("0/24", "holds K = 23 problem(s), fewer than the N = 24 shards")]
    public void ABadShardIsBadUsage(string shard, string message)
    {
        var (exit, _, stderr) = CliRunner.Run(Solve(In("out"), shard));
        Assert.Equal(2, exit);
        Assert.Contains(message, stderr);
        Assert.False(Directory.Exists(In("out")));
    }

    [Fact]
    public void AFolderThatIsNoShardIsRefused()
    {
        Assert.Equal(0, CliRunner.Run(Solve(In("full"), null)).Exit);
        var (exit, _, stderr) = CliRunner.Run("merge", In("full"), "--out", In("merged"));
        Assert.Equal(2, exit);
        Assert.Contains($"merge {In("full")}: not a shard folder (no shard.json)", stderr);
    }

    [Theory]
    [InlineData("{", "shard.json is not valid JSON")]
    [InlineData("{\"format\": \"gpusparse-shard/2\", \"command\": \"solve\", \"unit\": \"problem\", \"units\": 23, \"start\": 0, \"end\": 12, \"inputs\": [{\"option\": \"--x\"}], \"options\": {}}",
        "is not a gpusparse-shard/2 manifest")]
    [InlineData("{\"format\": \"gpusparse-shard/1\", \"problems\": 23, \"start\": 0, \"end\": 12, \"inputs\": [], \"options\": {}}",
        "is not a gpusparse-shard/2 manifest (one written by another version")]
    [InlineData("{\"format\": \"gpusparse-shard/2\", \"command\": \"solve\", \"unit\": \"problem\", \"units\": 23, \"start\": 0, \"end\": 30, \"inputs\": [], \"options\": {}}",
        "names problems [0, 30) outside the 23 of the run")]
    public void ADamagedManifestIsRefused(string manifest, string message)
    {
        var folders = SolveShards(2);
        File.WriteAllText(Path.Combine(folders[0], "shard.json"), manifest);
        var (exit, _, stderr) = CliRunner.Run(["merge", .. folders, "--out", In("merged")]);
        Assert.Equal(2, exit);
        Assert.Contains($"merge {folders[0]}: ", stderr);
        Assert.Contains(message, stderr);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NpyRowsReadsTheRowsTheWholeFileHolds(bool fortran)
    {
        // A (5, 3, 2) array, element value = its C-order index.
        var values = Enumerable.Range(0, 30).Select(i => (double)i).ToArray();
        string path = In("rows.npy");
        if (fortran)
        {
            // Fortran order: the first axis fastest.
            var data = new double[30];
            for (int a = 0; a < 5; a++)
                for (int b = 0; b < 3; b++)
                    for (int c = 0; c < 2; c++)
                        data[a + 5 * (b + 3 * c)] = values[(a * 3 + b) * 2 + c];
            string dict = "{'descr': '<f8', 'fortran_order': True, 'shape': (5, 3, 2), }";
            dict += new string(' ', 64 - (10 + dict.Length + 1) % 64) + "\n";
            var header = new byte[10 + dict.Length];
            header[0] = 0x93;
            Encoding.ASCII.GetBytes("NUMPY", header.AsSpan(1));
            header[6] = 1;
            BitConverter.TryWriteBytes(header.AsSpan(8), (ushort)dict.Length);
            Encoding.ASCII.GetBytes(dict, header.AsSpan(10));
            File.WriteAllBytes(path, [.. header, .. System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()).ToArray()]);
        }
        else
        {
            NpyWriter.Write(path, values, 5, 3, 2);
        }
        var rows = NpyRows.Read(path, 1, 3);
        Assert.Equal([3, 3, 2], rows.Shape);
        Assert.Equal(values[6..24], rows.ToDouble());
        Assert.Empty(NpyRows.Read(path, 5, 0).ToDouble());
        Assert.Throws<ArgumentOutOfRangeException>(() => NpyRows.Read(path, 4, 2));
    }
}
