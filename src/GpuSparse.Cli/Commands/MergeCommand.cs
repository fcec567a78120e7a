using System.CommandLine;
using System.Text.Json;
using GpuSparse.Cli.Input;
using GpuSparse.Cli.Output;
using GpuSparse.Cli.Sharding;
using GpuSparse.IO;
using GpuSparse.Model;

namespace GpuSparse.Cli.Commands;

/// <summary>
/// <c>merge</c>: joins the folders of <c>solve|path|cv --shard I/N</c> into the folder the unsharded command writes —
/// for a solve <c>coef.npy</c>, <c>intercept.npy</c>, <c>coef.csv</c> and <c>result.json</c>, for a sweep its arrays,
/// curves and result.json (<see cref="SweepShards"/>) — the same bytes except result.json's <c>elapsed_seconds</c> (the
/// shards' sum). Shards are checked first (<see cref="ShardSet"/>): one command, every unit exactly once, the same
/// inputs (by size and block hashes) and options, the same backend; anything else exits 2 naming the shard.
/// </summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var folders = new Argument<string[]>("shards") { Description = "the folders solve|path|cv --shard I/N wrote, in any order", Arity = ArgumentArity.OneOrMore };
        var output = CommonOptions.Out("output folder for the merged coef.npy, coef.csv, intercept.npy and result.json");
        var overwrite = CommonOptions.Overwrite();
        var format = CommonOptions.Format();
        var command = new Command("merge",
            "Join the folders of solve|path|cv --shard I/N into the result the unsharded command would write.\n\n" +
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
        var checkedShards = ShardSet.Read(folders);
        // A shard folder inside --out would be replaced with it: its shard.json counts as an input.
        using var output = ResultFolder.Prepare(outputPath, overwrite, [.. folders.Select(f => Path.Combine(f, ShardManifest.FileName))]);
        if (checkedShards[0].Manifest.Command != "solve")
            return SweepShards.Merge(checkedShards, output, outputPath, format, stdout, stderr);
        var ordered = checkedShards.Select(s => new Shard(s.Folder, s.Manifest, ReadResult(s.Folder))).ToList();
        var first = ordered[0].Result;
        int features = first.Features.Count;
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
        report.Add(ordered.Count, problems.Count, result.CountWith(ProblemStatus.Converged), unconverged,
            result.CountWith(ProblemStatus.Invalid), result.CountWith(ProblemStatus.Diverged), result.Backend, outputPath);
        if (format == OutputFormat.Table)
            stdout.WriteLine($"merged {ordered.Count} shards: {problems.Count} problems ({result.CountWith(ProblemStatus.Converged)} converged) " +
                $"solved on {result.Backend}; results in {outputPath}");
        else
            report.Write(stdout, format);
        return failed > 0 ? ExitCodes.SomeProblemsFailed : ExitCodes.Success;
    }

    private static ShardResult ReadResult(string folder)
    {
        try
        {
            return JsonSerializer.Deserialize<ShardResult>(File.ReadAllText(Path.Combine(folder, "result.json")), ResultJson.Options) is { Results: not null, Features: not null } result
                ? result
                : throw new InputException($"merge {folder}: result.json is not a solve result");
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new InputException($"merge {folder}: cannot read result.json: {e.Message}", e);
        }
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
