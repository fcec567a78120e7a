using System.CommandLine;
using System.Text.Json;
using GpuSparse.Cli.Input;
using GpuSparse.Cli.Plots;
using GpuSparse.IO;

namespace GpuSparse.Cli.Commands;

/// <summary>
/// <c>plot</c>: draws PNG and SVG plots from saved results — a λ path (<c>alphas.npy</c> + <c>coef.npy</c>), a
/// batch (<c>result.json</c>: iterations and gaps), a cross-validation curve (<c>cv.csv</c>: lambda, mse_mean, mse_se).
/// </summary>
internal static class PlotCommand
{
    public const string CvFile = "cv.csv";

    public static Command Create()
    {
        var results = new Option<string>("--results") { Description = "folder written by solve, example, path or cv", Required = true };
        var output = new Option<string>("--out") { Description = "folder for the plots (default: <results>/plots)" };
        var command = new Command("plot",
            "Draw plots (PNG and SVG) from saved results. Draws whatever the folder holds:\n" +
            "  alphas.npy + coef.npy   coefficient path against log λ (names from coef.csv when present)\n" +
            "  result.json             histograms of iterations and duality gaps of a batch\n" +
            $"  {CvFile}                  cross-validation curve: columns lambda, mse_mean, mse_se\n\n" +
            "Examples:\n  gpusparse plot --results out/example/diabetes/lasso\n  gpusparse plot --results out/batch --out figures/")
        {
            results, output,
        };
        command.SetAction(parse =>
        {
            string folder = parse.GetValue(results)!;
            return Run(folder, parse.GetValue(output) ?? Path.Combine(folder, "plots"), Console.Out, Console.Error);
        });
        return command;
    }

    internal static int Run(string results, string output, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            if (!Directory.Exists(results))
                throw new InputException($"{results}: folder not found; pass the folder a solve, example, path or cv command wrote");
            var files = new List<string>();
            string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(results)));
            if (File.Exists(Path.Combine(results, "alphas.npy")) && File.Exists(Path.Combine(results, "coef.npy")))
                files.AddRange(DrawPath(results, output, name));
            if (File.Exists(Path.Combine(results, "result.json")))
                files.AddRange(DrawBatch(results, output, name));
            if (File.Exists(Path.Combine(results, CvFile)))
                files.AddRange(DrawCv(results, output, name));
            if (files.Count == 0)
                throw new InputException($"{results}: nothing to plot; expected alphas.npy and coef.npy (a path), result.json (a batch) " +
                    $"or {CvFile} (columns lambda, mse_mean, mse_se)");
            foreach (var file in files)
                stdout.WriteLine(file);
            return ExitCodes.Success;
        }
        catch (InputException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // NpyFormatException and CsvFormatException already name the file, line and column.
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
    }

    private static string[] DrawPath(string results, string output, string name)
    {
        string alphaPath = Path.Combine(results, "alphas.npy"), coefPath = Path.Combine(results, "coef.npy");
        var alphas = NpyReader.Read(alphaPath);
        var coef = NpyReader.Read(coefPath);
        if (alphas.Shape.Length != 1)
            throw new InputException($"{alphaPath}: a path's λ must have shape (K,), got ({string.Join(", ", alphas.Shape)})");
        if (coef.Shape.Length != 2 || coef.Shape[0] != alphas.Shape[0])
            throw new InputException($"{coefPath}: must have shape (K, p) with K = {alphas.Shape[0]} as in alphas.npy, got ({string.Join(", ", coef.Shape)})");
        var lambdas = alphas.ToDouble();
        if (lambdas.Any(l => !(l > 0) || double.IsInfinity(l)))
            throw new InputException($"{alphaPath}: every λ must be finite and > 0 to be drawn on a log axis");
        int p = coef.Shape[1];
        var names = FeatureNames(results, p);
        return Charts.Save(Charts.CoefficientPath($"{name}: coefficient path", lambdas, coef.ToDouble(), names), output, "path");
    }

    private static string[] FeatureNames(string results, int p)
    {
        string csv = Path.Combine(results, "coef.csv");
        if (File.Exists(csv))
        {
            var header = File.ReadLines(csv).FirstOrDefault()?.Split(',');
            if (header is { Length: > 0 } && header.Length == p + 1)
                return header[1..];
        }
        return [.. Enumerable.Range(0, p).Select(j => $"x{j}")];
    }

    private static IEnumerable<string> DrawBatch(string results, string output, string name)
    {
        string path = Path.Combine(results, "result.json");
        var iterations = new List<double>();
        var gaps = new List<double>();
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            foreach (var problem in document.RootElement.GetProperty("results").EnumerateArray())
            {
                if (problem.GetProperty("status").GetString() == "invalid")
                    continue;
                iterations.Add(problem.GetProperty("iterations").GetInt32());
                double gap = Number(problem.GetProperty("duality_gap")), objective = Number(problem.GetProperty("objective"));
                gaps.Add(objective > 0 ? gap / objective : gap);
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InputException($"{path}: not a result.json written by gpusparse ({e.Message})", e);
        }
        return Charts.Save(Charts.Histogram($"{name}: iterations per problem ({iterations.Count} problems)", "iterations", iterations, log10: false), output, "iterations")
            .Concat(Charts.Save(Charts.Histogram($"{name}: duality gap per problem", "duality gap / objective", gaps, log10: true), output, "gaps"));
    }

    private static double Number(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? double.Parse(element.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : element.GetDouble();

    private static string[] DrawCv(string results, string output, string name)
    {
        string path = Path.Combine(results, CvFile);
        var table = CsvTable.Read(path);
        double[] Column(string column) => table.IndexOf(column) >= 0
            ? table.Column(column)
            : throw new InputException($"{path}: no column '{column}'; a CV table needs lambda, mse_mean and mse_se (it has {string.Join(", ", table.Names)})");
        var lambdas = Column("lambda");
        var mean = Column("mse_mean");
        var se = Column("mse_se");
        return Charts.Save(Charts.CvCurve($"{name}: cross-validation", lambdas, mean, se, CvChoice.From(lambdas, mean, se)), output, "cv");
    }
}
