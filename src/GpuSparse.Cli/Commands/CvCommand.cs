using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Serialization;
using GpuSparse.Cli.Input;
using GpuSparse.Cli.Output;
using GpuSparse.IO;
using GpuSparse.Sweeps;

namespace GpuSparse.Cli.Commands;

/// <summary><c>cv</c>: K-fold cross-validation over targets × L1 ratios × λ, with the refit on all data.</summary>
internal static class CvCommand
{
    public static Command Create()
    {
        var arguments = new SweepArguments();
        var folds = new Option<int>("--folds") { Description = "K, the number of folds", DefaultValueFactory = _ => 5 };
        var foldIds = new Option<string?>("--fold-ids") { Description = "a (n,) .npy of fold labels (any integers; overrides --folds and --seed)" };
        var seed = new Option<ulong?>("--seed") { Description = "shuffle samples into folds with this seed (default: contiguous blocks, scikit-learn's KFold)" };
        var averaging = new Option<string>("--cv-mean") { Description = "glmnet (fold-size weighted) or sklearn (plain mean over folds)", DefaultValueFactory = _ => "glmnet" };
        averaging.AcceptOnlyFromAmong("glmnet", "sklearn");
        var command = new Command("cv",
            "Cross-validate the elastic net: K folds × λ grid × L1 ratios × targets solved as batches.\n" +
            "Writes alphas.npy, cv_mse_mean.npy, cv_mse_se.npy, cv_fold_mse.npy, fold_ids.npy, the full-data path\n" +
            "(coefs.npy, intercepts.npy, gaps.npy, iterations.npy), coef.npy/intercept.npy at λ_min, and result.json\n" +
            "(λ_min, λ_1se, chosen L1 ratio per target).\n\n" +
            "Example:\n  gpusparse cv --x X.npy --y y.npy --l1-ratio 0.5,1 --folds 5 --seed 1 --out cv/")
        {
            folds, foldIds, seed, averaging,
        };
        arguments.AddTo(command);
        command.SetAction(parse => SweepInput.Guard(parse.InvocationConfiguration.Error, () =>
        {
            var input = arguments.Read(parse);
            var ids = parse.GetValue(foldIds) is { } file
                ? ReadFoldIds(file, input.Samples)
                : parse.GetValue(seed) is { } s
                    ? Folds.Shuffled(input.Samples, parse.GetValue(folds), s)
                    : Folds.Contiguous(input.Samples, parse.GetValue(folds));
            var options = input.Options with
            {
                Averaging = parse.GetValue(averaging) == "sklearn" ? CvAveraging.Unweighted : CvAveraging.FoldSizeWeighted,
            };
            return Run(input with { Options = options }, ids, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        }));
        return command;
    }

    internal static int Run(SweepInput input, int[] foldIds, TextWriter stdout, TextWriter stderr)
    {
        var clock = Stopwatch.StartNew();
        using var backend = SolverBackends.CreateForSweeps(input.Backend);
        var result = CrossValidation.Run<double>(backend, input.X, input.Features, input.Targets, foldIds, input.Options);
        int curves = result.Targets * result.Ratios, steps = result.Steps, p = input.Features;
        SweepWriter.WritePaths(input, result.Paths, curves);
        void Save(string name, ReadOnlySpan<double> values, params int[] trailing) =>
            NpyWriter.Write(Path.Combine(input.Output, name), values, input.Leading(trailing));
        Save("cv_mse_mean.npy", result.MseMean, steps);
        Save("cv_mse_se.npy", result.MseStandardError, steps);
        Save("cv_fold_mse.npy", result.FoldMse, result.FoldCount, steps);
        NpyWriter.Write(Path.Combine(input.Output, "fold_ids.npy"), Array.ConvertAll(Folds.Normalize(foldIds), f => (double)f), foldIds.Length);
        var chosen = result.Choices.SelectMany(c => c.Coefficients).ToArray();
        int[] targetShape = result.Targets > 1 ? [result.Targets] : [];
        NpyWriter.Write(Path.Combine(input.Output, "coef.npy"), chosen, [.. targetShape, p]);
        NpyWriter.Write(Path.Combine(input.Output, "intercept.npy"), result.Choices.Select(c => c.Intercept).ToArray(), result.Targets);
        SweepWriter.WriteSummary(input, result.Paths, new
        {
            Backend = backend.Name,
            ElapsedSeconds = clock.Elapsed.TotalSeconds,
            Folds = result.FoldCount,
            Averaging = input.Options.Averaging.ToString(),
            Targets = result.Choices.Select((c, t) => new TargetChoice(t, c.L1Ratio, c.LambdaMin, c.Lambda1se,
                result.MseMean[(t * result.Ratios + c.RatioIndex) * steps + c.MinIndex], c.Intercept)),
        });
        foreach (var (c, t) in result.Choices.Select((c, t) => (c, t)))
            stdout.WriteLine($"target {t}: l1_ratio {c.L1Ratio:G6}, lambda_min {c.LambdaMin:G6}, lambda_1se {c.Lambda1se:G6}");
        return SweepWriter.Report(result.Paths, stdout, stderr, "cv", input.Output);
    }

    /// <summary>One target's choice as result.json spells it.</summary>
    private sealed record TargetChoice(int Target, double L1Ratio,
        [property: JsonPropertyName("lambda_min")] double LambdaMin,
        [property: JsonPropertyName("lambda_1se")] double Lambda1se,
        double MseMin, double Intercept);

    private static int[] ReadFoldIds(string path, int samples)
    {
        NpyArray array;
        try
        {
            array = NpyReader.Read(path);
        }
        catch (IOException e)
        {
            throw new InputException($"--fold-ids {path}: {e.Message}", e);
        }
        if (array.Shape.Length != 1 || array.Shape[0] != samples)
            throw new InputException($"--fold-ids {path}: must be ({samples},), got ({string.Join(", ", array.Shape)})");
        var values = array.ToDouble();
        if (values.Any(v => v != Math.Round(v) || Math.Abs(v) > int.MaxValue))
            throw new InputException($"--fold-ids {path}: fold labels must be integers");
        return Array.ConvertAll(values, v => (int)v);
    }
}
