using System.Text.Json;
using GpuSparse.Cli.Output;
using GpuSparse.IO;
using GpuSparse.Model;
using Xunit;

namespace GpuSparse.Tests.Cli;

/// <summary>The result files as written field by field and block by block are the text the general writers give.</summary>
public sealed class ResultWriterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gpusparse-results-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void ResultJsonIsTheTextOfTheSerializer()
    {
        ProblemResult[] problems =
        [
            new() { Coefficients = [0.5, -0.0], Intercept = 1.25, DualityGap = 3.1e-11, GapTolerance = 1e-6, Objective = 0.75, Iterations = 12 },
            new() { Coefficients = [double.NaN, double.NaN], Intercept = double.NaN, DualityGap = double.NaN, GapTolerance = double.NaN,
                Objective = double.PositiveInfinity, Status = ProblemStatus.Invalid, Field = "X", Message = "X[3, 1] is NaN (λ ≥ 0, \"quoted\")" },
            new() { Coefficients = [1e-300, 2], Intercept = -7, DualityGap = 0.5, GapTolerance = 0.1, Objective = 9, Iterations = 100,
                Status = ProblemStatus.MaxIterations, Message = "hit --max-iter" },
            new() { Coefficients = [0, 0], Status = ProblemStatus.Cancelled },
            new() { Coefficients = [0, 0], Status = ProblemStatus.Diverged, Field = "lambda", Message = "diverged" },
        ];
        double[] alphas = [0.1, 0.2, double.NaN, 1e-7, 3];
        double[] ratios = [1, 0.5, 0, 1, 1];
        int[] targets = [0, 1, 2, 0, 1];
        string[] features = ["age", "b,mi"];
        foreach (var (options, targetNames, first) in new (object, string[]?, int)[]
        {
            (new BatchOptions(1e-6, 10000, true, false, true), ["y", "ÿ"], 0),
            (new BatchOptions(1e-4, 100, FitIntercept: true), null, 4),
            (JsonDocument.Parse("""{"tolerance": 1E-05, "max_iterations": 7, "fit_intercept": false}""").RootElement, null, 0),
        })
        {
            var description = new BatchDescription("solve", "cd", "f64", alphas, ratios, targets, options, features, targetNames, first);
            ResultWriter.Write(_folder, new BatchResult(problems, "cd", TimeSpan.FromSeconds(0.1234567)), 2, description);
            string expected = JsonSerializer.Serialize(new
            {
                Command = "solve",
                ResultJson.Tool,
                Backend = "cd",
                Algorithm = "cd",
                Precision = "f64",
                ElapsedSeconds = 0.1234567,
                Problems = 5,
                Converged = 1,
                MaxIterations = 1,
                Invalid = 1,
                Diverged = 1,
                Cancelled = 1,
                Options = options,
                Features = features,
                Targets = targetNames,
                Results = problems.Select((r, k) => new
                {
                    Index = first + k,
                    r.Status,
                    Alpha = alphas[k],
                    L1Ratio = ratios[k],
                    Target = targets[k],
                    r.DualityGap,
                    r.GapTolerance,
                    r.Objective,
                    r.Iterations,
                    r.Field,
                    r.Message,
                }),
            }, ResultJson.Options);
            Assert.Equal(expected, File.ReadAllText(Path.Combine(_folder, "result.json")));
        }
        // The other files: every problem's coefficients and intercept, in order.
        Assert.Equal([0.5, -0.0, double.NaN, double.NaN, 1e-300, 2, 0, 0, 0, 0], NpyReader.Read(Path.Combine(_folder, "coef.npy")).ToDouble());
        Assert.Equal([1.25, double.NaN, -7, 0, 0], NpyReader.Read(Path.Combine(_folder, "intercept.npy")).ToDouble());
        Assert.Equal("intercept,age,\"b,mi\"\n1.25,0.5,-0\nnan,nan,nan\n-7,1E-300,2\n0,0,0\n0,0,0\n", File.ReadAllText(Path.Combine(_folder, "coef.csv")));
    }
}
