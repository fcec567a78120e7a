using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using GpuSparse.Cli.Input;
using GpuSparse.Cli.Output;
using GpuSparse.Cli.Progress;
using GpuSparse.Cli.Sharding;
using GpuSparse.IO;
using GpuSparse.Sweeps;

namespace GpuSparse.Cli.Commands;

/// <summary>
/// <c>cv</c>: K-fold cross-validation over targets × L1 ratios × λ, with the refit on all data; with <c>--shard I/N</c>
/// that of a share of the targets, all folds and the refit of each (<see cref="SweepShards"/>).
/// </summary>
internal static class CvCommand
{
    /// <summary>The cross-validation curve as a table: what <c>plot</c> draws.</summary>
    public const string CurveFile = "cv.csv";

    public static Command Create()
    {
        var arguments = new SweepArguments("output folder for the curves, the choices and the full-data paths");
        var folds = new Option<int>("--folds", "--cv") { Description = "K, the number of folds ≥ 2 (glmnet nfolds, scikit-learn cv)", DefaultValueFactory = _ => 5 };
        var foldIds = new Option<string?>("--fold-ids") { Description = "a (n,) .npy of fold labels (any integers; glmnet foldid; overrides --folds and --seed)" };
        var seed = new Option<ulong?>("--seed") { Description = "shuffle samples into folds with this seed (default: contiguous blocks, scikit-learn's KFold)" };
        var averaging = new Option<string>("--cv-mean") { Description = "glmnet (fold-size weighted) or sklearn (plain mean over folds)", DefaultValueFactory = _ => "glmnet" };
        averaging.AcceptOnlyFromAmong("glmnet", "sklearn");
        var command = new Command("cv",
            "Cross-validate the elastic net: K folds × λ grid × L1 ratios × targets solved as batches.\n" +
            $"Writes {CurveFile} (target, l1_ratio, lambda, mse_mean, mse_se), alphas.npy, cv_mse_mean.npy, cv_mse_se.npy,\n" +
            "cv_fold_mse.npy, fold_ids.npy (int32), the full-data path (coefs.npy, intercepts.npy, gaps.npy, iterations.npy),\n" +
            "coef.npy/intercept.npy at λ_min, and result.json (λ_min, λ_1se, chosen L1 ratio per target). Prints one row per target.\n\n" +
            "Examples:\n" +
            "  gpusparse cv --x X.npy --y y.npy --l1-ratio 0.5,1 --folds 5 --seed 1 --out cv/\n" +
            "  gpusparse cv --x data.csv --target progression --cv 10 --out cv/\n" +
            "  gpusparse cv --x X.npy --y Y.npy --shard 0/4 --out shards/0   (then gpusparse merge shards/* --out cv/)")
        {
            folds, foldIds, seed, averaging,
        };
        arguments.AddTo(command);
        command.SetAction(parse =>
        {
            var (stdout, stderr) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            return CommandFailures.Run(stderr, () =>
            {
                var request = arguments.Read(parse);
                int k = parse.GetValue(folds);
                if (k < 2 && parse.GetValue(foldIds) is null)
                    throw new InputException($"--folds {k}: cross-validation needs at least 2 folds");
                var foldSource = new FoldSource(k, parse.GetValue(foldIds), parse.GetValue(seed));
                var options = request.Options with
                {
                    Averaging = parse.GetValue(averaging) == "sklearn" ? CvAveraging.Unweighted : CvAveraging.FoldSizeWeighted,
                };
                return Run(request with { Options = options }, foldSource, stdout, stderr);
            });
        });
        return command;
    }

    /// <summary>Where the folds come from: a file of labels, a seeded shuffle, or contiguous blocks.</summary>
    internal sealed record FoldSource(int Count, string? File, ulong? Seed)
    {
        public int[] For(int samples) => File is { } file ? ReadFoldIds(file, samples)
            : Seed is { } s ? Folds.Shuffled(samples, Count, s)
            : Folds.Contiguous(samples, Count);
    }

    internal static int Run(SweepRequest request, FoldSource foldSource, TextWriter stdout, TextWriter stderr)
    {
        if (request.Shard is not null)
            SweepShards.Backend(request, "cv");
        using var output = ResultFolder.Prepare(request.Output, request.Overwrite, request.X, request.Y, request.LambdasPath, foldSource.File);
        var input = request.Load();
        int[] foldIds = foldSource.For(input.Samples);
        var manifest = request.Shard is null ? null : SweepShards.Manifest(input, "cv", new Dictionary<string, string>
        {
            ["--folds"] = foldSource.File is null ? foldSource.Count.ToString(CultureInfo.InvariantCulture) : "",
            ["--fold-ids"] = foldSource.File is null ? "" : "file",
            ["--seed"] = foldSource.File is null && foldSource.Seed is { } seed ? seed.ToString(CultureInfo.InvariantCulture) : "",
            ["--cv-mean"] = input.Options.Averaging == CvAveraging.Unweighted ? "sklearn" : "glmnet",
        }, foldSource.File is { } file ? [("--fold-ids", file)] : []);
        var clock = Stopwatch.StartNew();
        using var backend = SolverBackends.CreateForSweeps(request.Backend);
        var progress = ProgressDisplay.For(stderr);
        using var interrupt = new CancelOnCtrlC(progress.Notice);
        var result = progress.Run($"cv: {Folds.Normalize(foldIds).Max() + 1} folds", "λ steps", steps => request.Precision == "f32"
            ? Solve<float>(backend, input, foldIds, steps, interrupt.Token)
            : Solve<double>(backend, input, foldIds, steps, interrupt.Token));
        if (manifest is not null)
            SweepShards.CheckWalkedAlone(result.Paths, input, "cv");
        output.Commit(() =>
        {
            manifest?.Write(output.Staging);
            Write(output.Staging, input, result, foldIds, backend.Name,
                ModelArguments.AlgorithmRun(backend, input.Options.Path.Solver.Algorithm, input.Features), clock.Elapsed.TotalSeconds);
        });
        var rows = Rows(input, result);
        rows.Write(stdout, request.Format);
        if (result.Choices.Any(c => c.MinIndex < 0))
            stderr.WriteLine("cancelled before any λ step finished on every fold: no λ was chosen (null in result.json)");
        return SweepWriter.Report(result.Paths, stdout, stderr, request.Format, "cv", request.Output);
    }

    private static CrossValidationResult Solve<T>(Backends.ISolverBackend backend, SweepInput input, int[] foldIds,
        IProgress<Model.SolveProgress> steps, CancellationToken cancellationToken) where T : unmanaged, IFloatingPointIeee754<T> =>
        CrossValidation.Run<T>(backend, input.Design<T>(), input.Features, input.Responses<T>(), foldIds, input.Options, cancellationToken, steps);

    private static void Write(string folder, SweepInput input, CrossValidationResult result, int[] foldIds, string backend, string algorithm, double seconds)
    {
        int curves = result.Targets * result.Ratios, steps = result.Steps, p = input.Features;
        SweepWriter.WritePaths(folder, input, result.Paths, curves);
        void Save(string name, ReadOnlySpan<double> values, params int[] trailing) =>
            NpyWriter.Write(Path.Combine(folder, name), values, input.Leading(trailing));
        Save("cv_mse_mean.npy", result.MseMean, steps);
        Save("cv_mse_se.npy", result.MseStandardError, steps);
        Save("cv_fold_mse.npy", result.FoldMse, result.FoldCount, steps);
        NpyWriter.Write(Path.Combine(folder, "fold_ids.npy"), Folds.Normalize(foldIds), foldIds.Length);
        var chosen = result.Choices.SelectMany(c => c.Coefficients).ToArray();
        NpyWriter.Write(Path.Combine(folder, "coef.npy"), chosen, ChosenShape(result.Targets, p));
        NpyWriter.Write(Path.Combine(folder, "intercept.npy"), result.Choices.Select(c => c.Intercept).ToArray(), result.Targets);
        var curve = new double[checked(curves * steps * 5)];
        for (int c = 0; c < curves; c++)
            for (int i = 0; i < steps; i++)
            {
                int row = (c * steps + i) * 5;
                curve[row] = input.FirstTarget + c / result.Ratios;
                curve[row + 1] = input.Options.L1Ratios[c % result.Ratios];
                curve[row + 2] = result.Lambdas[c * steps + i];
                curve[row + 3] = result.MseMean[c * steps + i];
                curve[row + 4] = result.MseStandardError[c * steps + i];
            }
        CsvTable.Write(Path.Combine(folder, CurveFile), ["target", "l1_ratio", "lambda", "mse_mean", "mse_se"], curve);
        SweepWriter.WriteSummary(folder, "cv", input, result.Paths, curves, backend, algorithm, seconds, new
        {
            Folds = result.FoldCount,
            Averaging = input.Options.Averaging == CvAveraging.Unweighted ? "sklearn" : "glmnet",
            Choices = result.Choices.Select((c, t) => new TargetChoice(input.FirstTarget + t, input.TargetName(t), c.L1Ratio, c.LambdaMin, c.Lambda1se,
                c.MinIndex < 0 ? double.NaN : result.MseMean[(t * result.Ratios + c.RatioIndex) * steps + c.MinIndex], c.Intercept)),
        });
    }

    /// <summary>The shape of coef.npy, the refits at λ_min: (T, p), or (p,) for one target.</summary>
    internal static int[] ChosenShape(int targets, int features) => targets > 1 ? [targets, features] : [features];

    private static Report Rows(SweepInput input, CrossValidationResult result)
    {
        var report = new Report(new ReportColumn("target"), new ReportColumn("l1_ratio"), new ReportColumn("lambda_min", "G6"),
            new ReportColumn("lambda_1se", "G6"), new ReportColumn("mse_min", "G6"), new ReportColumn("nonzeros"));
        foreach (var (c, t) in result.Choices.Select((c, t) => (c, t)))
            report.Add(input.TargetName(t), c.L1Ratio, c.LambdaMin, c.Lambda1se,
                c.MinIndex < 0 ? double.NaN : result.MseMean[(t * result.Ratios + c.RatioIndex) * result.Steps + c.MinIndex],
                c.Coefficients.Count(v => v != 0 && !double.IsNaN(v)));
        return report;
    }

    /// <summary>One target's choice as result.json spells it.</summary>
    private sealed record TargetChoice(int Target, string TargetName, double L1Ratio,
        [property: System.Text.Json.Serialization.JsonPropertyName("lambda_min")] double LambdaMin,
        [property: System.Text.Json.Serialization.JsonPropertyName("lambda_1se")] double Lambda1se,
        double MseMin, double Intercept);

    private static int[] ReadFoldIds(string path, int samples)
    {
        var array = InputFiles.ReadNpy(path, "--fold-ids");
        if (array.Shape.Length != 1 || array.Shape[0] != samples)
            throw new InputException($"--fold-ids {path}: must be ({samples},), got {DataFiles.Shape(array)}");
        var values = array.ToDouble();
        if (values.Any(v => v != Math.Round(v) || Math.Abs(v) > int.MaxValue))
            throw new InputException($"--fold-ids {path}: fold labels must be integers");
        var labels = Array.ConvertAll(values, v => (int)v);
        if (labels.Distinct().Count() < 2)
            throw new InputException($"--fold-ids {path}: cross-validation needs at least 2 distinct fold labels");
        return labels;
    }
}
