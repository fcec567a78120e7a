using System.Text.Json;
using GpuSparse.Cli.Input;
using GpuSparse.Cli.Output;

namespace GpuSparse.Cli.Sharding;

/// <summary>A shard folder as <c>merge</c> reads it first: its manifest, and what its result.json says ran.</summary>
/// <param name="Folder">The folder as the user gave it.</param>
/// <param name="Manifest">Its shard.json.</param>
/// <param name="Backend">The backend result.json names.</param>
/// <param name="Precision">The precision result.json names.</param>
internal sealed record ShardFolder(string Folder, ShardManifest Manifest, string Backend, string Precision)
{
    /// <summary>The folder and its units, for messages: <c>shards/1 (1/4, targets [2, 5))</c>.</summary>
    public string Describe() => $"{Folder} ({Manifest.Describe()})";
}

/// <summary>
/// The checks <c>merge</c> makes before it writes anything, whatever the command: the folders are shards of one run
/// (same command, same number of units, the same inputs — every block that several shards read agrees — the same
/// options and backend), and cover every unit exactly once. Each failure names the shard.
/// </summary>
internal static class ShardSet
{
    /// <summary>Reads the manifests and result.json headers of <paramref name="folders"/> and checks that they fit together.</summary>
    /// <returns>The shards, ordered by their first unit.</returns>
    /// <exception cref="InputException">A folder is no finished shard, or the shards do not fit together.</exception>
    public static IReadOnlyList<ShardFolder> Read(IEnumerable<string> folders)
    {
        var shards = folders.Select(Read).ToList();
        CheckSameRun(shards);
        CheckCoverage(shards);
        return [.. shards.OrderBy(s => s.Manifest.Start)];
    }

    private static ShardFolder Read(string folder)
    {
        var manifest = ShardManifest.Read(folder);
        var head = ResultHead(folder);
        if (head.GetValueOrDefault("command") != manifest.Command || head.GetValueOrDefault("backend") is not { } backend
            || head.GetValueOrDefault("precision") is not { } precision)
            throw new InputException($"merge {folder}: result.json is not the {manifest.Command} result its {ShardManifest.FileName} describes");
        if (long.TryParse(head.GetValueOrDefault("cancelled"), out long cancelled) && cancelled > 0)
            throw new InputException($"merge {folder}: the shard was interrupted ({cancelled} problem(s) cancelled); " +
                $"rerun that shard's {manifest.Command} --shard {manifest.Shard}/{manifest.Shards} and merge again");
        return new ShardFolder(folder, manifest, backend, precision);
    }

    // The top-level strings and numbers of result.json before its first array or object that does not fit in the
    // first MiB: its command, backend, precision and counts come first, its per-problem results last (and can be GBs).
    private static Dictionary<string, string> ResultHead(string folder)
    {
        var head = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var stream = File.OpenRead(Path.Combine(folder, "result.json"));
            var buffer = new byte[(int)Math.Min(stream.Length, 1 << 20)];
            stream.ReadExactly(buffer);
            var reader = new Utf8JsonReader(buffer, isFinalBlock: buffer.Length == stream.Length, state: default);
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                    continue;
                string name = reader.GetString()!;
                if (!reader.Read())
                    break;
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
                    head[name] = reader.TokenType == JsonTokenType.String ? reader.GetString()! : System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
                else if (!reader.TrySkip())
                    break;
            }
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new InputException($"merge {folder}: cannot read result.json: {e.Message}", e);
        }
        return head;
    }

    // Same command, units, inputs, options and backend as the first shard given.
    private static void CheckSameRun(IReadOnlyList<ShardFolder> shards)
    {
        var (first, a) = (shards[0], shards[0].Manifest);
        foreach (var shard in shards.Skip(1))
        {
            var b = shard.Manifest;
            string which = $"shard {shard.Describe()}";
            if (b.Command != a.Command)
                throw new InputException($"{which} was written by {b.Command} --shard but {first.Folder} by {a.Command} --shard: merge joins the shards of one command");
            if (b.Units != a.Units || b.Unit != a.Unit)
                throw new InputException($"{which} is of a run of {b.Units} {b.Unit}s but {first.Folder} of {a.Units} {a.Unit}s: shards must come from the same inputs");
            foreach (var input in a.Inputs)
                if (b.Inputs.All(i => i.Option != input.Option))
                    throw new InputException($"{which} was run without {input.Option}, which {first.Folder} read from {input.Path}");
            if (b.Inputs.FirstOrDefault(i => a.Inputs.All(j => j.Option != i.Option)) is { } extra)
                throw new InputException($"{which} read {extra.Option} {extra.Path}, which {first.Folder} was run without");
            foreach (var (option, value) in a.Options)
            {
                string otherValue = b.Options.TryGetValue(option, out var v) ? v : "(not given)";
                if (otherValue != value)
                    throw new InputException($"{which} was run with {option} {Shown(otherValue)} but {first.Folder} with {option} {Shown(value)}: " +
                        "shards must share every option");
            }
            if (shard.Backend != first.Backend || shard.Precision != first.Precision)
                throw new InputException($"{which} was solved on {shard.Backend} ({shard.Precision}) but {first.Folder} on " +
                    $"{first.Backend} ({first.Precision}): results from different backends are not bit-identical; rerun it with --backend {first.Backend}");
        }
        foreach (var option in a.Inputs.Select(i => i.Option))
            CheckSameFile(shards, option);
    }

    // One size and block size for the file, and every block that several shards read hashed alike.
    private static void CheckSameFile(IReadOnlyList<ShardFolder> shards, string option)
    {
        var first = shards[0];
        var reference = first.Manifest.Inputs.First(i => i.Option == option);
        var seen = new Dictionary<long, (string Sha256, ShardFolder By)>();
        foreach (var shard in shards)
        {
            var input = shard.Manifest.Inputs.First(i => i.Option == option);
            if (input.Bytes != reference.Bytes || input.BlockBytes != reference.BlockBytes)
                throw new InputException($"shard {shard.Describe()}: {option} {input.Path} ({input.Bytes} bytes, hashed in blocks of {input.BlockBytes}) " +
                    $"is not the file {first.Folder} read ({reference.Path}, {reference.Bytes} bytes, blocks of {reference.BlockBytes}): shards must come from the same inputs");
            foreach (var block in input.Blocks)
            {
                if (!seen.TryGetValue(block.Index, out var earlier))
                    seen[block.Index] = (block.Sha256, shard);
                else if (earlier.Sha256 != block.Sha256)
                    throw new InputException($"shard {shard.Describe()}: {option} {input.Path} is not the file {earlier.By.Folder} read " +
                        $"({earlier.By.Manifest.Inputs.First(i => i.Option == option).Path}): its {input.Describe(block.Index)} has SHA-256 " +
                        $"{block.Sha256[..12]}…, {earlier.By.Folder}'s {earlier.Sha256[..12]}…; shards must come from the same inputs " +
                        "(did the file change between shards? rerun the shards that read the old one)");
            }
        }
    }

    private static string Shown(string value) => value.Length == 0 ? "(not given)" : value;

    // Every unit of [0, K) in exactly one shard.
    private static void CheckCoverage(IReadOnlyList<ShardFolder> shards)
    {
        var ordered = shards.OrderBy(s => s.Manifest.Start).ThenBy(s => s.Manifest.End).ToList();
        int units = ordered[0].Manifest.Units, covered = 0;
        ShardFolder? previous = null;
        foreach (var shard in ordered)
        {
            var m = shard.Manifest;
            if (m.Start < covered)
                throw new InputException($"shards {previous!.Describe()} and {shard.Describe()} overlap: " +
                    $"{m.Unit}s [{m.Start}, {Math.Min(covered, m.End)}) are in both; give each shard once");
            if (m.Start > covered)
                throw Missing(covered, m.Start, shards);
            covered = m.End;
            previous = shard;
        }
        if (covered < units)
            throw Missing(covered, units, shards);
    }

    // Names the shards of N that would hold the missing units, when every shard given was cut the same way.
    private static InputException Missing(int start, int end, IReadOnlyList<ShardFolder> shards)
    {
        var m = shards[0].Manifest;
        string which = "";
        if (shards.All(s => s.Manifest.Shards == m.Shards))
        {
            var missing = Enumerable.Range(0, m.Shards).Select(i => new ShardSpec(i, m.Shards, ShardUnit.Named(m.Unit)))
                .Where(s => s.StartOf(m.Units) < end && s.EndOf(m.Units) > start).Select(s => s.ToString());
            which = $"shard {string.Join(", ", missing)} is missing: ";
        }
        return new InputException($"{which}{m.Unit}s [{start}, {end}) of the {m.Units} are in no folder given; " +
            $"rerun {m.Command} --shard for them (a killed shard leaves no folder) and merge again");
    }
}
