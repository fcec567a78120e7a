using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GpuSparse.Cli.Commands;
using GpuSparse.Cli.Input;
using GpuSparse.Cli.Output;
using GpuSparse.IO;
using GpuSparse.Sweeps;

namespace GpuSparse.Cli.Sharding;

/// <summary>
/// Shards of a sweep (<c>path --shard I/N</c>, <c>cv --shard I/N</c>): the unit is a target, with every L1 ratio of it
/// and, for cv, every fold and the refit on all rows, so each target's curves, λ_min/λ_1se choice and refit are made in
/// one shard exactly as the unsharded sweep makes them. Merging is then concatenation along the target axis.
/// </summary>
/// <remarks>
/// Only the cd backend's path engine walks each path on its own; the batch route (the other backends, and cd when its
/// engine declines a sweep: a λ = 0 step, a Gram matrix too large, data far from unit scale) solves each λ step of all
/// paths as one batch on the union of their strong sets, so a path's bits depend on the other targets. Such sweeps are
/// refused rather than sharded into results that differ from the unsharded ones.
/// </remarks>
internal static class SweepShards
{
    /// <summary>The backend of a sharded sweep: <c>cd</c> (what <c>auto</c> is for sweeps); any other is refused.</summary>
    /// <exception cref="InputException">Another backend was asked for.</exception>
    public static string Backend(SweepRequest request, string command)
    {
        if (request.Backend is "auto" or "cd")
            return "cd";
        throw new InputException($"--shard {request.Shard} with --backend {request.Backend}: only the cd backend's path engine walks every path on its own; " +
            $"on {request.Backend} each λ step solves the paths of all targets as one batch on the union of their columns, so a shard's results would differ " +
            $"from the unsharded {command}'s. Shard with --backend cd (or auto), or run {command} unsharded");
    }

    /// <summary>Refuses a sharded sweep that the cd backend's engine declined (it went the batch route).</summary>
    /// <exception cref="InputException">The paths were solved as batches.</exception>
    public static void CheckWalkedAlone(PathResult result, SweepInput input, string command)
    {
        if (result.BatchSolves > 0)
            throw new InputException($"--shard {input.Request.Shard}: the cd path engine declined this sweep (a λ = 0 step, a Gram matrix too large for it, " +
                $"or data far from unit scale) and solved its paths as batches across targets, so this shard's results would differ from the unsharded " +
                $"{command}'s; run {command} without --shard");
    }

    /// <summary>
    /// What a sweep shard's folder says about itself: its targets, its inputs by size and the hashes of the blocks it
    /// read (its rows of a (T, n) y; X, a CSV and the grid and fold files whole), and every option that changes the numbers.
    /// </summary>
    /// <param name="input">The shard's loaded sweep.</param>
    /// <param name="command"><c>path</c> or <c>cv</c>.</param>
    /// <param name="extraOptions">The command's own options, as text.</param>
    /// <param name="extraInputs">The command's own input files, read whole (option, path).</param>
    public static ShardManifest Manifest(SweepInput input, string command, IReadOnlyDictionary<string, string> extraOptions,
        IEnumerable<(string Option, string Path)> extraInputs)
    {
        var request = input.Request;
        var shard = request.Shard ?? throw new InvalidOperationException("a manifest is written by a shard only");
        int start = input.FirstTarget, end = start + input.Targets;
        var inputs = new List<ShardInput> { ShardInput.Whole("--x", request.X) };
        if (request.Y is not null)
            inputs.Add(ShardInput.Rows("--y", request.Y, start, end, unitRank: 2));
        if (request.LambdasPath is not null)
            inputs.Add(ShardInput.Whole("--lambdas", request.LambdasPath));
        inputs.AddRange(extraInputs.Select(i => ShardInput.Whole(i.Option, i.Path)));
        var options = input.Options;
        string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        var text = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["--l1-ratio"] = string.Join(",", options.L1Ratios.Select(Number)),
            ["--target"] = request.Target ?? "",
            ["--grid"] = request.Grid,
            ["--lambdas"] = request.LambdasPath is null ? "" : "file",
            ["--n-lambda"] = options.LambdaCount.ToString(CultureInfo.InvariantCulture),
            ["--lambda-min-ratio"] = options.LambdaMinRatio is { } ratio ? Number(ratio) : "",
            ["--screening"] = options.Path.Screening ? "true" : "false",
            ["--fit-intercept"] = options.Path.FitIntercept ? "true" : "false",
            ["--standardize"] = options.Path.Standardize ? "true" : "false",
            ["--positive"] = options.Path.Positive ? "true" : "false",
            ["--tol"] = Number(options.Path.Solver.Tolerance),
            ["--max-iter"] = options.Path.Solver.MaxIterations.ToString(CultureInfo.InvariantCulture),
            ["--algorithm"] = options.Path.Solver.Algorithm.ToString().ToLowerInvariant(),
            ["--precision"] = request.Precision,
            ["--backend"] = Backend(request, command),
        };
        foreach (var (option, value) in extraOptions)
            text[option] = value;
        return new ShardManifest(ShardManifest.CurrentFormat, command, shard.Index, shard.Count, shard.Unit.Name, input.TotalTargets,
            start, end, inputs, text);
    }

    // result.json fields that add up over shards; every other field but those concatenated must be the same in all.
    private static readonly string[] Sums = ["elapsed_seconds", "problems", "converged", "max_iterations", "invalid", "diverged",
        "cancelled", "feature_iterations", "kkt_resolves", "batch_solves"];

    /// <summary>
    /// Joins checked sweep shards (ordered by target) into <paramref name="output"/>: every per-target array concatenated
    /// along the target axis and written with the unsharded sweep's shape, cv.csv's rows in target order, fold_ids.npy
    /// (the same in every shard), and result.json with its counts summed and its per-path and per-target entries joined.
    /// </summary>
    /// <returns>The exit code the unsharded sweep would have returned.</returns>
    public static int Merge(IReadOnlyList<ShardFolder> shards, ResultFolder output, string outputPath, OutputFormat format, TextWriter stdout, TextWriter stderr)
    {
        string command = shards[0].Manifest.Command;
        var summaries = shards.Select(ReadSummary).ToList();
        var merged = MergeSummaries(shards, summaries);
        int targets = shards[0].Manifest.Units, ratios = merged["l1_ratios"]!.AsArray().Count;
        int steps = merged["n_lambda"]!.GetValue<int>(), features = merged["features"]!.AsArray().Count;
        int folds = command == "cv" ? merged["extra"]!["folds"]!.GetValue<int>() : 0;
        output.Commit(() =>
        {
            foreach (var (file, shape) in Arrays(command, targets, ratios, steps, features, folds))
                Concatenate(shards, file, shape, output.Staging);
            if (command == "cv")
            {
                Identical(shards, "fold_ids.npy", output.Staging);
                ConcatenateRows(shards, CvCommand.CurveFile, output.Staging);
            }
            ResultJson.Write(Path.Combine(output.Staging, "result.json"), merged);
        });
        long Count(string name) => merged[name]!.GetValue<long>();
        long failed = Count("invalid") + Count("diverged"), unconverged = Count("max_iterations");
        if (failed > 0)
            stderr.WriteLine($"error: {failed} (path, λ) problem(s) were invalid or diverged; see the statuses in result.json");
        if (unconverged > 0)
            stderr.WriteLine($"warning: {unconverged} (path, λ) problem(s) hit --max-iter before the gap reached --tol");
        var report = new Report(new ReportColumn("shards"), new ReportColumn("command"), new ReportColumn("targets"), new ReportColumn("paths"),
            new ReportColumn("problems"), new ReportColumn("converged"), new ReportColumn("backend"), new ReportColumn("out"));
        report.Add(shards.Count, command, targets, targets * ratios, Count("problems"), Count("converged"), shards[0].Backend, outputPath);
        if (format == OutputFormat.Table)
            stdout.WriteLine($"merged {shards.Count} {command} shards: {targets} targets, {targets * ratios} path(s) × {steps} λ, " +
                $"{Count("converged")} of {Count("problems")} converged, solved on {shards[0].Backend}; results in {outputPath}");
        else
            report.Write(stdout, format);
        return failed > 0 ? ExitCodes.SomeProblemsFailed : ExitCodes.Success;
    }

    /// <summary>The per-target arrays of a sweep's folder and their shapes for <paramref name="targets"/> targets, as the command writes them.</summary>
    private static IEnumerable<(string File, int[] Shape)> Arrays(string command, int targets, int ratios, int steps, int features, int folds)
    {
        int[] Leading(params int[] trailing) => SweepWriter.Leading(targets, ratios, trailing);
        yield return ("alphas.npy", Leading(steps));
        yield return ("coefs.npy", Leading(steps, features));
        yield return ("intercepts.npy", Leading(steps));
        yield return ("gaps.npy", Leading(steps));
        yield return ("iterations.npy", Leading(steps));
        if (command != "cv")
            yield break;
        yield return ("cv_mse_mean.npy", Leading(steps));
        yield return ("cv_mse_se.npy", Leading(steps));
        yield return ("cv_fold_mse.npy", Leading(folds, steps));
        yield return ("coef.npy", CvCommand.ChosenShape(targets, features));
        yield return ("intercept.npy", [targets]);
    }

    private static JsonObject ReadSummary(ShardFolder shard)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(Path.Combine(shard.Folder, "result.json"))) as JsonObject
                ?? throw new InputException($"merge {shard.Folder}: result.json is not a JSON object");
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new InputException($"merge {shard.Folder}: cannot read result.json: {e.Message}", e);
        }
    }

    // Sums the counts, joins the paths and the choices (each shard's are its own targets', numbered in the whole y),
    // and requires every other field to be the same in every shard.
    private static JsonObject MergeSummaries(IReadOnlyList<ShardFolder> shards, IReadOnlyList<JsonObject> summaries)
    {
        var first = summaries[0];
        int ratios = first["l1_ratios"] is JsonArray r ? r.Count : throw new InputException($"merge {shards[0].Folder}: result.json has no l1_ratios");
        var merged = new JsonObject();
        foreach (var (name, value) in first)
        {
            if (Sums.Contains(name))
                merged[name] = name == "elapsed_seconds"
                    ? JsonValue.Create(summaries.Sum(s => s[name]?.GetValue<double>() ?? 0))
                    : JsonValue.Create(summaries.Sum(s => s[name]?.GetValue<long>() ?? 0));
            else if (name == "paths")
                merged[name] = Join(shards, summaries, s => s["paths"], ratios, "paths");
            else if (name == "extra" && value is JsonObject extra)
            {
                var joined = new JsonObject();
                foreach (var (field, fieldValue) in extra)
                    joined[field] = field == "choices"
                        ? Join(shards, summaries, s => s["extra"]?["choices"], 1, "extra.choices")
                        : Same(shards, summaries, s => s["extra"]?[field], $"extra.{field}");
                merged[name] = joined;
            }
            else
                merged[name] = Same(shards, summaries, s => s[name], name);
        }
        return merged;
    }

    // The entries of every shard in order: (its targets) × perTarget of them, numbered in the whole y.
    private static JsonArray Join(IReadOnlyList<ShardFolder> shards, IReadOnlyList<JsonObject> summaries, Func<JsonObject, JsonNode?> field,
        int perTarget, string name)
    {
        var joined = new JsonArray();
        for (int s = 0; s < shards.Count; s++)
        {
            var m = shards[s].Manifest;
            var entries = field(summaries[s]) as JsonArray;
            if (entries is null || entries.Count != (m.End - m.Start) * perTarget)
                throw new InputException($"merge {shards[s].Folder}: result.json's {name} has {entries?.Count ?? 0} entries, not the " +
                    $"{(m.End - m.Start) * perTarget} of its targets [{m.Start}, {m.End})");
            foreach (var entry in entries)
                joined.Add(entry?.DeepClone());
        }
        return joined;
    }

    private static JsonNode? Same(IReadOnlyList<ShardFolder> shards, IReadOnlyList<JsonObject> summaries, Func<JsonObject, JsonNode?> field, string name)
    {
        var value = field(summaries[0]);
        for (int s = 1; s < shards.Count; s++)
            if (!JsonNode.DeepEquals(value, field(summaries[s])))
                throw new InputException($"shard {shards[s].Describe()}: result.json's {name} is {Shown(field(summaries[s]))} but {shards[0].Folder}'s is " +
                    $"{Shown(value)}: shards must come from one gpusparse, the same inputs and the same options");
        return value?.DeepClone();
    }

    private static string Shown(JsonNode? node)
    {
        string text = node?.ToJsonString() ?? "(none)";
        return text.Length > 60 ? text[..60] + "…" : text;
    }

    // One array: the shards' elements in target order, with the whole sweep's shape.
    private static void Concatenate(IReadOnlyList<ShardFolder> shards, string file, int[] shape, string folder)
    {
        long perTarget = shape.Aggregate(1L, (a, d) => checked(a * d)) / shards[0].Manifest.Units;
        var parts = shards.Select(s =>
        {
            var array = InputFiles.ReadNpy(Path.Combine(s.Folder, file), $"merge {s.Folder}");
            long expected = (s.Manifest.End - s.Manifest.Start) * perTarget;
            if (array.Length != expected || array.DataType != NpyDataType.Float64 && array.DataType != NpyDataType.Int32)
                throw new InputException($"merge {s.Folder}: {file} holds {array.Length} {array.DataType} values, not the {expected} of its targets " +
                    $"[{s.Manifest.Start}, {s.Manifest.End})");
            return array;
        }).ToList();
        string path = Path.Combine(folder, file);
        if (parts[0].DataType == NpyDataType.Int32)
            NpyWriter.Write(path, [.. parts.SelectMany(a => a.ToDouble().Select(v => (int)v))], shape);
        else
            NpyWriter.Write(path, [.. parts.SelectMany(a => a.ToDouble())], shape);
    }

    // A file every shard writes alike (the fold labels): checked, then copied.
    private static void Identical(IReadOnlyList<ShardFolder> shards, string file, string folder)
    {
        var bytes = File.ReadAllBytes(Path.Combine(shards[0].Folder, file));
        foreach (var shard in shards.Skip(1))
            if (!File.ReadAllBytes(Path.Combine(shard.Folder, file)).AsSpan().SequenceEqual(bytes))
                throw new InputException($"shard {shard.Describe()}: its {file} differs from {shards[0].Folder}'s: shards must share their folds");
        File.WriteAllBytes(Path.Combine(folder, file), bytes);
    }

    // A table with one header line: the header once, then every shard's rows in order.
    private static void ConcatenateRows(IReadOnlyList<ShardFolder> shards, string file, string folder)
    {
        using var writer = new StreamWriter(Path.Combine(folder, file));
        for (int s = 0; s < shards.Count; s++)
        {
            using var reader = new StreamReader(Path.Combine(shards[s].Folder, file));
            string? header = reader.ReadLine();
            if (s == 0 && header is not null)
                writer.Write(header + "\n");
            while (reader.ReadLine() is { } line)
                writer.Write(line + "\n");
        }
    }
}
