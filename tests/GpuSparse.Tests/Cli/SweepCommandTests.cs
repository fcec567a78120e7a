using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using GpuSparse.Cli;
using GpuSparse.Cli.Commands;
using GpuSparse.IO;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.Cli;

public sealed class SweepCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gpusparse-sweep-").FullName;

    private static string Data(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Data", .. parts]);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void PathWritesEveryRatiosPathOnTheScikitLearnGrid()
    {
        string output = Path.Combine(_folder, "path");
        int exit = Program.Main(["path", "--x", Data("cases", "diabetes", "X.npy"), "--y", Data("cases", "diabetes", "y.npy"),
            "--l1-ratio", "1,0.5", "--grid", "sklearn", "--tol", "1e-10", "--out", output]);
        Assert.Equal(0, exit);
        // --backend auto (the default) is the cd backend's path engine for sweeps, with or without a GPU.
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "result.json"))))
            Assert.Equal("cd", json.RootElement.GetProperty("backend").GetString());
        Assert.Equal([2, 100, 10], NpyReader.Read(Path.Combine(output, "coefs.npy")).Shape);
        var alphas = NpyReader.Read(Path.Combine(output, "alphas.npy")).ToDouble();
        var reference = NpyReader.Read(Data("cases", "diabetes", "path_alphas.npy")).ToDouble();
        Assert.Equal(reference[0], alphas[0], 1e-12);
        // λ_max of r = 0.5 is twice the Lasso's.
        Assert.Equal(2 * reference[0], alphas[100], 1e-12);
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("cd")]
    public void CvChoosesGlmnetsLambdaMinOnTheSameFoldsAndGrid(string backend)
    {
        string output = Path.Combine(_folder, "cv");
        int exit = Program.Main(["cv", "--x", Data("cases", "diabetes", "X.npy"), "--y", Data("cases", "diabetes", "y.npy"),
            "--fold-ids", Data("sweeps", "diabetes_fold_ids.npy"), "--lambdas", Data("sweeps", "diabetes_lassocv_alphas.npy"),
            "--tol", "1e-12", "--max-iter", "1000000", "--backend", backend, "--out", output]);
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "result.json")));
        Assert.Equal(backend, json.RootElement.GetProperty("backend").GetString());
        var target = json.RootElement.GetProperty("extra").GetProperty("choices")[0];
        using var references = JsonDocument.Parse(File.ReadAllText(Data("sweeps", "references.json")));
        var glmnet = references.RootElement.GetProperty("sets").GetProperty("diabetes").GetProperty("cv_glmnet");
        Assert.Equal(glmnet.GetProperty("lambda_min").GetDouble(), target.GetProperty("lambda_min").GetDouble());
        Assert.Equal(glmnet.GetProperty("lambda_1se").GetDouble(), target.GetProperty("lambda_1se").GetDouble());
        Assert.Equal([100], NpyReader.Read(Path.Combine(output, "cv_mse_mean.npy")).Shape);
        Assert.Equal([5, 100], NpyReader.Read(Path.Combine(output, "cv_fold_mse.npy")).Shape);
        Assert.Equal([10], NpyReader.Read(Path.Combine(output, "coef.npy")).Shape);
    }

    [Fact]
    public void PathOnTheCdAndReferenceBackendsReachesTheSameObjectivesWithinTheirGaps()
    {
        const double tol = 1e-8;
        var x = NpyReader.Read(Data("cases", "diabetes", "X.npy"));
        var y = NpyReader.Read(Data("cases", "diabetes", "y.npy")).ToDouble();
        int n = x.Shape[0], p = x.Shape[1];
        double yMean = y.Average(), nullObjective = y.Sum(v => (v - yMean) * (v - yMean)) / n;
        var (alphas, objectives, gaps) = (new double[2][], new double[2][], new double[2][]);
        foreach (var (backend, b) in new[] { ("reference", 0), ("cd", 1) })
        {
            string output = Path.Combine(_folder, backend);
            Assert.Equal(0, Program.Main(["path", "--x", Data("cases", "diabetes", "X.npy"), "--y", Data("cases", "diabetes", "y.npy"),
                "--grid", "sklearn", "--tol", tol.ToString(CultureInfo.InvariantCulture), "--backend", backend, "--out", output]));
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "result.json")));
            Assert.Equal(backend, json.RootElement.GetProperty("backend").GetString());
            alphas[b] = NpyReader.Read(Path.Combine(output, "alphas.npy")).ToDouble();
            gaps[b] = NpyReader.Read(Path.Combine(output, "gaps.npy")).ToDouble();
            var coefs = NpyReader.Read(Path.Combine(output, "coefs.npy")).ToDouble();
            var intercepts = NpyReader.Read(Path.Combine(output, "intercepts.npy")).ToDouble();
            objectives[b] = [.. alphas[b].Select((alpha, i) =>
                Oracle.Objective(x.ToDouble(), y, n, p, coefs.AsSpan(i * p, p), intercepts[i], alpha, 1.0))];
            // the stopping rule each step certified: gap ≤ tol·‖y − ȳ‖²/n (a gap of ~0 may round below 0)
            Assert.All(gaps[b], gap => Assert.InRange(gap, -1e-12 * nullObjective, tol * nullObjective));
        }
        Assert.Equal(alphas[0], alphas[1]);
        // Both objectives lie within their gaps above the optimum, so they differ by at most the larger gap.
        for (int i = 0; i < alphas[0].Length; i++)
            Assert.InRange(Math.Abs(objectives[0][i] - objectives[1][i]), 0, Math.Max(gaps[0][i], gaps[1][i]) + 1e-12 * objectives[0][i]);
    }

    [SkippableTheory]
    [InlineData("path")]
    [InlineData("cv")]
    public void AskingForCudaWithoutADeviceIsBadInputThatSaysWhatToDo(string command)
    {
        Skip.If(GpuSparse.Backends.IlgpuBackend.IsCudaAvailable, "a CUDA device is present");
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        int exit = CommandLine.Create().Parse([command, "--x", Data("cases", "diabetes", "X.npy"), "--y", Data("cases", "diabetes", "y.npy"),
            "--backend", "cuda", "--out", Path.Combine(_folder, command)]).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        Assert.Equal(2, exit);
        Assert.Contains("--backend cuda", stderr.ToString());
        Assert.Contains("no CUDA device", stderr.ToString());
        Assert.Contains("--backend cd", stderr.ToString());
        Assert.False(Directory.Exists(Path.Combine(_folder, command)));
    }

    [Theory]
    [InlineData("path", "--l1-ratio", "1,2")]
    [InlineData("cv", "--folds", "1")]
    [InlineData("cv", "--fold-ids", "synth_fold_ids.npy")]
    public void BadSweepOptionsAreBadInput(string command, string option, string value)
    {
        string argument = value.EndsWith(".npy", StringComparison.Ordinal) ? Data("sweeps", value) : value;
        Assert.Equal(2, Program.Main([command, "--x", Data("cases", "diabetes", "X.npy"), "--y", Data("cases", "diabetes", "y.npy"),
            option, argument, "--out", Path.Combine(_folder, "bad")]));
    }
}
