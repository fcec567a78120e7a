using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GpuSparse.Cli.Commands;
using GpuSparse.Cli.Output;
using GpuSparse.IO;
using GpuSparse.Model;
using GpuSparse.Tests.IO;
using Xunit;

namespace GpuSparse.Tests.Cli;

/// <summary>example, info, plot and CSV solves, run as a user runs them (small sizes).</summary>
public sealed class CommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gpusparse-commands-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// Asserts <paramref name="actual"/> equals the golden file; with GPUSPARSE_UPDATE_GOLDEN=1 rewrites the
    /// file in the source tree instead (review the diff before committing it).
    /// </summary>
    private static void AssertGolden(string file, string actual, [CallerFilePath] string source = "")
    {
        if (Environment.GetEnvironmentVariable("GPUSPARSE_UPDATE_GOLDEN") == "1")
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(source)!, "Golden", file), actual);
        Assert.Equal(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cli", "Golden", file)).ReplaceLineEndings("\n"), actual);
    }

    [Fact]
    public void ExamplePrintsTheGoldenSummaryAndWritesResultsAndPlots()
    {
        string output = Path.Combine(_folder, "example");
        var (exit, stdout, stderr) = Example(output, OutputFormat.Json, plots: true);
        Assert.True(exit == 0, stderr);
        AssertGolden("example.json", MaskJson(stdout));
        Assert.Equal(MaskJson(stdout), MaskJson(File.ReadAllText(Path.Combine(output, "summary.json"))));
        foreach (var file in new[] { "diabetes/lasso/coef.npy", "diabetes/lasso/alphas.npy", "diabetes/enet_r0.5/coef.csv",
                     "diabetes/holdout_mse.csv", "generated/result.json", "plots/path_lasso.png", "plots/convergence_gap.svg",
                     "plots/generated_gaps.png", "plots/holdout_lasso.png" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        Assert.Equal([100, 10], NpyReader.Read(Path.Combine(output, "diabetes/lasso/coef.npy")).Shape);
        Assert.Contains("generating 20 problems: 20 of 20 problems finished in ", stderr);
        Assert.Contains("generated 20 × (64 × 32): finished 20 of 20 problems (20 converged)", stderr);
    }

    [Fact]
    public void ExampleTableMatchesTheGoldenOneWithTimesMasked()
    {
        var (exit, stdout, _) = Example(Path.Combine(_folder, "table"), OutputFormat.Table, plots: false);
        Assert.Equal(0, exit);
        string masked = string.Join("\n", stdout.ReplaceLineEndings("\n").Split('\n')
            .Select(line => Regex.Replace(line, @"reference\s+\S+\s+\S+", "reference <time> <rate>"))
            .Select(line => Regex.Replace(line, @"-+(\s+-+)+", "<rule>"))
            .Select(line => Regex.Replace(line, @"\s{2,}", "  "))
            .Where(line => !line.StartsWith("results and plots in", StringComparison.Ordinal)));
        AssertGolden("example.txt", masked);
    }

    [Fact]
    public void InfoListsTheReferenceBackendInEveryFormat()
    {
        var json = new StringWriter();
        Assert.Equal(0, InfoCommand.Run(OutputFormat.Json, json));
        var rows = JsonNode.Parse(json.ToString())!.AsArray();
        Assert.Contains(rows, r => (string?)r!["backend"] == "reference" && (string?)r["precisions"] == "f32, f64" && (bool?)r["available"] == true);
        var csv = new StringWriter();
        InfoCommand.Run(OutputFormat.Csv, csv);
        Assert.StartsWith("backend,device,precisions,available,note\nreference,", csv.ToString().ReplaceLineEndings("\n"));
        var table = new StringWriter();
        InfoCommand.Run(OutputFormat.Table, table);
        Assert.Contains(".NET", table.ToString());
    }

    [Fact]
    public void PlotDrawsAPathABatchAndACvCurveFromSavedFiles()
    {
        string results = Path.Combine(_folder, "saved");
        Directory.CreateDirectory(results);
        NpyWriter.Write(Path.Combine(results, "alphas.npy"), [1.0, 0.1, 0.01], 3);
        NpyWriter.Write(Path.Combine(results, "coef.npy"), [0, 0, 0.5, 0, 0.9, -0.2], 3, 2);
        File.WriteAllText(Path.Combine(results, "result.json"),
            """{"results": [{"status": "converged", "iterations": 12, "duality_gap": 1e-9, "objective": 0.5}, {"status": "invalid", "iterations": 0, "duality_gap": "NaN", "objective": "NaN"}]}""");
        CsvTable.Write(Path.Combine(results, "cv.csv"), ["lambda", "mse_mean", "mse_se"], [1, 4, 0.5, 0.1, 2, 0.2, 0.01, 2.1, 0.3]);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(0, PlotCommand.Run(results, Path.Combine(_folder, "plots"), stdout, stderr));
        foreach (var name in new[] { "path", "iterations", "gaps", "cv" })
            foreach (var extension in new[] { ".png", ".svg" })
                Assert.True(File.Exists(Path.Combine(_folder, "plots", name + extension)), name + extension);
    }

    [Fact]
    public void PlotRejectsBadFilesNamingThem()
    {
        string results = Path.Combine(_folder, "bad");
        Directory.CreateDirectory(results);
        var (exit, error) = Plot(results);
        Assert.Equal(2, exit);
        Assert.Contains("nothing to plot", error);

        File.WriteAllText(Path.Combine(results, "alphas.npy"), "not numpy");
        File.WriteAllText(Path.Combine(results, "coef.npy"), "not numpy");
        (exit, error) = Plot(results);
        Assert.Equal(2, exit);
        Assert.Contains(Path.Combine(results, "alphas.npy"), error);

        File.Delete(Path.Combine(results, "alphas.npy"));
        File.WriteAllText(Path.Combine(results, "cv.csv"), "lambda,mse_mean\n1,2\n");
        (exit, error) = Plot(results);
        Assert.Equal(2, exit);
        Assert.Contains("no column 'mse_se'", error);
    }

    [Theory]
    [InlineData("data_pandas.csv", null, "target")]
    [InlineData("data_r.csv", null, "target")]
    [InlineData("X_savetxt.csv", "y_pandas.csv", null)]
    [InlineData("X.npy", "y_pandas.csv", null)]
    public void CsvInputSolvesExactlyAsTheNumpyFilesDo(string x, string? y, string? target)
    {
        var expected = Solve("X.npy", "y.npy", null, "npy");
        var actual = Solve(x, y, target, "csv");
        Assert.Equal(0, expected.Exit);
        Assert.Equal(0, actual.Exit);
        Assert.Equal(NpyReader.Read(Path.Combine(expected.Output, "coef.npy")).ToDouble(), NpyReader.Read(Path.Combine(actual.Output, "coef.npy")).ToDouble());
        var coef = CsvTable.Read(Path.Combine(actual.Output, "coef.csv"));
        Assert.Equal(x.EndsWith(".csv") ? ["intercept", "age", "bmi", "bp"] : new[] { "intercept", "x0", "x1", "x2" }, coef.Names);
        Assert.Equal(NpyReader.Read(Path.Combine(actual.Output, "intercept.npy")).ToDouble(), coef.Column("intercept"));
    }

    [Theory]
    [InlineData("bad_text.csv", "target", "line 3, column 2")]
    [InlineData("bad_ragged.csv", "target", "line 3")]
    [InlineData("bad_missing.csv", "target", "is missing")]
    [InlineData("data_pandas.csv", "nope", "no column named 'nope'")]
    [InlineData("X.npy", "target", "--target names a column of a CSV file")]
    public void BadCsvInputIsExitCode2NamingTheFileAndTheProblem(string x, string target, string problem)
    {
        var (exit, _, error) = Solve(x, null, target, "bad");
        Assert.Equal(2, exit);
        Assert.Contains(CsvTableTests.Fixture(x), error);
        Assert.Contains(problem, error);
    }

    private (int Exit, string Stdout, string Stderr) Example(string output, OutputFormat format, bool plots)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = ExampleCommand.Run(output, "reference", format, new SolverOptions(), problems: 20, plots, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private (int Exit, string Error) Plot(string results)
    {
        var stderr = new StringWriter();
        return (PlotCommand.Run(results, Path.Combine(results, "plots"), new StringWriter(), stderr), stderr.ToString());
    }

    private (int Exit, string Output, string Error) Solve(string x, string? y, string? target, string name)
    {
        string output = Path.Combine(_folder, name + Guid.NewGuid().ToString("N"));
        var stderr = new StringWriter();
        var request = new SolveCommand.SolveRequest(CsvTableTests.Fixture(x), y is null ? null : CsvTableTests.Fixture(y), "0.01", "1",
            FitIntercept: true, Standardize: false, Positive: false, new SolverOptions { Tolerance = 1e-10 }, "f64", output, target, "reference");
        return (SolveCommand.Run(request, new StringWriter(), stderr), output, stderr.ToString());
    }

    /// <summary>Times and rates vary from run to run; gaps are kept to two significant digits.</summary>
    private static string MaskJson(string json)
    {
        var rows = JsonNode.Parse(json)!.AsArray();
        foreach (var row in rows)
        {
            row!["time_s"] = "*";
            row["problems_s"] = "*";
            row["worst_rel_gap"] = row["worst_rel_gap"]!.GetValue<double>().ToString("0.0E+00", CultureInfo.InvariantCulture);
        }
        return rows.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).ReplaceLineEndings("\n") + "\n";
    }
}
