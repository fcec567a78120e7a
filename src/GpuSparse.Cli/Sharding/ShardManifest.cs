using System.Text.Json;
using GpuSparse.Cli.Input;
using GpuSparse.Cli.Output;

namespace GpuSparse.Cli.Sharding;

/// <summary>
/// <c>shard.json</c>: what a <c>solve|path|cv --shard I/N</c> folder holds — which command, which of its units
/// [<see cref="Start"/>, <see cref="End"/>) of the <see cref="Units"/> (problems of a solve, targets of a sweep), from
/// which inputs (by size and block hashes) and with which options — so that <c>merge</c> can check that shards fit
/// together before it joins them.
/// </summary>
/// <param name="Format">The manifest's format and version, <see cref="CurrentFormat"/>.</param>
/// <param name="Command">The command that wrote the shard: <c>solve</c>, <c>path</c> or <c>cv</c>.</param>
/// <param name="Shard">I.</param>
/// <param name="Shards">N.</param>
/// <param name="Unit">What the command shards: <c>problem</c> (solve) or <c>target</c> (path, cv).</param>
/// <param name="Units">How many of them the whole run has (K problems, T targets).</param>
/// <param name="Start">The first unit of the shard.</param>
/// <param name="End">One past its last unit.</param>
/// <param name="Inputs">The input files.</param>
/// <param name="Options">Every option that changes the numbers, as text (a file-valued option reads <c>file</c>; its content is in <see cref="Inputs"/>).</param>
internal sealed record ShardManifest(string Format, string Command, int Shard, int Shards, string Unit, int Units, int Start, int End,
    IReadOnlyList<ShardInput> Inputs, IReadOnlyDictionary<string, string> Options)
{
    public const string CurrentFormat = "gpusparse-shard/2";

    public const string FileName = "shard.json";

    private static readonly string[] Commands = ["solve", "path", "cv"];

    /// <summary>Which shard of N this is, and its units, for messages: <c>2/4, problems [50, 75)</c>.</summary>
    public string Describe() => $"{Shard}/{Shards}, {Unit}s [{Start}, {End})";

    public void Write(string folder) => ResultJson.Write(Path.Combine(folder, FileName), this);

    /// <summary>Reads the manifest of the shard folder <paramref name="folder"/>.</summary>
    /// <exception cref="InputException">The folder, or its shard.json, is missing or not a shard manifest.</exception>
    public static ShardManifest Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!Directory.Exists(folder))
            throw new InputException(File.Exists(folder)
                ? $"merge {folder}: is a file; give the folders solve|path|cv --shard wrote"
                : $"merge {folder}: no such folder (a shard that was killed leaves none: rerun it)");
        if (!File.Exists(path))
            throw new InputException($"merge {folder}: not a shard folder (no {FileName}); give folders written by solve|path|cv --shard I/N");
        ShardManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path), ResultJson.Options);
        }
        catch (JsonException e)
        {
            throw new InputException($"merge {folder}: {FileName} is not valid JSON ({e.Message})", e);
        }
        if (manifest is null || manifest.Format != CurrentFormat || !Commands.Contains(manifest.Command) || manifest.Unit is null
            || manifest.Inputs is null || manifest.Options is null
            || manifest.Inputs.Any(i => i?.Option is null || i.Path is null || i.Blocks is null || i.Blocks.Any(b => b?.Sha256 is null)))
            throw new InputException($"merge {folder}: {FileName} is not a {CurrentFormat} manifest (one written by another version of gpusparse? rerun the shard)");
        if (manifest.Start < 0 || manifest.End <= manifest.Start || manifest.End > manifest.Units)
            throw new InputException($"merge {folder}: {FileName} names {manifest.Unit}s [{manifest.Start}, {manifest.End}) outside the {manifest.Units} of the run");
        return manifest;
    }
}
