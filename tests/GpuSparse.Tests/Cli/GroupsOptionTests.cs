using GpuSparse.Backends;
using GpuSparse.Cli;
using GpuSparse.Cli.Commands;
using GpuSparse.IO;
using GpuSparse.Model;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.Cli;

/// <summary><c>solve --groups groups.npy</c>: the group Lasso from the command line, and its bad inputs.</summary>
public sealed class GroupsOptionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gpusparse-groups-").FullName;

    private static string Case(string file) => Path.Combine(ReferenceCases.DataRoot, "diabetes", file);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SolveWithGroupsWritesTheLibrarysGroupLasso()
    {
        var data = ReferenceCases.Load("diabetes");
        // diabetes' 10 features in 4 groups, one scattered (labels need not be contiguous)
        int[] labels = [0, 0, 1, 1, 1, 2, 2, 2, 3, 0];
        string groups = Path.Combine(_folder, "groups.npy"), output = Path.Combine(_folder, "out");
        NpyWriter.Write(groups, labels, labels.Length);
        int exit = Program.Main(["solve", "--x", Case("X.npy"), "--y", Case("y.npy"), "--alpha", "0.05", "--groups", groups,
            "--backend", "reference", "--tol", "1e-10", "--out", output]);
        Assert.Equal(0, exit);
        using var backend = new ReferenceBackend();
        var expected = backend.Solve(ProblemBatch<double>.Single(data.X, data.Features, data.Y,
            new ProblemSettings { Lambda = 0.05, Groups = labels }), new SolverOptions { Tolerance = 1e-10 })[0];
        Assert.Equal(ProblemStatus.Converged, expected.Status);
        Assert.Equal(expected.Coefficients, NpyReader.Read(Path.Combine(output, "coef.npy")).ToDouble());
        // a group is in or out as a whole
        foreach (int label in labels.Distinct())
        {
            var members = Enumerable.Range(0, labels.Length).Where(j => labels[j] == label).Select(j => expected.Coefficients[j]).ToArray();
            Assert.True(members.All(b => b == 0) || members.All(b => b != 0), $"group {label}: {string.Join(", ", members)}");
        }
    }

    [Fact]
    public void GroupsOfTheWrongLengthOrTypeAreBadInputNamingTheOption()
    {
        string wrongLength = Path.Combine(_folder, "short.npy"), floats = Path.Combine(_folder, "floats.npy");
        NpyWriter.Write(wrongLength, [0, 1, 2], 3);
        NpyWriter.Write(floats, new double[10], 10);
        foreach (var (path, says) in new[] { (wrongLength, "shape (3)"), (floats, "must be integers") })
        {
            var stderr = new StringWriter();
            int exit = CommandLine.Run(["solve", "--x", Case("X.npy"), "--y", Case("y.npy"), "--alpha", "0.05", "--groups", path,
                "--out", Path.Combine(_folder, "bad")], new StringWriter(), stderr);
            Assert.Equal(2, exit);
            Assert.Contains("--groups", stderr.ToString());
            Assert.Contains(says, stderr.ToString());
        }
    }

    [Fact]
    public void GroupWeightsFromNpyOrCsvAreTheLibrarysGroupWeights()
    {
        var data = ReferenceCases.Load("diabetes");
        int[] labels = [3, 3, 1, 1, 1, 2, 2, 2, 0, 3];
        // ascending label order: groups 0, 1, 2, 3; group 2 unpenalised
        double[] weights = [0.5, 2.0, 0.0, 1.25];
        string groups = Path.Combine(_folder, "groups.npy"), npy = Path.Combine(_folder, "w.npy"), csv = Path.Combine(_folder, "w.csv");
        NpyWriter.Write(groups, labels, labels.Length);
        NpyWriter.Write(npy, weights, weights.Length);
        CsvTable.Write(csv, ["weight"], weights);
        using var backend = new ReferenceBackend();
        var expected = backend.Solve(ProblemBatch<double>.Single(data.X, data.Features, data.Y,
            new ProblemSettings { Lambda = 0.05, Groups = labels, GroupWeights = weights }), new SolverOptions { Tolerance = 1e-10 })[0];
        Assert.Equal(ProblemStatus.Converged, expected.Status);
        Assert.All(new[] { 5, 6, 7 }, j => Assert.NotEqual(0.0, expected.Coefficients[j]));
        foreach (string file in new[] { npy, csv })
        {
            string output = Path.Combine(_folder, Path.GetFileName(file) + ".out");
            int exit = Program.Main(["solve", "--x", Case("X.npy"), "--y", Case("y.npy"), "--alpha", "0.05", "--groups", groups,
                "--group-weights", file, "--backend", "reference", "--tol", "1e-10", "--out", output]);
            Assert.Equal(0, exit);
            Assert.Equal(expected.Coefficients, NpyReader.Read(Path.Combine(output, "coef.npy")).ToDouble());
        }
    }

    [Fact]
    public void BadGroupWeightsAreBadInputNamingTheOptionAndIndex()
    {
        int[] labels = [0, 0, 1, 1, 1, 2, 2, 2, 3, 0];
        string groups = Path.Combine(_folder, "groups.npy"), shortFile = Path.Combine(_folder, "short.npy"),
            negative = Path.Combine(_folder, "negative.csv"), wide = Path.Combine(_folder, "wide.csv");
        NpyWriter.Write(groups, labels, labels.Length);
        NpyWriter.Write(shortFile, new[] { 1.0, 1.0, 1.0 }, 3);
        CsvTable.Write(negative, ["weight"], [1.0, -2.0, 1.0, 1.0]);
        CsvTable.Write(wide, ["a", "b"], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]);
        foreach (var (arguments, says) in new (string[], string)[]
        {
            (["--groups", groups, "--group-weights", shortFile], "3 weights but the --groups labels name 4 groups"),
            (["--groups", groups, "--group-weights", negative], "weight [1] (group 1) is -2"),
            (["--groups", groups, "--group-weights", wide], "2 columns"),
            (["--group-weights", shortFile], "needs --groups"),
        })
        {
            var stderr = new StringWriter();
            int exit = CommandLine.Run(["solve", "--x", Case("X.npy"), "--y", Case("y.npy"), "--alpha", "0.05", .. arguments,
                "--out", Path.Combine(_folder, "bad")], new StringWriter(), stderr);
            Assert.Equal(2, exit);
            Assert.Contains("--group-weights", stderr.ToString());
            Assert.Contains(says, stderr.ToString());
            Assert.DoesNotContain("   at ", stderr.ToString());
        }
    }
}
