using GpuSparse.Backends;
using GpuSparse.Cli;
using GpuSparse.Cli.Commands;
using GpuSparse.IO;
using GpuSparse.Model;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.Cli;

public sealed class SolveCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gpusparse-cli-").FullName;

    private static string Case(string name, string file) => Path.Combine(ReferenceCases.DataRoot, name, file);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SolveWritesTheSameNumbersAsTheLibrary()
    {
        string output = Path.Combine(_folder, "out");
        int exit = Program.Main(["solve", "--x", Case("diabetes", "X.npy"), "--y", Case("diabetes", "y.npy"),
            "--alpha", "0.1", "--l1-ratio", "0.5", "--tol", "1e-10", "--out", output]);
        Assert.Equal(0, exit);

        var data = ReferenceCases.Load("diabetes");
        // --backend defaults to auto: the library's BackendRegistry.Create(Auto) must give the same numbers.
        using var backend = GpuSparse.Backends.BackendRegistry.Create(GpuSparse.Backends.BackendRegistry.Auto);
        var expected = backend.Solve(ProblemBatch<double>.Single(data.X, data.Features, data.Y,
            ProblemSettings.ElasticNet(0.1, 0.5)), new SolverOptions { Tolerance = 1e-10 })[0];
        var coef = NpyReader.Read(Path.Combine(output, "coef.npy"));
        Assert.Equal([1, data.Features], coef.Shape);
        Assert.Equal(expected.Coefficients, coef.ToDouble());
        Assert.Equal([expected.Intercept], NpyReader.Read(Path.Combine(output, "intercept.npy")).ToDouble());
        string json = File.ReadAllText(Path.Combine(output, "result.json"));
        Assert.Contains("\"status\": \"converged\"", json);
        Assert.Contains($"\"iterations\": {expected.Iterations}", json);
    }

    [Fact]
    public void LambdaIsTheAlphaOptionUnderGlmnetsName()
    {
        string[] Args(string option, string folder) => ["solve", "--x", Case("diabetes", "X.npy"), "--y", Case("diabetes", "y.npy"),
            option, "0.3", "--l1-ratio", "0.5", "--out", Path.Combine(_folder, folder)];
        Assert.Equal(0, Program.Main(Args("--alpha", "alpha")));
        Assert.Equal(0, Program.Main(Args("--lambda", "lambda")));
        Assert.Equal(NpyReader.Read(Path.Combine(_folder, "alpha", "coef.npy")).ToDouble(),
            NpyReader.Read(Path.Combine(_folder, "lambda", "coef.npy")).ToDouble());
        // result.json keeps the one name
        Assert.Contains("\"alpha\": 0.3", File.ReadAllText(Path.Combine(_folder, "lambda", "result.json")));
        // one option: giving both is the option given twice
        Assert.Equal(ExitCodes.BadInput, Program.Main([.. Args("--alpha", "both"), "--lambda", "0.2"]));
    }

    [Fact]
    public void PerProblemAlphasAndAStackOfResponsesMakeABatch()
    {
        var data = ReferenceCases.Load("diabetes");
        string y = Path.Combine(_folder, "y.npy"), alpha = Path.Combine(_folder, "alpha.npy"), output = Path.Combine(_folder, "out");
        NpyWriter.Write(y, [.. data.Y, .. data.Y.Select(v => -v)], 2, data.Samples);
        NpyWriter.Write(alpha, [0.1, 1.0], 2);
        int exit = Program.Main(["solve", "--x", Case("diabetes", "X.npy"), "--y", y, "--alpha", alpha, "--precision", "f32", "--out", output]);
        Assert.Equal(0, exit);
        var coef = NpyReader.Read(Path.Combine(output, "coef.npy"));
        Assert.Equal([2, data.Features], coef.Shape);
        Assert.Equal(NpyDataType.Float64, coef.DataType);
    }

    [Fact]
    public void TheIlgpuCpuBackendWritesTheReferenceNumbersBitForBit()
    {
        string[] Args(string backend) => ["solve", "--x", Case("rand_n50_p200_iid", "X.npy"), "--y", Case("rand_n50_p200_iid", "y.npy"),
            "--alpha", "0.05", "--l1-ratio", "0.7", "--backend", backend, "--out", Path.Combine(_folder, backend)];
        Assert.Equal(0, Program.Main(Args("reference")));
        Assert.Equal(0, Program.Main(Args("cpu")));
        Assert.Equal(NpyReader.Read(Path.Combine(_folder, "reference", "coef.npy")).ToDouble(),
            NpyReader.Read(Path.Combine(_folder, "cpu", "coef.npy")).ToDouble());
    }

    [SkippableFact]
    public void AskingForCudaWithoutADeviceIsBadUsageThatSaysWhatToDo()
    {
        Skip.If(GpuSparse.Backends.IlgpuBackend.IsCudaAvailable, "a CUDA device is present");
        var stderr = new StringWriter();
        var request = new SolveCommand.SolveRequest(Case("toy_1d", "X.npy"), Case("toy_1d", "y.npy"), "0.1", "1", true, false, false,
            new SolverOptions(), "f64", Path.Combine(_folder, "out"), Backend: "cuda");
        Assert.Equal(2, SolveCommand.Run(request, new StringWriter(), stderr));
        // what to run instead, said once
        Assert.Equal("error: --backend cuda: no CUDA device is available (ILGPU found no CUDA driver or device); run with "
            + "--backend auto (cd where no device is present) or --backend cd, reference or cpu", stderr.ToString().Trim());
    }

    [Fact]
    public void AMissingFileIsBadInputNamingTheFile()
    {
        var (exit, error) = Run(Path.Combine(_folder, "nope.npy"), Case("diabetes", "y.npy"), "0.1");
        Assert.Equal(2, exit);
        Assert.Contains("nope.npy", error);
        Assert.Contains("not found", error);
    }

    [Fact]
    public void MismatchedSamplesNameBothFiles()
    {
        var (exit, error) = Run(Case("diabetes", "X.npy"), Case("toy_1d", "y.npy"), "0.1");
        Assert.Equal(2, exit);
        Assert.Contains("toy_1d", error);
        Assert.Contains("diabetes", error);
    }

    [Fact]
    public void ABadProblemNamesTheFileTheProblemAndTheFieldAndTheOthersAreSolved()
    {
        var data = ReferenceCases.Load("diabetes");
        var y = data.Y.Concat(data.Y).ToArray();
        y[data.Samples + 5] = double.NaN;
        string yPath = Path.Combine(_folder, "y.npy");
        NpyWriter.Write(yPath, y, 2, data.Samples);
        var (exit, error) = Run(Case("diabetes", "X.npy"), yPath, "0.1");
        Assert.Equal(1, exit);
        Assert.Contains(yPath, error);
        Assert.Contains("problem 1", error);
        Assert.Contains("'y'", error);
        Assert.Contains("y[5]", error);
        var coef = NpyReader.Read(Path.Combine(_folder, "out", "coef.npy")).ToDouble();
        Assert.Contains(coef.Take(data.Features), c => c != 0);
    }

    [Fact]
    public void ANegativeAlphaInAFileIsReportedAgainstTheOptionForItsProblemOnly()
    {
        string alpha = Path.Combine(_folder, "alpha.npy");
        NpyWriter.Write(alpha, [0.1, -1.0], 2);
        var (exit, error) = Run(Case("diabetes", "X.npy"), Case("diabetes", "y.npy"), alpha);
        Assert.Equal(1, exit);
        Assert.Contains($"--alpha {alpha}", error);
        Assert.Contains("problem 1", error);
        Assert.Contains("'lambda'", error);
    }

    private (int Exit, string Error) Run(string x, string y, string alpha)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var request = new SolveCommand.SolveRequest(x, y, alpha, "1", FitIntercept: true, Standardize: false, Positive: false,
            new SolverOptions(), "f64", Path.Combine(_folder, "out"));
        return (SolveCommand.Run(request, stdout, stderr), stderr.ToString());
    }
}
