using System.Security.Cryptography;
using System.Text.Json;
using GpuSparse.Cli.Sharding;
using GpuSparse.Data;
using GpuSparse.IO;
using Xunit;

namespace GpuSparse.Tests.Cli;

/// <summary>
/// <c>path --shard I/N</c> and <c>cv --shard I/N</c> (the unit is a target) and <c>merge</c>: the merged folder holds the
/// unsharded sweep's files byte for byte (result.json up to its elapsed time); shards that do not fit together, and
/// sweeps whose paths are not solved independently, are refused naming the shard; and inputs are hashed per block.
/// </summary>
public sealed class SweepShardTests : IDisposable
{
    private const int Targets = 5, Samples = 30, Features = 9;
    private readonly string _folder = Directory.CreateTempSubdirectory("gpusparse-sweepshard-").FullName;
    private readonly string _x, _y;

    public SweepShardTests()
    {
        // One shared design (the first problem's) and T responses.
        var batch = PortableGenerator.Batch(Targets, Samples, Features);
        (_x, _y) = (In("X.npy"), In("Y.npy"));
        NpyWriter.Write(_x, batch.X.AsSpan(0, Samples * Features), Samples, Features);
        NpyWriter.Write(_y, batch.Y, Targets, Samples);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string In(string name) => Path.Combine(_folder, name);

    private string[] Sweep(string command, string output, string? shard, params string[] extra) =>
        [command, "--x", _x, "--y", _y, "--l1-ratio", "1,0.5", "--n-lambda", "12", "--tol", "1e-9", .. extra,
            .. command == "cv" ? ["--folds", "4", "--seed", "7"] : Array.Empty<string>(),
            .. shard is null ? Array.Empty<string>() : ["--shard", shard], "--out", output];

    private string[] Shards(string command, int count, params string[] extra)
    {
        var folders = Enumerable.Range(0, count).Select(i => In($"{command}{i}of{count}")).ToArray();
        for (int i = 0; i < count; i++)
        {
            var (exit, _, stderr) = CliRunner.Run(Sweep(command, folders[i], $"{i}/{count}", extra));
            Assert.True(exit == 0, stderr);
        }
        return folders;
    }

    /// <summary>Every file of the unsharded folder, byte for byte, and no other; result.json up to elapsed_seconds.</summary>
    private static void AssertSameFolder(string expected, string actual)
    {
        static string[] Names(string folder) => [.. Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(Names(expected), Names(actual));
        foreach (string file in Names(expected).Where(f => f != "result.json"))
            Assert.True(File.ReadAllBytes(Path.Combine(expected, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file))),
                $"{file} differs");
        static string[] Lines(string folder) =>
            [.. File.ReadAllLines(Path.Combine(folder, "result.json")).Where(l => !l.Contains("\"elapsed_seconds\"", StringComparison.Ordinal))];
        Assert.Equal(Lines(expected), Lines(actual));
        Assert.Equal(File.ReadAllLines(Path.Combine(expected, "result.json")).Length, File.ReadAllLines(Path.Combine(actual, "result.json")).Length);
    }

    [Theory]
    [InlineData("path", 1, "f64")]
    [InlineData("path", 2, "f64")]
    [InlineData("path", 5, "f32")]
    [InlineData("cv", 1, "f64")]
    [InlineData("cv", 3, "f64")]
    [InlineData("cv", 5, "f32")]
    public void MergedSweepShardsAreTheUnshardedSweepBitForBit(string command, int shards, string precision)
    {
        string full = In("full");
        Assert.Equal(0, CliRunner.Run(Sweep(command, full, null, "--precision", precision)).Exit);
        var folders = Shards(command, shards, "--precision", precision);
        var (exit, stdout, stderr) = CliRunner.Run(["merge", .. folders.Reverse(), "--out", In("merged")]);
        Assert.True(exit == 0, stderr);
        Assert.Contains($"merged {shards} {command} shards: {Targets} targets, {2 * Targets} path(s) × 12 λ", stdout);
        AssertSameFolder(full, In("merged"));
    }

    [Fact]
    public void ACsvOfNamedTargetsShardsByColumnAndKeepsEveryName()
    {
        // The cv options of glmnet's kind: labelled folds, a user grid, sklearn averaging; y a CSV of named columns.
        var y = NpyReader.Read(_y).ToDouble();
        string targets = In("targets.csv"), folds = In("folds.npy"), grid = In("grid.npy");
        CsvTable.Write(targets, [.. Enumerable.Range(0, Targets).Select(t => $"y{t}")],
            [.. Enumerable.Range(0, Samples).SelectMany(i => Enumerable.Range(0, Targets).Select(t => y[t * Samples + i]))]);
        NpyWriter.Write(folds, [.. Enumerable.Range(0, Samples).Select(i => (double)(i % 3))], Samples);
        NpyWriter.Write(grid, [1.0, 0.3, 0.1, 0.03, 0.01], 5);
        string[] Args(string output, string? shard) => ["cv", "--x", _x, "--y", targets, "--fold-ids", folds, "--lambdas", grid,
            "--cv-mean", "sklearn", "--standardize", "--out", output, .. shard is null ? Array.Empty<string>() : ["--shard", shard]];
        Assert.Equal(0, CliRunner.Run(Args(In("full"), null)).Exit);
        for (int i = 0; i < 2; i++)
            Assert.Equal(0, CliRunner.Run(Args(In($"s{i}"), $"{i}/2")).Exit);
        // A shard's result.json numbers its targets in the whole y.
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(In("s1"), "result.json"))))
        {
            var choice = json.RootElement.GetProperty("extra").GetProperty("choices")[0];
            Assert.Equal(2, choice.GetProperty("target").GetInt32());
            Assert.Equal("y2", choice.GetProperty("target_name").GetString());
        }
        Assert.Equal(0, CliRunner.Run("merge", In("s0"), In("s1"), "--out", In("merged")).Exit);
        AssertSameFolder(In("full"), In("merged"));
    }

    [Fact]
    public void TheManifestNamesTheCommandTheTargetsTheInputsAndTheOptions()
    {
        var folders = Shards("cv", 2);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folders[1], ShardManifest.FileName)));
        var root = json.RootElement;
        Assert.Equal("cv", root.GetProperty("command").GetString());
        Assert.Equal("target", root.GetProperty("unit").GetString());
        Assert.Equal((Targets, 2, Targets), (root.GetProperty("units").GetInt32(), root.GetProperty("start").GetInt32(), root.GetProperty("end").GetInt32()));
        var options = root.GetProperty("options");
        Assert.Equal("4", options.GetProperty("--folds").GetString());
        Assert.Equal("7", options.GetProperty("--seed").GetString());
        Assert.Equal("1,0.5", options.GetProperty("--l1-ratio").GetString());
        Assert.Equal("cd", options.GetProperty("--backend").GetString());
        var inputs = root.GetProperty("inputs").EnumerateArray().ToDictionary(i => i.GetProperty("option").GetString()!);
        Assert.Equal(new FileInfo(_y).Length, inputs["--y"].GetProperty("bytes").GetInt64());
        // Files smaller than a block: one block, the whole file.
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(_y))),
            inputs["--y"].GetProperty("blocks")[0].GetProperty("sha256").GetString());
    }

    [Fact]
    public void ASweepShardHashesOnlyTheBlocksOfItsTargetsRowsOfY()
    {
        // y (5 × 30 float64 after a 128-byte header, 1328 bytes) in blocks of 256: shard 1/2 (targets [2, 5), bytes
        // [608, 1328)) reads blocks 2 … 5 and the header's block 0; X, shared by every target, is hashed whole.
        ShardInput.BlockBytesOverride.Value = 256;
        string[] folders;
        try
        {
            folders = Shards("path", 2);
        }
        finally
        {
            ShardInput.BlockBytesOverride.Value = null;
        }
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folders[1], ShardManifest.FileName)));
        var inputs = json.RootElement.GetProperty("inputs").EnumerateArray().ToDictionary(i => i.GetProperty("option").GetString()!);
        static int[] Blocks(JsonElement input) => [.. input.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("index").GetInt32())];
        Assert.Equal([0, 2, 3, 4, 5], Blocks(inputs["--y"]));
        Assert.Equal(Enumerable.Range(0, (int)((new FileInfo(_x).Length + 255) / 256)), Blocks(inputs["--x"]));
        Assert.Equal(0, CliRunner.Run(["merge", .. folders, "--out", In("merged")]).Exit);
    }

    [Theory]
    [InlineData("path", "6/7", "holds T = 5 target(s), fewer than the N = 7 shards; use at most 5 shards")]
    [InlineData("cv", "0/6", "holds T = 5 target(s), fewer than the N = 6 shards")]
    public void MoreShardsThanTargetsAreBadUsage(string command, string shard, string message)
    {
        var (exit, _, stderr) = CliRunner.Run(Sweep(command, In("out"), shard));
        Assert.Equal(2, exit);
        Assert.Contains(message, stderr);
        Assert.False(Directory.Exists(In("out")));
        // One target (a (n,) y) cannot be cut in two.
        var y = NpyReader.Read(_y).ToDouble();
        NpyWriter.Write(_y, y.AsSpan(0, Samples), Samples);
        (exit, _, stderr) = CliRunner.Run(Sweep(command, In("out"), "1/2"));
        Assert.Equal(2, exit);
        Assert.Contains("holds T = 1 target(s), fewer than the N = 2 shards", stderr);
        Assert.Equal(0, CliRunner.Run(Sweep(command, In("one"), "0/1")).Exit);
    }

    [Theory]
    [InlineData("path")]
    [InlineData("cv")]
    public void MissingOverlappingAndMismatchedShardsAreRefusedNamingTheShard(string command)
    {
        var thirds = Shards(command, 3);
        var (exit, _, stderr) = CliRunner.Run("merge", thirds[0], thirds[2], "--out", In("merged"));
        Assert.Equal(2, exit);
        Assert.Contains($"shard 1/3 is missing: targets [1, 3) of the 5 are in no folder given; rerun {command} --shard", stderr);

        var halves = Shards(command, 2);
        (exit, _, stderr) = CliRunner.Run("merge", thirds[0], halves[0], halves[1], "--out", In("merged"));
        Assert.Equal(2, exit);
        Assert.Contains($"overlap: targets [0, 1) are in both", stderr);

        // Another option.
        Assert.Equal(0, CliRunner.Run(Sweep(command, In("positive"), "1/2", "--positive")).Exit);
        (exit, _, stderr) = CliRunner.Run("merge", halves[0], In("positive"), "--out", In("merged"));
        Assert.Equal(2, exit);
        Assert.Contains($"shard {In("positive")} (1/2, targets [2, 5)) was run with --positive true but {halves[0]} with --positive false", stderr);

        // Another command on the same inputs and targets.
        string other = command == "cv" ? "path" : "cv";
        Assert.Equal(0, CliRunner.Run(Sweep(other, In("other"), "1/2")).Exit);
        (exit, _, stderr) = CliRunner.Run("merge", halves[0], In("other"), "--out", In("merged"));
        Assert.Equal(2, exit);
        Assert.Contains($"shard {In("other")} (1/2, targets [2, 5)) was written by {other} --shard but {halves[0]} by {command} --shard", stderr);

        // Another y: the shard read other bytes.
        var y = NpyReader.Read(_y).ToDouble();
        y[Samples * 3] += 1;
        NpyWriter.Write(_y, y, Targets, Samples);
        Assert.Equal(0, CliRunner.Run(Sweep(command, In("changed"), "1/2")).Exit);
        (exit, _, stderr) = CliRunner.Run("merge", halves[0], In("changed"), "--out", In("merged"));
        Assert.Equal(2, exit);
        Assert.Contains($"shard {In("changed")} (1/2, targets [2, 5)): --y {_y} is not the file {halves[0]} read", stderr);
        Assert.False(Directory.Exists(In("merged")));
    }

    [Theory]
    [InlineData("path")]
    [InlineData("cv")]
    public void ASweepWhosePathsAreSolvedTogetherIsNotSharded(string command)
    {
        // The batch route couples the targets (a step's columns are the union of all paths' strong sets).
        var (exit, _, stderr) = CliRunner.Run(Sweep(command, In("out"), "0/2", "--backend", "reference"));
        Assert.Equal(2, exit);
        Assert.Contains("--shard 0/2 with --backend reference: only the cd backend's path engine walks every path on its own", stderr);
        // A λ = 0 step sends even cd's sweep down the batch route.
        string grid = In("grid.npy");
        NpyWriter.Write(grid, [0.5, 0.05, 0.0], 3);
        (exit, _, stderr) = CliRunner.Run(Sweep(command, In("out"), "0/2", "--lambdas", grid));
        Assert.Equal(2, exit);
        Assert.Contains("the cd path engine declined this sweep", stderr);
        Assert.False(Directory.Exists(In("out")));
    }

    [Fact]
    public void AnInterruptedSweepShardIsRefusedUntilItIsRerun()
    {
        var folders = Shards("path", 2);
        using var interrupted = new CancellationTokenSource();
        interrupted.Cancel();
        Assert.Equal(1, CliRunner.Run(interrupted.Token, Sweep("path", folders[1], "1/2")).Exit);
        var (exit, _, stderr) = CliRunner.Run("merge", folders[0], folders[1], "--out", In("merged"));
        Assert.Equal(2, exit);
        Assert.Contains($"merge {folders[1]}: the shard was interrupted", stderr);
    }
}
