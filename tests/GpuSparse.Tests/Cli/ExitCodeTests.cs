using GpuSparse.Cli.Commands;
using GpuSparse.IO;
using Xunit;
using static GpuSparse.Tests.Cli.CliRunner;

namespace GpuSparse.Tests.Cli;

/// <summary>
/// The exit-code contract (0 solved, 1 some problems invalid, diverged or cancelled, 2 bad usage or input) and the
/// one-line messages of bad usage: each case as a user types it, through the real parser.
/// </summary>
public sealed class ExitCodeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gpusparse-exit-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Out => Path.Combine(_folder, "out");

    private string[] Solve(params string[] extra) =>
        ["solve", "--x", Diabetes("X.npy"), "--y", Diabetes("y.npy"), "--out", Out, .. extra];

    private void AssertBadUsage((int Exit, string Stdout, string Stderr) run, params string[] fragments)
    {
        Assert.Equal(ExitCodes.BadInput, run.Exit);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"one line expected, got:\n{run.Stderr}");
        Assert.StartsWith("error: ", lines[0]);
        foreach (string fragment in fragments)
            Assert.Contains(fragment, lines[0]);
        // No help dump, no .NET parameter names, no stack trace, and nothing solved or written.
        Assert.DoesNotContain("Usage:", run.Stderr + run.Stdout);
        Assert.DoesNotContain("(Parameter", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
        Assert.False(Directory.Exists(Out), "the output folder was created");
        Assert.Empty(Directory.GetDirectories(_folder, ".*"));
    }

    [Fact]
    public void AnUnknownOptionIsOneLineWithTheNearestName() =>
        AssertBadUsage(Run([.. Solve("--alpah", "0.1")]), "'--alpah'", "did you mean '--alpha'?");

    [Fact]
    public void TheRootHelpNamesEveryExitCode()
    {
        var (exit, stdout, _) = Run("--help");
        Assert.Equal(ExitCodes.Success, exit);
        foreach (int code in new[] { ExitCodes.Success, ExitCodes.SomeProblemsFailed, ExitCodes.BadInput, ExitCodes.InternalError })
            Assert.Matches($@"Exit codes:.*\b{code} [a-z]", stdout);
    }

    [Fact]
    public void NoCommandListsTheCommands() => AssertBadUsage(Run(), "no command given", "solve", "path", "cv", "plot");

    [Fact]
    public void AMisspelledCommandSuggestsTheCommand() => AssertBadUsage(Run("solv"), "unknown command 'solv'", "did you mean 'solve'?");

    [Fact]
    public void AValueOutsideAChoiceNamesTheOptionAndTheChoices() =>
        AssertBadUsage(Run(Solve("--alpha", "0.1", "--precision", "f16")), "--precision", "'f16'", "f64, f32");

    [Fact]
    public void AnAlgorithmTheBackendDoesNotRunIsBadUsageNamingBoth() =>
        AssertBadUsage(Run(Solve("--alpha", "0.1", "--backend", "cpu", "--algorithm", "cd-residual")),
            "ResidualCoordinateDescent", "cpu", "--algorithm");

    [Fact]
    public void AMissingRequiredOptionIsNamed() =>
        AssertBadUsage(Run("solve", "--x", Diabetes("X.npy"), "--y", Diabetes("y.npy"), "--out", Out), "--alpha", "required");

    [Fact]
    public void AnUnparsableNumberNamesTheOption() =>
        AssertBadUsage(Run(Solve("--alpha", "0.1", "--max-iter", "abc")), "--max-iter", "'abc'", "whole number");

    [Theory]
    [InlineData("--l1-ratio", "2", "--alpha", "0.1", "--l1-ratio 2", "[0, 1]")]
    [InlineData("--alpha", "-1", "--tol", "1e-4", "--alpha -1", "≥ 0")]
    [InlineData("--alpha", "nan", "--tol", "1e-4", "--alpha nan", "finite")]
    [InlineData("--alpha", "inf", "--tol", "1e-4", "--alpha inf", "finite")]
    [InlineData("--max-iter", "0", "--alpha", "0.1", "--max-iter 0", "at least 1")]
    [InlineData("--tol", "-1", "--alpha", "0.1", "--tol -1", "≥ 0")]
    [InlineData("--alpha", "abc", "--tol", "1e-4", "--alpha abc", "neither a number nor a readable file")]
    [InlineData("--l1-ratio", "abc", "--alpha", "0.1", "--l1-ratio abc", "neither a number nor a readable file")]
    public void ScalarsWrongForEveryProblemAreBadUsageBeforeAnythingIsSolved(string option, string value, string other, string otherValue,
        string named, string reason) =>
        AssertBadUsage(Run(Solve(option, value, other, otherValue)), named, reason);

    [Theory]
    [InlineData("path", "--l1-ratio", "1,2", "--l1-ratio 2")]
    [InlineData("path", "--max-iter", "0", "--max-iter 0")]
    [InlineData("path", "--tol", "-1", "--tol -1")]
    [InlineData("path", "--n-lambda", "0", "--n-lambda 0")]
    [InlineData("path", "--eps", "2", "--lambda-min-ratio 2")]
    [InlineData("cv", "--folds", "1", "--folds 1")]
    [InlineData("cv", "--cv", "1", "--folds 1")]
    [InlineData("example", "--max-iter", "0", "--max-iter 0")]
    [InlineData("example", "--problems", "0", "--problems 0")]
    public void SweepAndExampleScalarsAreCheckedTheSameWay(string command, string option, string value, string named)
    {
        string[] data = command == "example" ? [] : ["--x", Diabetes("X.npy"), "--y", Diabetes("y.npy")];
        AssertBadUsage(Run([command, .. data, option, value, "--out", Out]), named);
    }

    [Fact]
    public void ContradictoryInterceptOptionsAreBadUsage() =>
        AssertBadUsage(Run(Solve("--alpha", "0.1", "--no-intercept", "--fit-intercept")), "--no-intercept", "--fit-intercept");

    [Fact]
    public void AnXWithNoRowsIsAWholeBatchError()
    {
        string x = Path.Combine(_folder, "X0.npy"), y = Path.Combine(_folder, "y0.npy");
        NpyWriter.Write(x, ReadOnlySpan<double>.Empty, 0, 3);
        NpyWriter.Write(y, ReadOnlySpan<double>.Empty, 0);
        AssertBadUsage(Run("solve", "--x", x, "--y", y, "--alpha", "0.1", "--out", Out), x, "no rows");
        AssertBadUsage(Run("path", "--x", x, "--y", y, "--out", Out), x, "no rows");
    }

    [Fact]
    public void ProblemCountsThatDisagreeNameBothInputs()
    {
        var x = NpyReader.Read(Diabetes("X.npy")).ToDouble();
        var y = NpyReader.Read(Diabetes("y.npy")).ToDouble();
        string xs = Path.Combine(_folder, "X3.npy"), ys = Path.Combine(_folder, "y2.npy");
        NpyWriter.Write(xs, [.. x, .. x, .. x], 3, 442, 10);
        NpyWriter.Write(ys, [.. y, .. y], 2, 442);
        AssertBadUsage(Run("solve", "--x", xs, "--y", ys, "--alpha", "0.1", "--out", Out), $"--y {ys}", "K = 2", $"--x {xs}", "K = 3");
    }

    [Fact]
    public void AFolderGivenAsAFileSaysItIsAFolder()
    {
        AssertBadUsage(Run("solve", "--x", _folder, "--y", Diabetes("y.npy"), "--alpha", "0.1", "--out", Out), $"--x {_folder}", "is a folder");
        AssertBadUsage(Run(Solve("--alpha", _folder)), $"--alpha {_folder}", "is a folder");
    }

    [Fact]
    public void AMissingFileIsNamed() =>
        AssertBadUsage(Run("cv", "--x", Path.Combine(_folder, "nope.npy"), "--y", Diabetes("y.npy"), "--out", Out), "nope.npy", "file not found");

    [Theory]
    [InlineData("solve")]
    [InlineData("path")]
    [InlineData("cv")]
    [InlineData("anomaly")]
    [InlineData("example")]
    public void AnOutputThatIsAFileIsRefusedBeforeSolving(string command)
    {
        string file = Path.Combine(_folder, "taken");
        File.WriteAllText(file, "mine");
        var (exit, stdout, stderr) = Run([command, .. Arguments(command), "--out", file]);
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains($"--out {file}: is a file", stderr);
        Assert.Equal("", stdout);
        Assert.DoesNotContain("finished", stderr);
        Assert.Equal("mine", File.ReadAllText(file));
        var below = Run([command, .. Arguments(command), "--out", Path.Combine(file, "sub")]);
        Assert.Equal(ExitCodes.BadInput, below.Exit);
        Assert.Contains($"{file} is a file, so no folder can be made below it", below.Stderr);
    }

    [SkippableFact]
    public void AnOutputThatCannotBeWrittenIsRefusedBeforeSolving()
    {
        // /sys refuses new entries even to root, as a read-only file system does.
        Skip.IfNot(OperatingSystem.IsLinux() && Directory.Exists("/sys/kernel"), "needs Linux's /sys");
        var (exit, stdout, stderr) = Run("solve", "--x", Diabetes("X.npy"), "--y", Diabetes("y.npy"), "--alpha", "0.1", "--out", "/sys/gpusparse-test");
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("--out /sys/gpusparse-test: cannot write there", stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void AFolderOfOtherFilesIsRefusedUnlessOverwriteAndThenReplacedWhole()
    {
        Directory.CreateDirectory(Out);
        File.WriteAllText(Path.Combine(Out, "notes.txt"), "my notes");
        var refused = Run(Solve("--alpha", "0.1"));
        Assert.Equal(ExitCodes.BadInput, refused.Exit);
        Assert.Contains("--overwrite", refused.Stderr);
        Assert.True(File.Exists(Path.Combine(Out, "notes.txt")));

        Assert.Equal(ExitCodes.Success, Run(Solve("--alpha", "0.1", "--overwrite")).Exit);
        Assert.False(File.Exists(Path.Combine(Out, "notes.txt")));
        Assert.True(File.Exists(Path.Combine(Out, "result.json")));
    }

    [Fact]
    public void AFolderHoldingTheInputOrTheWorkingFolderIsNeverReplaced()
    {
        string data = Path.Combine(_folder, "data");
        Directory.CreateDirectory(data);
        string x = Path.Combine(data, "X.npy");
        File.Copy(Diabetes("X.npy"), x);
        var run = Run("solve", "--x", x, "--y", Diabetes("y.npy"), "--alpha", "0.1", "--overwrite", "--out", data);
        Assert.Equal(ExitCodes.BadInput, run.Exit);
        Assert.Contains($"holds the input {x}", run.Stderr);
        Assert.True(File.Exists(x));
        var here = Run("path", "--x", Diabetes("X.npy"), "--y", Diabetes("y.npy"), "--overwrite", "--out", ".");
        Assert.Equal(ExitCodes.BadInput, here.Exit);
        Assert.Contains("is the current folder", here.Stderr);
    }

    [Fact]
    public void AnEarlierResultIsReplacedWholeWithoutOverwrite()
    {
        Assert.Equal(ExitCodes.Success, Run(Solve("--alpha", "0.1")).Exit);
        Assert.True(File.Exists(Path.Combine(Out, "coef.csv")));
        // a path result in the same folder: no coef.csv from the solve is left to mix with it
        Assert.Equal(ExitCodes.Success, Run("path", "--x", Diabetes("X.npy"), "--y", Diabetes("y.npy"), "--n-lambda", "5", "--out", Out).Exit);
        Assert.False(File.Exists(Path.Combine(Out, "coef.csv")));
        Assert.True(File.Exists(Path.Combine(Out, "coefs.npy")));
        Assert.Empty(Directory.GetDirectories(_folder, ".*"));
    }

    [Fact]
    public void AnUnforeseenExceptionIsOneLineAndItsOwnExitCode()
    {
        var stderr = new StringWriter();
        Assert.Equal(ExitCodes.InternalError, CommandFailures.Run(stderr, () => throw new InvalidOperationException("boom")));
        Assert.Equal("error: unexpected InvalidOperationException: boom (a bug: please report it with the command line)", stderr.ToString().Trim());
    }

    [Fact]
    public void ArgumentErrorsFromTheLibraryLoseDotNetsParameterText()
    {
        var stderr = new StringWriter();
        Assert.Equal(ExitCodes.BadInput, CommandFailures.Run(stderr,
            () => throw new ArgumentOutOfRangeException("Tolerance", -1.0, "the tolerance must be finite and ≥ 0")));
        Assert.Equal("error: the tolerance must be finite and ≥ 0", stderr.ToString().Trim());
    }

    private static string[] Arguments(string command) => command switch
    {
        "solve" => ["--x", Diabetes("X.npy"), "--y", Diabetes("y.npy"), "--alpha", "0.1"],
        "path" or "cv" => ["--x", Diabetes("X.npy"), "--y", Diabetes("y.npy")],
        "anomaly" => ["--size", "32"],
        _ => ["--problems", "5", "--no-plots"],
    };
}
