using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using GpuSparse.Cli.Input;
using GpuSparse.Cli.Output;
using GpuSparse.Cli.Plots;
using GpuSparse.IO;

namespace GpuSparse.Cli.Commands;

/// <summary>
/// <c>plot</c>: draws PNG and SVG plots from any result folder: coefficient paths (one panel per target × L1 ratio of a
/// sweep, or those <c>--target</c>/<c>--l1-ratio</c> pick), cross-validation curves (<c>cv.csv</c>), and the
/// iteration and duality-gap histograms of a batch (<c>result.json</c>).
/// </summary>
internal static class PlotCommand
{
    public static Command Create()
    {
        var results = new Option<string>("--results") { Description = "folder written by solve, path, cv or example", Required = true };
        var output = new Option<string>("--out") { Description = "folder for the plots (default: <results>/plots)" };
        var target = new Option<string?>("--target") { Description = "draw only this target of a sweep (its name or index)" };
        var ratio = new Option<double?>("--l1-ratio") { Description = "draw only this L1 ratio of a sweep" };
        var command = new Command("plot",
            "Draw plots (PNG and SVG) from saved results. Draws whatever the folder holds:\n" +
            "  alphas.npy + coefs.npy    (path, cv) coefficient paths against log λ, one per target × L1 ratio,\n" +
            "                            with the number of nonzero coefficients on the top axis\n" +
            "  alphas.npy + coef.npy     (example) one coefficient path\n" +
            $"  {CvCommand.CurveFile}                    (cv) cross-validation curve per target × L1 ratio, λ_min and λ_1se marked\n" +
            "  result.json with results (solve, example) histograms of iterations and duality gaps\n\n" +
            "Examples:\n  gpusparse plot --results cv/\n  gpusparse plot --results path/ --l1-ratio 0.5 --out figures/")
        {
            results, output, target, ratio,
        };
        command.SetAction(parse =>
        {
            var (stdout, stderr) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            string folder = parse.GetValue(results)!;
            return Run(folder, parse.GetValue(output) ?? Path.Combine(folder, "plots"), stdout, stderr,
                parse.GetValue(target), parse.GetValue(ratio));
        });
        return command;
    }

    /// <summary>Which panels of a sweep to draw: null draws every one.</summary>
    private sealed record Selection(string? Target, double? L1Ratio)
    {
        public bool Takes(string target, int index, double ratio) =>
            (Target is null || Target == target || Target == index.ToString(CultureInfo.InvariantCulture))
            && (L1Ratio is null || Math.Abs(L1Ratio.Value - ratio) < 1e-12);
    }

    internal static int Run(string results, string output, TextWriter stdout, TextWriter stderr, string? target = null, double? l1Ratio = null) =>
        CommandFailures.Run(stderr, () =>
        {
            if (!Directory.Exists(results))
                throw new InputException(File.Exists(results)
                    ? $"--results {results}: is a file; pass the folder a solve, path, cv or example command wrote"
                    : $"--results {results}: folder not found; pass the folder a solve, path, cv or example command wrote");
            string full = Path.GetFullPath(output);
            if (File.Exists(full))
                throw new InputException($"--out {output}: is a file; pass a folder for the plots");
            var summary = Summary(results);
            var selection = new Selection(target, l1Ratio);
            string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(results)));
            var files = new List<string>();
            if (File.Exists(Path.Combine(results, "coefs.npy")))
                files.AddRange(DrawSweepPaths(results, output, name, summary, selection));
            else if (File.Exists(Path.Combine(results, "alphas.npy")) && File.Exists(Path.Combine(results, "coef.npy")))
                files.AddRange(DrawPath(results, output, name, summary));
            if (File.Exists(Path.Combine(results, CvCommand.CurveFile)))
                files.AddRange(DrawCv(results, output, name, summary, selection));
            if (summary is { } document && document.RootElement.TryGetProperty("results", out _))
                files.AddRange(DrawBatch(results, output, name, document));
            if (files.Count == 0)
                throw new InputException($"--results {results}: nothing to plot; expected alphas.npy with coefs.npy or coef.npy (a path), " +
                    $"{CvCommand.CurveFile} (a cross-validation) or a result.json with per-problem results (a batch)" +
                    (target is not null || l1Ratio is not null ? ", or --target/--l1-ratio match no panel" : ""));
            foreach (var file in files)
                stdout.WriteLine(file);
            return ExitCodes.Success;
        });

    private static JsonDocument? Summary(string results)
    {
        string path = Path.Combine(results, "result.json");
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InputException($"{path}: not a result.json written by gpusparse ({e.Message})", e);
        }
    }

    private static NpyArray Read(string results, string file) => InputFiles.ReadNpy(Path.Combine(results, file), "--results");

    /// <summary>A sweep's paths: alphas (T, R, L) and coefs (T, R, L, p), T and R left out where 1 (result.json says which).</summary>
    private static IEnumerable<string> DrawSweepPaths(string results, string output, string name, JsonDocument? summary, Selection selection)
    {
        var (ratios, targets, features) = SweepAxes(results, summary);
        var alphas = Read(results, "alphas.npy");
        var coefs = Read(results, "coefs.npy");
        int paths = ratios.Length * targets.Length, p = coefs.Shape[^1];
        if (alphas.Length % paths != 0 || coefs.Length != alphas.Length * (long)p || features.Length != p)
            throw new InputException($"{Path.Combine(results, "coefs.npy")}: shape ({string.Join(", ", coefs.Shape)}) does not fit alphas.npy " +
                $"({string.Join(", ", alphas.Shape)}), {targets.Length} target(s), {ratios.Length} L1 ratio(s) and {features.Length} features in result.json");
        int steps = (int)(alphas.Length / paths);
        var lambdas = alphas.ToDouble();
        var beta = coefs.ToDouble();
        var files = new List<string>();
        for (int k = 0; k < paths; k++)
        {
            int t = k / ratios.Length;
            double r = ratios[k % ratios.Length];
            if (!selection.Takes(targets[t], t, r))
                continue;
            string panel = Panel(targets, t, ratios, r);
            files.AddRange(Charts.Save(Charts.CoefficientPath($"{name}: coefficient path{Describe(targets, t, ratios, r)}",
                lambdas[(k * steps)..((k + 1) * steps)], beta[(k * steps * p)..((k + 1) * steps * p)], features), output, "path" + panel));
        }
        return files;
    }

    private static (double[] Ratios, string[] Targets, string[] Features) SweepAxes(string results, JsonDocument? summary)
    {
        if (summary is null || !summary.RootElement.TryGetProperty("l1_ratios", out var ratios)
            || !summary.RootElement.TryGetProperty("target_names", out var targets) || !summary.RootElement.TryGetProperty("features", out var features))
            throw new InputException($"{Path.Combine(results, "result.json")}: missing or not written by gpusparse path/cv (it says how coefs.npy is laid out)");
        return ([.. ratios.EnumerateArray().Select(r => r.GetDouble())], [.. targets.EnumerateArray().Select(t => t.GetString() ?? "")],
            [.. features.EnumerateArray().Select(f => f.GetString() ?? "")]);
    }

    // "_progression_r0.5": the target when there are several, the ratio when there are several.
    private static string Panel(string[] targets, int t, double[] ratios, double r) =>
        (targets.Length > 1 ? "_" + string.Concat(targets[t].Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_')) : "")
        + (ratios.Length > 1 ? "_r" + r.ToString("0.###", CultureInfo.InvariantCulture) : "");

    private static string Describe(string[] targets, int t, double[] ratios, double r)
    {
        var parts = new List<string>();
        if (targets.Length > 1)
            parts.Add($"target {targets[t]}");
        parts.Add(r == 1 ? "Lasso" : $"r = {r:0.###}");
        return " (" + string.Join(", ", parts) + ")";
    }

    /// <summary>One path: alphas (K,) and coef (K, p), as the example writes them.</summary>
    private static string[] DrawPath(string results, string output, string name, JsonDocument? summary)
    {
        var alphas = Read(results, "alphas.npy");
        var coef = Read(results, "coef.npy");
        if (alphas.Shape.Length != 1)
            throw new InputException($"{Path.Combine(results, "alphas.npy")}: a path's λ must have shape (K,), got ({string.Join(", ", alphas.Shape)})");
        if (coef.Shape.Length != 2 || coef.Shape[0] != alphas.Shape[0])
            throw new InputException($"{Path.Combine(results, "coef.npy")}: must have shape (K, p) with K = {alphas.Shape[0]} as in alphas.npy, got ({string.Join(", ", coef.Shape)})");
        int p = coef.Shape[1];
        var names = summary is not null && summary.RootElement.TryGetProperty("features", out var features) && features.GetArrayLength() == p
            ? features.EnumerateArray().Select(f => f.GetString() ?? "").ToArray()
            : [.. Enumerable.Range(0, p).Select(j => $"x{j}")];
        return Charts.Save(Charts.CoefficientPath($"{name}: coefficient path", alphas.ToDouble(), coef.ToDouble(), names), output, "path");
    }

    /// <summary>
    /// Histograms of a batch's iterations and duality gaps. The gap is drawn relative to ‖y − ȳ‖²/n, the scale
    /// <c>--tol</c> bounds and the tables print (gap_tolerance = tol·‖y − ȳ‖²/n), or to the objective when tol is 0.
    /// </summary>
    private static IEnumerable<string> DrawBatch(string results, string output, string name, JsonDocument document)
    {
        string path = Path.Combine(results, "result.json");
        var iterations = new List<double>();
        var gaps = new List<double>();
        bool relativeToNull = true;
        try
        {
            double tol = document.RootElement.TryGetProperty("options", out var options) && options.TryGetProperty("tolerance", out var t)
                ? ResultJson.Number(t) : double.NaN;
            foreach (var problem in document.RootElement.GetProperty("results").EnumerateArray())
            {
                if (problem.GetProperty("status").GetString() is "invalid" or "cancelled")
                    continue;
                iterations.Add(problem.GetProperty("iterations").GetInt32());
                double gap = ResultJson.Number(problem.GetProperty("duality_gap"));
                double scale = problem.TryGetProperty("gap_tolerance", out var g) && tol > 0 ? ResultJson.Number(g) / tol : double.NaN;
                if (!(scale > 0))
                {
                    relativeToNull = false;
                    scale = ResultJson.Number(problem.GetProperty("objective"));
                }
                gaps.Add(scale > 0 ? gap / scale : gap);
            }
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InputException($"{path}: not a result.json written by gpusparse ({e.Message})", e);
        }
        string unit = relativeToNull ? "duality gap / (‖y − ȳ‖²/n)" : "duality gap / objective";
        return Charts.Save(Charts.Histogram($"{name}: iterations per problem ({iterations.Count} problems)", "iterations", iterations, log10: false), output, "iterations")
            .Concat(Charts.Save(Charts.Histogram($"{name}: duality gap per problem ({gaps.Count} problems)", unit, gaps, log10: true), output, "gaps"));
    }

    /// <summary>Cross-validation curves from cv.csv: columns lambda, mse_mean, mse_se, and target, l1_ratio when a sweep had several.</summary>
    private static IEnumerable<string> DrawCv(string results, string output, string name, JsonDocument? summary, Selection selection)
    {
        string path = Path.Combine(results, CvCommand.CurveFile);
        var table = InputFiles.ReadCsv(path, "--results");
        double[] Column(string column) => table.IndexOf(column) >= 0
            ? table.Column(column)
            : throw new InputException($"{path}: no column '{column}'; a CV table needs lambda, mse_mean and mse_se (it has {string.Join(", ", table.Names)})");
        var lambdas = Column("lambda");
        var mean = Column("mse_mean");
        var se = Column("mse_se");
        var targetIndex = table.IndexOf("target") >= 0 ? table.Column("target") : new double[table.Rows];
        var ratio = table.IndexOf("l1_ratio") >= 0 ? table.Column("l1_ratio") : [.. Enumerable.Repeat(1.0, table.Rows)];
        string[] targetNames = summary is not null && summary.RootElement.TryGetProperty("target_names", out var names)
            ? [.. names.EnumerateArray().Select(n => n.GetString() ?? "")] : [];
        var curves = Enumerable.Range(0, table.Rows).GroupBy(i => (Target: (int)targetIndex[i], Ratio: ratio[i])).ToArray();
        var allTargets = curves.Select(c => c.Key.Target).Distinct().Select(t => t < targetNames.Length ? targetNames[t] : t.ToString(CultureInfo.InvariantCulture)).ToArray();
        var allRatios = curves.Select(c => c.Key.Ratio).Distinct().ToArray();
        var files = new List<string>();
        foreach (var curve in curves)
        {
            int t = curve.Key.Target;
            string targetName = t < targetNames.Length ? targetNames[t] : t.ToString(CultureInfo.InvariantCulture);
            if (!selection.Takes(targetName, t, curve.Key.Ratio))
                continue;
            int[] rows = [.. curve];
            double[] l = [.. rows.Select(i => lambdas[i])], m = [.. rows.Select(i => mean[i])], s = [.. rows.Select(i => se[i])];
            var choice = CvChoice.From(l, m, s);
            if (double.IsNaN(choice.LambdaMin))
                continue;
            int position = Array.IndexOf(allTargets, targetName);
            files.AddRange(Charts.Save(Charts.CvCurve($"{name}: cross-validation{Describe(allTargets, position, allRatios, curve.Key.Ratio)}", l, m, s, choice),
                output, "cv" + Panel(allTargets, position, allRatios, curve.Key.Ratio)));
        }
        return files;
    }
}
