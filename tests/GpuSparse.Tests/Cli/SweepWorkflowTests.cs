using System.Text.Json;
using GpuSparse.Cli.Commands;
using GpuSparse.IO;
using SkiaSharp;
using Xunit;
using static GpuSparse.Tests.Cli.CliRunner;

namespace GpuSparse.Tests.Cli;

/// <summary>
/// path, cv and plot as one workflow: CSV input and --target as for solve, the shared options and their scikit-learn
/// aliases, typed outputs, Ctrl-C writing what finished, and plot drawing every result folder.
/// </summary>
public sealed class SweepWorkflowTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gpusparse-workflow-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Folder(string name) => Path.Combine(_folder, name);

    private static JsonElement Json(string folder) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "result.json"))).RootElement;

    [Fact]
    public void PathReadsACsvWithATargetExactlyAsTheNpyFiles()
    {
        var (data, _) = DiabetesCsv(_folder);
        var npy = Run("path", "--x", Diabetes("X.npy"), "--y", Diabetes("y.npy"), "--n-lambda", "20", "--out", Folder("npy"));
        var csv = Run("path", "--x", data, "--target", "progression", "--n-lambda", "20", "--out", Folder("csv"));
        Assert.Equal(0, npy.Exit);
        Assert.Equal(0, csv.Exit);
        Assert.Equal(NpyReader.Read(Path.Combine(Folder("npy"), "coefs.npy")).ToDouble(), NpyReader.Read(Path.Combine(Folder("csv"), "coefs.npy")).ToDouble());
        var json = Json(Folder("csv"));
        Assert.Equal("age", json.GetProperty("features")[0].GetString());
        Assert.Equal("progression", json.GetProperty("target_names")[0].GetString());
    }

    [Fact]
    public void ScikitLearnAliasesMeanWhatTheGlmnetNamesMean()
    {
        string[] data = ["--x", Diabetes("X.npy"), "--y", Diabetes("y.npy")];
        Assert.Equal(0, Run(["path", .. data, "--n-lambda", "12", "--lambda-min-ratio", "0.01", "--no-intercept", "--out", Folder("glmnet")]).Exit);
        Assert.Equal(0, Run(["path", .. data, "--n-alphas", "12", "--eps", "0.01", "--fit-intercept", "false", "--out", Folder("sklearn")]).Exit);
        foreach (string file in new[] { "alphas.npy", "coefs.npy", "intercepts.npy" })
            Assert.Equal(NpyReader.Read(Path.Combine(Folder("glmnet"), file)).ToDouble(), NpyReader.Read(Path.Combine(Folder("sklearn"), file)).ToDouble());
        Assert.Equal([12, 10], NpyReader.Read(Path.Combine(Folder("sklearn"), "coefs.npy")).Shape);
        Assert.All(NpyReader.Read(Path.Combine(Folder("sklearn"), "intercepts.npy")).ToDouble(), b => Assert.Equal(0.0, b));

        Assert.Equal(0, Run(["cv", .. data, "--folds", "3", "--n-lambda", "10", "--out", Folder("folds")]).Exit);
        Assert.Equal(0, Run(["cv", .. data, "--cv", "3", "--n-alphas", "10", "--out", Folder("cv")]).Exit);
        Assert.Equal(NpyReader.Read(Path.Combine(Folder("folds"), "cv_mse_mean.npy")).ToDouble(), NpyReader.Read(Path.Combine(Folder("cv"), "cv_mse_mean.npy")).ToDouble());
    }

    [Fact]
    public void OutputsAreTypedAsAUserReadsThem()
    {
        var y = NpyReader.Read(Diabetes("y.npy")).ToDouble();
        y[3] = double.NaN;
        string bad = Path.Combine(_folder, "y_nan.npy");
        NpyWriter.Write(bad, [.. NpyReader.Read(Diabetes("y.npy")).ToDouble(), .. y], 2, y.Length);
        var solve = Run("solve", "--x", Diabetes("X.npy"), "--y", bad, "--alpha", "0.1", "--l1-ratio", "0.7", "--backend", "cd", "--out", Folder("solve"));
        Assert.Equal(ExitCodes.SomeProblemsFailed, solve.Exit);
        var json = Json(Folder("solve"));
        Assert.Equal("solve", json.GetProperty("command").GetString());
        Assert.Equal("cd", json.GetProperty("algorithm").GetString());
        Assert.Equal(JsonValueKind.True, json.GetProperty("options").GetProperty("fit_intercept").ValueKind);
        var second = json.GetProperty("results")[1];
        Assert.Equal("invalid", second.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("duality_gap").ValueKind);
        Assert.Equal(0.1, second.GetProperty("alpha").GetDouble());
        Assert.Equal(0.7, second.GetProperty("l1_ratio").GetDouble());
        Assert.Equal(1, second.GetProperty("target").GetInt32());
        Assert.DoesNotContain("\"NaN\"", File.ReadAllText(Path.Combine(Folder("solve"), "result.json")));

        Assert.Equal(0, Run("cv", "--x", Diabetes("X.npy"), "--y", Diabetes("y.npy"), "--folds", "3", "--n-lambda", "8", "--grid", "sklearn",
            "--backend", "reference", "--algorithm", "ista", "--out", Folder("cv")).Exit);
        Assert.Equal(NpyDataType.Int32, NpyReader.Read(Path.Combine(Folder("cv"), "iterations.npy")).DataType);
        var folds = NpyReader.Read(Path.Combine(Folder("cv"), "fold_ids.npy"));
        Assert.Equal(NpyDataType.Int32, folds.DataType);
        Assert.Equal([0.0, 1.0, 2.0], folds.ToDouble().Distinct().Order());
        var cv = Json(Folder("cv"));
        Assert.Equal("sklearn", cv.GetProperty("grid").GetString());
        Assert.Equal("ista", cv.GetProperty("algorithm").GetString());
        Assert.Equal("reference", cv.GetProperty("backend").GetString());
        Assert.Equal(JsonValueKind.Number, cv.GetProperty("extra").GetProperty("choices")[0].GetProperty("lambda_min").ValueKind);
    }

    [Theory]
    [InlineData("cd", "cd")]
    [InlineData("reference", "fista")]
    [InlineData("cpu", "cd-gram")]
    public void ResultJsonNamesTheAlgorithmAutoRan(string backend, string ran)
    {
        // auto is the backend's own choice: on a device with p ≤ 64 coordinate descent on G, not FISTA
        var solve = Run("solve", "--x", Diabetes("X.npy"), "--y", Diabetes("y.npy"), "--alpha", "0.5", "--backend", backend,
            "--out", Folder("auto-" + backend));
        Assert.Equal(0, solve.Exit);
        Assert.Equal(ran, Json(Folder("auto-" + backend)).GetProperty("algorithm").GetString());
        Assert.Contains($"({ran})", solve.Stdout);
    }

    [Fact]
    public void PathAndCvTakePositivePrecisionAndFormat()
    {
        string[] data = ["--x", Diabetes("X.npy"), "--y", Diabetes("y.npy"), "--n-lambda", "10"];
        var run = Run(["path", .. data, "--positive", "--precision", "f32", "--format", "json", "--out", Folder("positive")]);
        Assert.Equal(0, run.Exit);
        Assert.All(NpyReader.Read(Path.Combine(Folder("positive"), "coefs.npy")).ToDouble(), c => Assert.True(c >= 0));
        var rows = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.Equal(1, rows.GetArrayLength());
        Assert.Equal(10, rows[0].GetProperty("converged").GetInt32());
        // in the unit --tol bounds (the absolute gap on this y, ‖y − ȳ‖²/n ≈ 5929, would be thousands of times larger)
        Assert.InRange(rows[0].GetProperty("max_rel_gap").GetDouble(), -1e-12, 1e-4);
        Assert.Equal(JsonValueKind.True, Json(Folder("positive")).GetProperty("positive").ValueKind);
        Assert.Equal("f32", Json(Folder("positive")).GetProperty("precision").GetString());

        var csv = Run(["cv", .. data, "--folds", "3", "--format", "csv", "--out", Folder("cv")]);
        Assert.Equal(0, csv.Exit);
        Assert.StartsWith("target,l1_ratio,lambda_min,lambda_1se,mse_min,nonzeros\n0,1,", csv.Stdout.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("path")]
    [InlineData("cv")]
    [InlineData("solve")]
    public void CtrlCWritesWhatFinishedMarksTheRestCancelledAndExits1(string command)
    {
        using var interrupt = new CancellationTokenSource();
        interrupt.Cancel();
        string[] data = ["--x", Diabetes("X.npy"), "--y", Diabetes("y.npy")];
        string[] args = command switch
        {
            "solve" => ["solve", .. data, "--alpha", "0.1"],
            "cv" => ["cv", .. data, "--folds", "3", "--n-lambda", "10"],
            _ => ["path", .. data, "--n-lambda", "10"],
        };
        var (exit, _, stderr) = Run(interrupt.Token, [.. args, "--out", Folder(command)]);
        Assert.Equal(ExitCodes.SomeProblemsFailed, exit);
        Assert.Contains("cancelling: stopping at the next check", stderr);
        Assert.Contains("cancelled:", stderr);
        Assert.Contains("did not finish", stderr);
        var json = Json(Folder(command));
        Assert.Equal(json.GetProperty("problems").GetInt32(), json.GetProperty("cancelled").GetInt32());
        if (command == "solve")
        {
            Assert.Equal("cancelled", json.GetProperty("results")[0].GetProperty("status").GetString());
            Assert.Contains("finished 0 of 1 problems (0 converged, 1 cancelled)", stderr);
            return;
        }
        Assert.All(json.GetProperty("paths")[0].GetProperty("statuses").EnumerateArray(), s => Assert.Equal("cancelled", s.GetString()));
        Assert.All(NpyReader.Read(Path.Combine(Folder(command), "coefs.npy")).ToDouble(), c => Assert.True(double.IsNaN(c)));
        Assert.True(File.Exists(Path.Combine(Folder(command), "alphas.npy")));
        if (command == "cv")
        {
            Assert.Contains("no λ was chosen", stderr);
            Assert.Equal(JsonValueKind.Null, json.GetProperty("extra").GetProperty("choices")[0].GetProperty("lambda_min").ValueKind);
        }
    }

    [Fact]
    public void CtrlCDuringTheExampleWritesEveryFileAndCountsTheCancelledProblems()
    {
        using var interrupt = new CancellationTokenSource();
        interrupt.Cancel();
        var (exit, stdout, stderr) = Run(interrupt.Token, "example", "--problems", "5", "--no-plots", "--format", "json", "--out", Folder("example"));
        Assert.Equal(ExitCodes.SomeProblemsFailed, exit);
        var json = Json(Folder("example"));
        // Problems certified at their first gap check (λ ≥ λ_max: β = 0) finish before the token is looked at.
        int cancelled = json.GetProperty("cancelled").GetInt32();
        Assert.InRange(cancelled, 300, 405);
        Assert.True(File.Exists(Path.Combine(Folder("example"), "generated", "result.json")));
        Assert.Equal(3, JsonDocument.Parse(stdout).RootElement.GetArrayLength());
        Assert.Contains($"cancelled: {cancelled} problem(s) did not finish", stderr);
    }

    [Fact]
    public void PathThenPlotOnCsvDrawsOnePanelPerTargetAndRatio()
    {
        var (data, targets) = DiabetesCsv(_folder);
        string results = Folder("path");
        // X alone as a CSV: the diabetes columns without the response.
        string x = Path.Combine(_folder, "X.csv");
        var table = CsvTable.Read(data);
        CsvTable.Write(x, [.. table.Names.Take(10)], table.ToRowMajor("progression"));
        Assert.Equal(0, Run("path", "--x", x, "--y", targets, "--l1-ratio", "1,0.5", "--n-lambda", "30", "--out", results).Exit);
        Assert.Equal([2, 2, 30, 10], NpyReader.Read(Path.Combine(results, "coefs.npy")).Shape);

        var plot = Run("plot", "--results", results);
        Assert.Equal(0, plot.Exit);
        string[] panels = ["path_progression_r1", "path_progression_r0.5", "path_negated_r1", "path_negated_r0.5"];
        foreach (string panel in panels)
            AssertDrawn(Path.Combine(results, "plots", panel + ".png"));
        // a negated target has the negated path: the panels differ
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(results, "plots", panels[0] + ".png")), File.ReadAllBytes(Path.Combine(results, "plots", panels[2] + ".png")));

        var picked = Run("plot", "--results", results, "--target", "negated", "--l1-ratio", "0.5", "--out", Folder("picked"));
        Assert.Equal(0, picked.Exit);
        Assert.Equal(["path_negated_r0.5.png", "path_negated_r0.5.svg"], Directory.GetFiles(Folder("picked")).Select(Path.GetFileName).Order());
        var none = Run("plot", "--results", results, "--target", "nope", "--out", Folder("none"));
        Assert.Equal(ExitCodes.BadInput, none.Exit);
        Assert.Contains("--target/--l1-ratio match no panel", none.Stderr);
    }

    [Fact]
    public void CvThenPlotOnCsvDrawsTheCurveFileAndThePaths()
    {
        var (data, _) = DiabetesCsv(_folder);
        string results = Folder("cv");
        var cv = Run("cv", "--x", data, "--target", "progression", "--l1-ratio", "1,0.5", "--folds", "4", "--seed", "3", "--n-lambda", "40", "--out", results);
        Assert.Equal(0, cv.Exit);
        var curve = CsvTable.Read(Path.Combine(results, CvCommand.CurveFile));
        Assert.Equal(["target", "l1_ratio", "lambda", "mse_mean", "mse_se"], curve.Names);
        Assert.Equal(80, curve.Rows);
        Assert.Equal(NpyReader.Read(Path.Combine(results, "cv_mse_mean.npy")).ToDouble(), curve.Column("mse_mean"));

        var plot = Run("plot", "--results", results);
        Assert.Equal(0, plot.Exit);
        foreach (string panel in new[] { "cv_r1", "cv_r0.5", "path_r1", "path_r0.5" })
            AssertDrawn(Path.Combine(results, "plots", panel + ".png"));
    }

    [Fact]
    public void PlotDrawsASolveResultAsHistogramsInTheTablesGapUnit()
    {
        string alphas = Path.Combine(_folder, "alphas.npy");
        NpyWriter.Write(alphas, [.. Enumerable.Range(0, 40).Select(i => 0.01 * (i + 1))], 40);
        Assert.Equal(0, Run("solve", "--x", Diabetes("X.npy"), "--y", Diabetes("y.npy"), "--alpha", alphas, "--backend", "reference", "--out", Folder("solve")).Exit);
        var plot = Run("plot", "--results", Folder("solve"));
        Assert.Equal(0, plot.Exit);
        AssertDrawn(Path.Combine(Folder("solve"), "plots", "iterations.png"));
        AssertDrawn(Path.Combine(Folder("solve"), "plots", "gaps.png"));
        Assert.Contains("duality gap / (‖y − ȳ‖²/n)", File.ReadAllText(Path.Combine(Folder("solve"), "plots", "gaps.svg")));
    }

    /// <summary>A real chart: the full size, and ink well beyond an empty frame (lines, labels, legend).</summary>
    private static void AssertDrawn(string png)
    {
        Assert.True(File.Exists(png), png);
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal(GpuSparse.Cli.Plots.Charts.Width, bitmap.Width);
        int colored = 0;
        for (int y = 0; y < bitmap.Height; y += 2)
            for (int x = 0; x < bitmap.Width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                // saturated pixels are drawn data (lines, bars, markers), not the grey frame or black text
                if (Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue)) > 60)
                    colored++;
            }
        Assert.True(colored > 300, $"{png}: only {colored} coloured pixels sampled");
    }
}
