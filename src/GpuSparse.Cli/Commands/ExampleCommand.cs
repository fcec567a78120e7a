using System.CommandLine;
using GpuSparse.Backends;
using GpuSparse.Cli.Examples;
using GpuSparse.Cli.Input;
using GpuSparse.Cli.Output;
using GpuSparse.Cli.Progress;
using GpuSparse.Model;

namespace GpuSparse.Cli.Commands;

/// <summary>
/// <c>example</c>: the main job on built-in data, nothing to download. Prints one row per solved batch and
/// writes results and plots to <c>--out</c>.
/// </summary>
internal static class ExampleCommand
{
    public static Command Create()
    {
        var output = CommonOptions.Out("folder for results and plots", "out/example");
        var backend = CommonOptions.Backend();
        var format = CommonOptions.Format();
        var tol = CommonOptions.Tolerance();
        var maxIter = CommonOptions.MaxIterations();
        var algorithm = CommonOptions.Algorithm();
        var overwrite = CommonOptions.Overwrite();
        var count = new Option<int>("--problems") { Description = "problems in the generated batch (64 × 32 each)", DefaultValueFactory = _ => 4000 };
        var noPlots = new Option<bool>("--no-plots") { Description = "skip drawing the PNG and SVG plots" };
        var command = new Command("example",
            "The main job on built-in data: a λ path on the diabetes data (Lasso and elastic net, one batch), λ chosen on a\n" +
            "held-out 20 %, and a generated batch of thousands of problems; prints a table and writes results and plots.\n\n" +
            "Examples:\n" +
            "  gpusparse example\n" +
            "  gpusparse example --out results/ --problems 10000 --format json")
        {
            output, overwrite, backend, format, tol, maxIter, algorithm, count, noPlots,
        };
        command.SetAction(parse =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            return CommandFailures.Run(stderr, () => Run(parse.GetValue(output)!, parse.GetValue(backend)!, CommonOptions.ParseFormat(parse.GetValue(format)!),
                new SolverOptions
                {
                    Tolerance = parse.GetValue(tol),
                    MaxIterations = parse.GetValue(maxIter),
                    Algorithm = CommonOptions.ParseAlgorithm(parse.GetValue(algorithm)!),
                },
                parse.GetValue(count), !parse.GetValue(noPlots), parse.InvocationConfiguration.Output, stderr, parse.GetValue(overwrite)));
        });
        return command;
    }

    internal static int Run(string output, string backendName, OutputFormat format, SolverOptions options, int problems, bool plots,
        TextWriter stdout, TextWriter stderr, bool overwrite = false) =>
        CommandFailures.Run(stderr, () =>
        {
            ModelArguments.Check(options);
            if (problems < 1)
                throw new InputException($"--problems {problems}: must be at least 1");
            using var folder = ResultFolder.Prepare(output, overwrite);
            using var backend = SolverBackends.Create(backendName);
            var progress = ProgressDisplay.For(stderr);
            using var interrupt = new CancelOnCtrlC(progress.Notice);
            ExampleOutcome? outcome = null;
            Report? report = null;
            folder.Commit(() =>
            {
                outcome = ExampleJob.Run(new ExampleRequest(folder.Staging, options, backend, problems, plots), progress, interrupt.Token);
                report = Summary(outcome);
                File.WriteAllText(Path.Combine(folder.Staging, "summary.json"), Render(report, OutputFormat.Json));
                ResultJson.Write(Path.Combine(folder.Staging, "result.json"), new
                {
                    Command = "example",
                    ResultJson.Tool,
                    Backend = backend.Name,
                    // the example's batches have p = 10 and p = 32: every backend makes the same choice for both
                    Algorithm = ModelArguments.AlgorithmRun(backend, options.Algorithm, ExampleJob.DiabetesFeatures.Length),
                    Problems = outcome.Batches.Sum(b => b.Result.Problems.Count),
                    Cancelled = outcome.Batches.Sum(b => b.Result.CountWith(ProblemStatus.Cancelled)),
                    Files = outcome.Files.Select(f => Path.GetRelativePath(folder.Staging, f)),
                });
            });
            report!.Write(stdout, format);
            if (format == OutputFormat.Table)
            {
                stdout.WriteLine();
                foreach (var choice in outcome!.Choices)
                    stdout.WriteLine($"chosen λ (least error on the held-out 20 %, split seed {ExampleJob.SplitSeed}), r = {choice.L1Ratio:0.##}: " +
                        $"λ = {choice.Lambda:G4}, held-out MSE {choice.Mse:G5}, {choice.Nonzeros} of {ExampleJob.DiabetesFeatures.Length} coefficients nonzero" +
                        (choice.AtSmallestLambda ? " (the grid's smallest λ: on this split the data want almost no penalty)" : ""));
                stdout.WriteLine("(cross-validated λ_min / λ_1se come with the `cv` command)");
                stdout.WriteLine();
                stdout.WriteLine($"results and plots in {folder.Target}:");
                foreach (var file in outcome.Files)
                    stdout.WriteLine($"  {Path.GetRelativePath(folder.Staging, file)}");
            }
            int cancelled = outcome!.Batches.Sum(b => b.Result.CountWith(ProblemStatus.Cancelled));
            if (cancelled > 0)
                stderr.WriteLine($"cancelled: {cancelled} problem(s) did not finish; what finished is written to {output}");
            int failed = outcome.Batches.Sum(b => b.Result.CountWith(ProblemStatus.Invalid) + b.Result.CountWith(ProblemStatus.Diverged));
            return failed + cancelled > 0 ? ExitCodes.SomeProblemsFailed : ExitCodes.Success;
        });

    private static Report Summary(ExampleOutcome outcome)
    {
        var report = new Report(new ReportColumn("job"), new ReportColumn("problems"), new ReportColumn("backend"),
            new ReportColumn("time s", "F3"), new ReportColumn("problems/s", "N0"), new ReportColumn("converged"),
            new ReportColumn("worst rel. gap", "0.0E+00"), new ReportColumn("chosen λ", "G4"));
        foreach (var batch in outcome.Batches)
        {
            var result = batch.Result;
            report.Add(batch.Job, result.Problems.Count, result.Backend, result.Elapsed.TotalSeconds, ProgressDisplay.Rate(result),
                result.CountWith(ProblemStatus.Converged), batch.WorstRelativeGap, batch.ChosenLambda);
        }
        return report;
    }

    private static string Render(Report report, OutputFormat format)
    {
        var writer = new StringWriter();
        report.Write(writer, format);
        return writer.ToString();
    }
}
