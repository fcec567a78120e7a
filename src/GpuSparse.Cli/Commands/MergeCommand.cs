using System.CommandLine;
using System.Text.Json;
using GpuSparse.Cli.Input;
using GpuSparse.Cli.Output;
using GpuSparse.Cli.Sharding;
using GpuSparse.IO;
using GpuSparse.Model;

namespace GpuSparse.Cli.Commands;

/// <summary>
/// <c>merge</c>: joins the folders of <c>solve --shard I/N</c> into the folder one unsharded <c>solve</c> writes —
/// <c>coef.npy</c>, <c>intercept.npy</c>, <c>coef.csv</c> and <c>result.json</c>, the same bytes except result.json's
/// <c>elapsed_seconds</c> (the shards' sum). Shards are checked first: they must cover every problem exactly once,
/// from the same inputs (by size and SHA-256) and options, on the same backend; anything else exits 2 naming the shard.
/// </summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var folders = new Argument<string[]>("shards") { Description = "the folders solve --shard I/N wrote, in any order", Arity = ArgumentArity.OneOrMore };
        var output = CommonOptions.Out("output folder for the merged coef.npy, coef.csv, intercept.npy and result.json");
        var overwrite = CommonOptions.Overwrite();
        var format = CommonOptions.Format();
        var command = new Command("merge",
            "Join the folders of solve --shard I/N into the result one solve would write.\n\n" +
            "Examples:\n" +
            "  gpusparse merge shards/0 shards/1 shards/2 shards/3 --out results/\n" +
            "  gpusparse merge shards/* --out results/")
        {
            folders, output, overwrite, format,
        };
        command.SetAction(parse =>
        {
            var (stdout, stderr) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            return CommandFailures.Run(stderr, () => Merge(parse.GetValue(folders)!, parse.GetValue(output)!, parse.GetValue(overwrite),
                CommonOptions.ParseFormat(parse.GetValue(format)!), stdout, stderr));
        });
        return command;
    }

    // result.json as solve writes it, the fields merge needs.
    private sealed record ShardProblem(int Index, ProblemStatus Status, double Alpha, double L1Ratio, int Target, double DualityGap,
        double GapTolerance, double Objective, int Iterations, string? Field, string? Message);

    private sealed record ShardResult(string Command, string Backend, string Algorithm, string Precision, double ElapsedSeconds,
        int Problems, int Cancelled, JsonElement Options, IReadOnlyList<string> Features, IReadOnlyList<string>? Targets,
        IReadOnlyList<ShardProblem> Results);

    private sealed record Shard(string Folder, ShardManifest Manifest, ShardResult Result);

    internal static int Merge(string[] folders, string outputPath, bool overwrite, OutputFormat format, TextWriter stdout, TextWriter stderr)
    {
        var shards = folders.Select(f => new Shard(f, ShardManifest.Read(f), ReadResult(f))).ToList();
        CheckSameBatch(shards);
        CheckCoverage(shards);
        // A shard folder inside --out would be replaced with it: its shard.json counts as an input.
        using var output = ResultFolder.Prepare(outputPath, overwrite, [.. folders.Select(f => Path.Combine(f, ShardManifest.FileName))]);
        var first = shards[0].Result;
        int features = first.Features.Count;
        var ordered = shards.OrderBy(s => s.Manifest.Start).ToList();
        var entries = ordered.SelectMany(s => s.Result.Results).ToList();
        var result = new BatchResult([], first.Backend, TimeSpan.FromSeconds(ordered.Sum(s => s.Result.ElapsedSeconds)));
        // One shard's coefficients in memory at a time, written as each is read.
        output.Commit(() =>
        {
            using var writer = ResultWriter.Begin(output.Staging, entries.Count, features, first.Features);
            foreach (var shard in ordered)
                writer.Append([.. Problems(shard, features)]);
            result = new BatchResult(writer.Results, result.Backend, result.Elapsed);
            writer.Complete(result.Backend, result.Elapsed, new BatchDescription("solve", first.Algorithm, first.Precision,
                [.. entries.Select(e => e.Alpha)], [.. entries.Select(e => e.L1Ratio)], [.. entries.Select(e => e.Target)],
                first.Options, first.Features, first.Targets));
        });
        var problems = result.Problems;

        int failed = result.CountWith(ProblemStatus.Invalid) + result.CountWith(ProblemStatus.Diverged);
        int unconverged = result.CountWith(ProblemStatus.MaxIterations);
        if (failed > 0)
            stderr.WriteLine($"error: {failed} problem(s) are invalid or diverged; result.json names each with its field and message");
        if (unconverged > 0)
            stderr.WriteLine($"warning: {unconverged} problem(s) hit --max-iter before the gap reached --tol; their best iterates and gaps are in result.json");
        var report = new Report(new ReportColumn("shards"), new ReportColumn("problems"), new ReportColumn("converged"),
            new ReportColumn("max_iter"), new ReportColumn("invalid"), new ReportColumn("diverged"), new ReportColumn("backend"),
            new ReportColumn("out"));
        report.Add(shards.Count, problems.Count, result.CountWith(ProblemStatus.Converged), unconverged,
            result.CountWith(ProblemStatus.Invalid), result.CountWith(ProblemStatus.Diverged), result.Backend, outputPath);
        if (format == OutputFormat.Table)
            stdout.WriteLine($"merged {shards.Count} shards: {problems.Count} problems ({result.CountWith(ProblemStatus.Converged)} converged) " +
                $"solved on {result.Backend}; results in {outputPath}");
        else
            report.Write(stdout, format);
        return failed > 0 ? ExitCodes.SomeProblemsFailed : ExitCodes.Success;
    }

    private static ShardResult ReadResult(string folder)
    {
        string path = Path.Combine(folder, "result.json");
        try
        {
            var result = JsonSerializer.Deserialize<ShardResult>(File.ReadAllText(path), ResultJson.Options);
            if (result is null || result.Command != "solve" || result.Results is null || result.Features is null)
                throw new InputException($"merge {folder}: result.json is not a solve result");
            if (result.Cancelled > 0)
                throw new InputException($"merge {folder}: the shard was interrupted ({result.Cancelled} problem(s) cancelled); " +
                    "rerun that shard's solve --shard I/N and merge again");
            return result;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new InputException($"merge {folder}: cannot read result.json: {e.Message}", e);
        }
    }

    // Same K, inputs, options and backend as the first shard given.
    private static void CheckSameBatch(IReadOnlyList<Shard> shards)
    {
        var (first, a) = (shards[0], shards[0].Manifest);
        foreach (var shard in shards.Skip(1))
        {
            var b = shard.Manifest;
            string which = $"shard {shard.Folder} ({b.Describe()})";
            if (b.Problems != a.Problems)
                throw new InputException($"{which} is of a batch of K = {b.Problems} problems but {first.Folder} of K = {a.Problems}: shards must come from the same inputs");
            foreach (var input in a.Inputs)
            {
                var other = b.Inputs.FirstOrDefault(i => i.Option == input.Option);
                if (other is null)
                    throw new InputException($"{which} was solved without {input.Option}, which {first.Folder} read from {input.Path}");
                if (other.Bytes != input.Bytes || other.Sha256 != input.Sha256)
                    throw new InputException($"{which}: {input.Option} {other.Path} ({other.Bytes} bytes, SHA-256 {other.Sha256[..12]}…) is not the file " +
                        $"{first.Folder} read ({input.Path}, {input.Bytes} bytes, SHA-256 {input.Sha256[..12]}…): shards must come from the same inputs");
            }
            if (b.Inputs.FirstOrDefault(i => a.Inputs.All(j => j.Option != i.Option)) is { } extra)
                throw new InputException($"{which} read {extra.Option} {extra.Path}, which {first.Folder} was solved without");
            foreach (var (option, value) in a.Options)
            {
                string otherValue = b.Options.TryGetValue(option, out var v) ? v : "(not given)";
                if (otherValue != value)
                    throw new InputException($"{which} was solved with {option} {Shown(otherValue)} but {first.Folder} with {option} {Shown(value)}: " +
                        "shards must share every option");
            }
            if (shard.Result.Backend != first.Result.Backend || shard.Result.Precision != first.Result.Precision)
                throw new InputException($"{which} was solved on {shard.Result.Backend} ({shard.Result.Precision}) but {first.Folder} on " +
                    $"{first.Result.Backend} ({first.Result.Precision}): results from different backends are not bit-identical; rerun it with --backend {first.Result.Backend}");
        }
    }

    private static string Shown(string value) => value.Length == 0 ? "(not given)" : value;

    // Every problem of [0, K) in exactly one shard.
    private static void CheckCoverage(IReadOnlyList<Shard> shards)
    {
        var ordered = shards.OrderBy(s => s.Manifest.Start).ThenBy(s => s.Manifest.End).ToList();
        int problems = ordered[0].Manifest.Problems, covered = 0;
        Shard? previous = null;
        foreach (var shard in ordered)
        {
            var m = shard.Manifest;
            if (m.Start < covered)
                throw new InputException($"shards {previous!.Folder} ({previous.Manifest.Describe()}) and {shard.Folder} ({m.Describe()}) overlap: " +
                    $"problems [{m.Start}, {Math.Min(covered, m.End)}) are in both; give each shard once");
            if (m.Start > covered)
                throw Missing(covered, m.Start, shards);
            covered = m.End;
            previous = shard;
        }
        if (covered < problems)
            throw Missing(covered, problems, shards);
    }

    // Names the shards of N that would hold the missing problems, when every shard given was cut the same way.
    private static InputException Missing(int start, int end, IReadOnlyList<Shard> shards)
    {
        var m = shards[0].Manifest;
        string which = "";
        if (shards.All(s => s.Manifest.Shards == m.Shards))
        {
            var missing = Enumerable.Range(0, m.Shards).Select(i => new ShardSpec(i, m.Shards))
                .Where(s => s.StartOf(m.Problems) < end && s.EndOf(m.Problems) > start).Select(s => s.ToString());
            which = $"shard {string.Join(", ", missing)} is missing: ";
        }
        return new InputException($"{which}problems [{start}, {end}) of the {m.Problems} are in no folder given; " +
            "rerun solve --shard for them (a killed shard leaves no folder) and merge again");
    }

    // The shard's problems with their coefficients and intercepts, checked against its manifest.
    private static IEnumerable<ProblemResult> Problems(Shard shard, int features)
    {
        var m = shard.Manifest;
        int count = m.End - m.Start;
        var coef = InputFiles.ReadNpy(Path.Combine(shard.Folder, "coef.npy"), $"merge {shard.Folder}");
        var intercept = InputFiles.ReadNpy(Path.Combine(shard.Folder, "intercept.npy"), $"merge {shard.Folder}");
        if (!coef.Shape.SequenceEqual([count, features]) || !intercept.Shape.SequenceEqual([count]) || shard.Result.Results.Count != count)
            throw new InputException($"merge {shard.Folder}: coef.npy {DataFiles.Shape(coef)}, intercept.npy {DataFiles.Shape(intercept)} and " +
                $"result.json's {shard.Result.Results.Count} results do not hold the {count} problems of shard {m.Describe()} with p = {features}");
        var coefficients = coef.ToDouble();
        var intercepts = intercept.ToDouble();
        for (int k = 0; k < count; k++)
        {
            var entry = shard.Result.Results[k];
            if (entry.Index != m.Start + k)
                throw new InputException($"merge {shard.Folder}: result.json's entry {k} is problem {entry.Index}, expected {m.Start + k}");
            yield return new ProblemResult
            {
                Coefficients = coefficients.AsSpan(k * features, features).ToArray(),
                Intercept = intercepts[k],
                DualityGap = entry.DualityGap,
                Objective = entry.Objective,
                GapTolerance = entry.GapTolerance,
                Iterations = entry.Iterations,
                Status = entry.Status,
                Field = entry.Field,
                Message = entry.Message,
            };
        }
    }
}
