using System.Security.Cryptography;
using System.Text.Json;
using GpuSparse.Cli.Input;
using GpuSparse.Cli.Output;

namespace GpuSparse.Cli.Sharding;

/// <summary>An input file of a shard, identified by content: its size and SHA-256, not its path (machines mount data differently).</summary>
/// <param name="Option">The option that named it (<c>--x</c>, <c>--y</c>, <c>--alpha</c>, <c>--l1-ratio</c>).</param>
/// <param name="Path">The path the shard read it from, for messages only.</param>
/// <param name="Bytes">The file's size.</param>
/// <param name="Sha256">The SHA-256 of the whole file, lower-case hex.</param>
internal sealed record ShardInput(string Option, string Path, long Bytes, string Sha256)
{
    /// <summary>Size and SHA-256 of <paramref name="path"/>, read in one sequential pass.</summary>
    /// <remarks>
    /// A whole-file hash is the only fingerprint that proves two shards read the same bytes; SHA-256 runs at about
    /// 1.5–2 GB/s on CPUs with SHA extensions, close to what a disk delivers, so it costs little next to the solve.
    /// </remarks>
    public static ShardInput Of(string option, string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return new ShardInput(option, path, stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }
}

/// <summary>
/// <c>shard.json</c>: what a <c>solve --shard I/N</c> folder holds — which problems [<see cref="Start"/>,
/// <see cref="End"/>) of the batch of <see cref="Problems"/>, from which inputs (by size and SHA-256) and with which
/// options — so that <c>merge</c> can check that shards fit together before it joins them.
/// </summary>
/// <param name="Format">The manifest's format and version, <see cref="CurrentFormat"/>.</param>
/// <param name="Shard">I.</param>
/// <param name="Shards">N.</param>
/// <param name="Problems">K, the number of problems of the whole batch.</param>
/// <param name="Start">The first problem of the shard.</param>
/// <param name="End">One past its last problem.</param>
/// <param name="Inputs">The input files.</param>
/// <param name="Options">Every option that changes the numbers, as text (a file-valued option reads <c>file</c>; its content is in <see cref="Inputs"/>).</param>
internal sealed record ShardManifest(string Format, int Shard, int Shards, int Problems, int Start, int End,
    IReadOnlyList<ShardInput> Inputs, IReadOnlyDictionary<string, string> Options)
{
    public const string CurrentFormat = "gpusparse-shard/1";

    public const string FileName = "shard.json";

    /// <summary>Which shard of N this is, and its problems, for messages: <c>2/4, problems [50, 75)</c>.</summary>
    public string Describe() => $"{Shard}/{Shards}, problems [{Start}, {End})";

    public void Write(string folder) => ResultJson.Write(Path.Combine(folder, FileName), this);

    /// <summary>Reads the manifest of the shard folder <paramref name="folder"/>.</summary>
    /// <exception cref="InputException">The folder, or its shard.json, is missing or not a shard manifest.</exception>
    public static ShardManifest Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!Directory.Exists(folder))
            throw new InputException(File.Exists(folder)
                ? $"merge {folder}: is a file; give the folders solve --shard wrote"
                : $"merge {folder}: no such folder (a shard that was killed leaves none: rerun it)");
        if (!File.Exists(path))
            throw new InputException($"merge {folder}: not a shard folder (no {FileName}); give folders written by solve --shard I/N");
        ShardManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path), ResultJson.Options);
        }
        catch (JsonException e)
        {
            throw new InputException($"merge {folder}: {FileName} is not valid JSON ({e.Message})", e);
        }
        if (manifest is null || manifest.Format != CurrentFormat || manifest.Inputs is null || manifest.Options is null
            || manifest.Inputs.Any(i => i?.Option is null || i.Path is null || i.Sha256 is null))
            throw new InputException($"merge {folder}: {FileName} is not a {CurrentFormat} manifest");
        if (manifest.Start < 0 || manifest.End <= manifest.Start || manifest.End > manifest.Problems)
            throw new InputException($"merge {folder}: {FileName} names problems [{manifest.Start}, {manifest.End}) outside the batch of {manifest.Problems}");
        return manifest;
    }
}
