using System.Text.Json;
using GpuSparse.Cli;
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
        Assert.Equal([2, 100, 10], NpyReader.Read(Path.Combine(output, "coefs.npy")).Shape);
        var alphas = NpyReader.Read(Path.Combine(output, "alphas.npy")).ToDouble();
        var reference = NpyReader.Read(Data("cases", "diabetes", "path_alphas.npy")).ToDouble();
        Assert.Equal(reference[0], alphas[0], 1e-12);
        // λ_max of r = 0.5 is twice the Lasso's.
        Assert.Equal(2 * reference[0], alphas[100], 1e-12);
    }

    [Fact]
    public void CvChoosesGlmnetsLambdaMinOnTheSameFoldsAndGrid()
    {
        string output = Path.Combine(_folder, "cv");
        int exit = Program.Main(["cv", "--x", Data("cases", "diabetes", "X.npy"), "--y", Data("cases", "diabetes", "y.npy"),
            "--fold-ids", Data("sweeps", "diabetes_fold_ids.npy"), "--lambdas", Data("sweeps", "diabetes_lassocv_alphas.npy"),
            "--tol", "1e-12", "--max-iter", "1000000", "--out", output]);
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "result.json")));
        var target = json.RootElement.GetProperty("summary").GetProperty("targets")[0];
        using var references = JsonDocument.Parse(File.ReadAllText(Data("sweeps", "references.json")));
        var glmnet = references.RootElement.GetProperty("sets").GetProperty("diabetes").GetProperty("cv_glmnet");
        Assert.Equal(glmnet.GetProperty("lambda_min").GetDouble(), target.GetProperty("lambda_min").GetDouble());
        Assert.Equal(glmnet.GetProperty("lambda_1se").GetDouble(), target.GetProperty("lambda_1se").GetDouble());
        Assert.Equal([100], NpyReader.Read(Path.Combine(output, "cv_mse_mean.npy")).Shape);
        Assert.Equal([5, 100], NpyReader.Read(Path.Combine(output, "cv_fold_mse.npy")).Shape);
        Assert.Equal([10], NpyReader.Read(Path.Combine(output, "coef.npy")).Shape);
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
