using System.CommandLine;
using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Cli.Input;
using GpuSparse.Cli.Output;
using GpuSparse.Cli.Progress;
using GpuSparse.Cli.Sharding;
using GpuSparse.IO;
using GpuSparse.Model;

namespace GpuSparse.Cli.Commands;

/// <summary>
/// <c>solve</c>: one batch from .npy or CSV files to <c>coef.npy</c>, <c>intercept.npy</c>, <c>coef.csv</c> and
/// <c>result.json</c>. This is the contract outside checks run; keep its options stable.
/// </summary>
internal static class SolveCommand
{
    public static Command Create()
    {
        var arguments = new ModelArguments(
            "X: .npy (n, p) shared by every problem or (K, n, p); or a CSV with a header row",
            "y: .npy (n,) or (K, n); or a CSV whose K columns are K responses",
            "L1 ratio r in [0, 1] (1 = Lasso, 0 = Ridge; glmnet's alpha): a number or a (K,) .npy",
            "output folder for coef.npy, coef.csv, intercept.npy and result.json");
        // scikit-learn users type --alpha, glmnet users --lambda: one option, recorded as --alpha
        var alpha = new Option<string>("--alpha", "--lambda")
        {
            Description = "λ of the objective, a number ≥ 0 or a (K,) .npy: scikit-learn's alpha; glmnet's lambda for the Lasso " +
                "(for r < 1 glmnet scales y by its standard deviation: README, \"The problem solved\")",
            Required = true,
        };
        var devices = CommonOptions.Devices();
        var groups = new Option<string>("--groups")
        {
            Description = "a (p,) .npy of integer group labels, one per feature: the group Lasso (group elastic net with " +
                "--l1-ratio < 1), group weights √|g| (docs/group-lasso.md)",
        };
        var groupWeights = new Option<string>("--group-weights")
        {
            Description = "with --groups: a (G,) .npy or one-column CSV of group weights w_g ≥ 0, one per group in ascending " +
                "label order, instead of √|g| (0 leaves a group unpenalised)",
        };
        var shard = ShardSpec.Option("problems");

        var command = new Command("solve",
            "Solve a batch of problems from .npy or CSV files.\n\n" +
            "Examples:\n" +
            "  gpusparse solve --x X.npy --y y.npy --alpha 0.1 --l1-ratio 0.5 --out results/\n" +
            "  gpusparse solve --x data.csv --target progression --alpha 0.1 --out results/\n" +
            "  gpusparse solve --x X.csv --y y.csv --alpha alphas.npy --out results/\n" +
            "  gpusparse solve --x X.npy --y y.npy --alpha 0.1 --shard 0/4 --out shards/0")
        {
            alpha,
            shard,
            devices,
            groups,
            groupWeights,
        };
        arguments.AddTo(command);
        command.SetAction(parse =>
        {
            var (stdout, stderr) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            return CommandFailures.Run(stderr, () => Run(new SolveRequest(
                parse.GetValue(arguments.X)!, parse.GetValue(arguments.Y), parse.GetValue(alpha)!, parse.GetValue(arguments.L1Ratio)!,
                arguments.Intercept(parse), parse.GetValue(arguments.Standardize), parse.GetValue(arguments.Positive),
                arguments.Solver(parse), parse.GetValue(arguments.Precision)!, parse.GetValue(arguments.Out)!,
                parse.GetValue(arguments.Target), parse.GetValue(arguments.Backend)!, parse.GetValue(arguments.Overwrite),
                arguments.ParsedFormat(parse), parse.GetValue(shard), parse.GetValue(devices), parse.GetValue(groups),
                parse.GetValue(groupWeights)), stdout, stderr));
        });
        return command;
    }

    /// <summary>Everything a <c>solve</c> call asks for.</summary>
    internal sealed record SolveRequest(string X, string? Y, string Alpha, string L1Ratio, bool FitIntercept,
        bool Standardize, bool Positive, SolverOptions Options, string Precision, string Output, string? Target = null,
        string Backend = "auto", bool Overwrite = false, OutputFormat Format = OutputFormat.Table, string? Shard = null, string? Devices = null,
        string? Groups = null, string? GroupWeights = null);

    /// <summary>Runs the request; every failure goes through <see cref="CommandFailures"/>.</summary>
    internal static int Run(SolveRequest request, TextWriter stdout, TextWriter stderr) =>
        CommandFailures.Run(stderr, () => Solve(request, stdout, stderr));

    private static int Solve(SolveRequest request, TextWriter stdout, TextWriter stderr)
    {
        // Usage first (wrong for every problem), then the output location, then the data: nothing is solved in vain.
        ModelArguments.Check(request.Options);
        ProblemFiles.CheckScalars(request.Alpha, request.L1Ratio);
        var shard = request.Shard is null ? null : ShardSpec.Parse(request.Shard, ShardUnit.Problem);
        using var output = ResultFolder.Prepare(request.Output, request.Overwrite, request.X, request.Y, request.Alpha, request.L1Ratio);
        // The problems are read and solved one window at a time, their results written as each window finishes, so
        // a batch larger than memory (or a shard of one) never sits in memory whole.
        int window = WindowProblems(request.X, request.Y);
        var files = ProblemFiles.Load(request.X, request.Y, request.Alpha, request.L1Ratio, request.Target, new ProblemWindow(shard, 0, window));
        var (start, end) = shard?.Of(files.Total, request.X) ?? (0, files.Total);
        var manifest = shard is null ? null : Manifest(request, files.Total, start, end, shard);
        var labels = request.Groups is null ? null : GroupFile.Read(request.Groups, files.Features);
        if (request.GroupWeights is not null && labels is null)
            throw new InputException("--group-weights: needs --groups (the weights are one per group)");
        var weights = request.GroupWeights is null ? null : GroupFile.ReadWeights(request.GroupWeights, labels!);
        using var backend = SolverBackends.Create(request.Backend, request.Devices);
        var progress = ProgressDisplay.For(stderr);
        using var interrupt = new CancelOnCtrlC(progress.Notice);
        var result = new BatchResult([], backend.Name, TimeSpan.Zero);
        output.Commit(() =>
        {
            manifest?.Write(output.Staging);
            using var writer = ResultWriter.Begin(output.Staging, end - start, files.Features, files.Data.FeatureNames);
            var (alphas, ratios, targets) = (new List<double>(end - start), new List<double>(end - start), new List<int>(end - start));
            result = progress.Run($"solving {end - start} problems", end - start, report =>
            {
                var (elapsed, solvedOn) = (TimeSpan.Zero, backend.Name);
                for (var part = files; ; part = ProblemFiles.Load(request.X, request.Y, request.Alpha, request.L1Ratio, request.Target,
                         new ProblemWindow(shard, part.First + part.Count - start, window)))
                {
                    var ahead = new OffsetProgress(report, part.First - start, end - start, elapsed);
                    var solved = request.Precision == "f32"
                        ? Solve<float>(part, request, labels, weights, backend, ahead, interrupt.Token)
                        : Solve<double>(part, request, labels, weights, backend, ahead, interrupt.Token);
                    writer.Append(ProblemNumbering.Renumbered(solved.Problems, part.First));
                    alphas.AddRange(part.Alphas);
                    ratios.AddRange(part.L1Ratios);
                    targets.AddRange(Enumerable.Range(0, part.Count).Select(part.TargetOf));
                    (elapsed, solvedOn) = (elapsed + solved.Elapsed, solved.Backend);
                    if (part.First + part.Count >= end)
                        return new BatchResult(writer.Results, solvedOn, elapsed);
                    // The window's arrays are garbage now; collected at once, the next window reuses their pages
                    // rather than the GC letting the heap grow to a few windows' worth (1.2 GB at K = 10⁵, 0.4 GB collected).
                    GC.Collect();
                }
            });
            writer.Complete(result.Backend, result.Elapsed, new BatchDescription("solve", ModelArguments.AlgorithmRun(backend, request.Options.Algorithm, files.Features),
                request.Precision, alphas, ratios, targets,
                new BatchOptions(request.Options.Tolerance, request.Options.MaxIterations, request.FitIntercept, request.Standardize, request.Positive),
                files.Data.FeatureNames, files.Data.TargetNames, start));
        });
        string algorithm = ModelArguments.AlgorithmRun(backend, request.Options.Algorithm, files.Features);

        foreach (var problem in result.Problems.Where(r => r.Status is ProblemStatus.Invalid or ProblemStatus.Diverged))
        {
            string source = problem.Field is { } field ? files.SourceOf(field, request.Alpha, request.L1Ratio) + ": " : "";
            stderr.WriteLine($"error: {source}{problem.Message}");
        }
        int cancelled = result.CountWith(ProblemStatus.Cancelled);
        if (cancelled > 0)
            stderr.WriteLine($"cancelled: {cancelled} of {result.Problems.Count} problem(s) did not finish (status 'cancelled' in result.json); what finished is written to {request.Output}");
        int unconverged = result.CountWith(ProblemStatus.MaxIterations);
        if (unconverged > 0)
            stderr.WriteLine($"warning: {unconverged} problem(s) hit --max-iter {request.Options.MaxIterations} before the gap reached --tol; their best iterates and gaps are in result.json");
        if (request.Format == OutputFormat.Table)
            stdout.WriteLine($"{ProgressDisplay.Summary(result)} on {result.Backend} ({algorithm}) in {result.Elapsed.TotalSeconds:F3} s; " +
                $"{(manifest is null ? "" : $"shard {manifest.Describe()} of {manifest.Units}; ")}results in {request.Output}");
        else
            Rows(result, algorithm, request.Output).Write(stdout, request.Format);
        int failed = result.CountWith(ProblemStatus.Invalid) + result.CountWith(ProblemStatus.Diverged);
        return failed + cancelled > 0 ? ExitCodes.SomeProblemsFailed : ExitCodes.Success;
    }

    /// <summary>
    /// What a shard's folder says about itself: its problems, its inputs by size and the hashes of the blocks it read
    /// (its rows of a (K, n, p) X and a (K, n) y; the (K,) files whole, as they are read), and every option that changes
    /// the numbers (the backend that ran is in result.json).
    /// </summary>
    private static ShardManifest Manifest(SolveRequest request, int problems, int start, int end, ShardSpec shard)
    {
        var inputs = new List<ShardInput> { ShardInput.Rows("--x", request.X, start, end, unitRank: 3) };
        if (request.Y is not null)
            inputs.Add(ShardInput.Rows("--y", request.Y, start, end, unitRank: 2));
        if (request.Groups is not null)
            inputs.Add(ShardInput.Whole("--groups", request.Groups));
        if (request.GroupWeights is not null)
            inputs.Add(ShardInput.Whole("--group-weights", request.GroupWeights));
        string Value(string text, string option)
        {
            if (InputFiles.TryParse(text, out double number))
                return number.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            inputs.Add(ShardInput.Whole(option, text));
            return "file";
        }
        var options = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["--alpha"] = Value(request.Alpha, "--alpha"),
            ["--l1-ratio"] = Value(request.L1Ratio, "--l1-ratio"),
            ["--target"] = request.Target ?? "",
            ["--fit-intercept"] = request.FitIntercept ? "true" : "false",
            ["--standardize"] = request.Standardize ? "true" : "false",
            ["--positive"] = request.Positive ? "true" : "false",
            ["--tol"] = request.Options.Tolerance.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["--max-iter"] = request.Options.MaxIterations.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["--algorithm"] = CommonOptions.AlgorithmName(request.Options.Algorithm),
            ["--precision"] = request.Precision,
            ["--backend"] = request.Backend,
        };
        return new ShardManifest(ShardManifest.CurrentFormat, "solve", shard.Index, shard.Count, shard.Unit.Name, problems, start, end, inputs, options);
    }

    /// <summary>The summary as one row, for <c>--format csv|json</c>.</summary>
    private static Report Rows(BatchResult result, string algorithm, string output)
    {
        var report = new Report(new ReportColumn("problems"), new ReportColumn("converged"), new ReportColumn("max_iter"),
            new ReportColumn("invalid"), new ReportColumn("diverged"), new ReportColumn("cancelled"), new ReportColumn("backend"),
            new ReportColumn("algorithm"), new ReportColumn("seconds"), new ReportColumn("problems/s"), new ReportColumn("out"));
        report.Add(result.Problems.Count, result.CountWith(ProblemStatus.Converged), result.CountWith(ProblemStatus.MaxIterations),
            result.CountWith(ProblemStatus.Invalid), result.CountWith(ProblemStatus.Diverged), result.CountWith(ProblemStatus.Cancelled),
            result.Backend, algorithm, result.Elapsed.TotalSeconds, ProgressDisplay.Rate(result), output);
        return report;
    }

    // X read per window: a few hundred MB at most in memory however large the file, and windows long enough that a
    // device stays busy (64 × 32 float64 problems: 8192 a window).
    private const long WindowBytes = 128L << 20;

    /// <summary>Tests set a few bytes here (for their own async flow) to cut small batches into many windows.</summary>
    internal static readonly AsyncLocal<long?> WindowBytesOverride = new();

    /// <summary>How many problems one window holds: X (K, n, p) and y (K, n) rows of float64 within <see cref="WindowBytes"/>.</summary>
    private static int WindowProblems(string x, string? y)
    {
        if (InputFiles.IsCsv(x) || (y is not null && InputFiles.IsCsv(y)) || !File.Exists(x))
            return int.MaxValue; // a CSV is read whole (once, not per window); a missing file is reported by the loader
        long perProblem;
        try
        {
            var shape = NpyRows.ReadHeader(x).Shape;
            perProblem = shape.Length == 3 ? (long)shape[1] * shape[2] + shape[1] : shape.Length == 2 ? shape[0] : 1;
        }
        catch (Exception e) when (e is NpyFormatException or IOException or UnauthorizedAccessException)
        {
            return int.MaxValue; // the loader reports it, naming the option
        }
        return (int)Math.Clamp((WindowBytesOverride.Value ?? WindowBytes) / (sizeof(double) * Math.Max(perProblem, 1)), 1, int.MaxValue);
    }

    /// <summary>A window's progress as progress of the whole batch: the windows before it count as finished.</summary>
    private sealed class OffsetProgress(IProgress<SolveProgress> whole, int before, int total, TimeSpan elapsedBefore) : IProgress<SolveProgress>
    {
        public void Report(SolveProgress value) => whole.Report(new SolveProgress(before + value.Finished, total, elapsedBefore + value.Elapsed));
    }

    private static BatchResult Solve<T>(ProblemFiles files, SolveRequest request, int[]? groups, double[]? groupWeights, ISolverBackend backend,
        IProgress<SolveProgress> progress, CancellationToken cancellationToken) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var batch = files.ToBatch<T>(k => new ProblemSettings
        {
            Lambda = files.Alphas[k],
            L1Ratio = files.L1Ratios[k],
            FitIntercept = request.FitIntercept,
            Standardize = request.Standardize,
            Positive = request.Positive,
            Groups = groups,
            GroupWeights = groupWeights,
        });
        // Called on the class where it is one: ReadyToRun can then precompile the solver's code for T (a generic
        // method called through an interface is only found at run time, and JITted there).
        return backend is ManagedBackend managed
            ? managed.Solve(batch, request.Options, progress, cancellationToken)
            : backend.Solve(batch, request.Options, progress, cancellationToken);
    }
}
