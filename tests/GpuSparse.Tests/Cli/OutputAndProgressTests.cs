using GpuSparse.Cli.Input;
using GpuSparse.Cli.Output;
using GpuSparse.Cli.Progress;
using GpuSparse.Model;
using Xunit;

namespace GpuSparse.Tests.Cli;

/// <summary>Result folders appear whole or not at all; progress lines keep coming and count cancelled problems as cancelled.</summary>
public sealed class OutputAndProgressTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gpusparse-output-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void AFailureWhileWritingLeavesNoFolderThatLooksComplete()
    {
        string target = Path.Combine(_folder, "results");
        using (var folder = ResultFolder.Prepare(target, overwrite: false))
        {
            var e = Assert.Throws<InputException>(() => folder.Commit(() =>
            {
                File.WriteAllText(folder.PathOf("coef.npy"), "partial");
                throw new IOException("No space left on device");
            }));
            Assert.Contains("No space left on device", e.Message);
            Assert.Contains("nothing was put in", e.Message);
        }
        Assert.False(Directory.Exists(target));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    /// <summary>path and cv count their λ steps on stderr (a line with the count, then the total finished); stdout holds only the rows.</summary>
    [Fact]
    public void PathAndCvCountTheirLambdaStepsOnStderrOnly()
    {
        string x = CliRunner.Diabetes("X.npy"), y = CliRunner.Diabetes("y.npy");
        var path = CliRunner.Run("path", "--x", x, "--y", y, "--l1-ratio", "1,0.5", "--out", Path.Combine(_folder, "path"));
        Assert.True(path.Exit == 0, path.Stderr);
        // 2 ratios × 100 λ.
        Assert.Contains("path: 2 path(s): 200 of 200 λ steps finished in ", path.Stderr);
        var cv = CliRunner.Run("cv", "--x", x, "--y", y, "--folds", "4", "--out", Path.Combine(_folder, "cv"));
        Assert.True(cv.Exit == 0, cv.Stderr);
        // The refit path and 4 folds' paths, 100 λ each.
        Assert.Contains("cv: 4 folds: 500 of 500 λ steps finished in ", cv.Stderr);
        foreach (var stdout in new[] { path.Stdout, cv.Stdout })
        {
            Assert.DoesNotContain("λ steps", stdout);
            Assert.DoesNotContain("finished", stdout);
        }
    }

    /// <summary>Work counted in its own unit keeps a line every heartbeat, with its count and total, and ends with the count.</summary>
    [Fact]
    public void CountedWorkKeepsALineEveryHeartbeatWithItsCount()
    {
        var captured = new CapturedProgress();
        int result = captured.Display.Run("path: 1 path(s)", "λ steps", steps =>
        {
            steps.Report(new SolveProgress(0, 10, TimeSpan.Zero));
            steps.Report(new SolveProgress(3, 10, TimeSpan.Zero));
            // Nothing more finishes: the lines come from the heartbeat alone.
            captured.AwaitBeats("path: 1 path(s): 3/10 λ steps finished");
            return 7;
        });
        Assert.Equal(7, result);
        Assert.True(captured.Lines("path: 1 path(s): 3/10 λ steps finished") >= 3, captured.Written());
        Assert.StartsWith("path: 1 path(s): 3 of 10 λ steps finished in ", captured.Written().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
    }

    [Fact]
    public void AnEarlierResultStaysUntilTheNewOneIsCompleteThenIsReplacedWhole()
    {
        string target = Path.Combine(_folder, "results");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "result.json"), """{"command": "solve"}""");
        File.WriteAllText(Path.Combine(target, "old.npy"), "old");
        using (var folder = ResultFolder.Prepare(target, overwrite: false))
        {
            Assert.Throws<InputException>(() => folder.Commit(() => throw new UnauthorizedAccessException("denied")));
        }
        Assert.True(File.Exists(Path.Combine(target, "old.npy")), "a failed write must not touch the earlier result");
        using (var folder = ResultFolder.Prepare(target, overwrite: false))
            folder.Commit(() => File.WriteAllText(folder.PathOf("result.json"), """{"command": "path"}"""));
        Assert.Equal(["result.json"], Directory.GetFiles(target).Select(Path.GetFileName));
        Assert.Single(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void RedirectedProgressPrintsALineEveryHeartbeatEvenWhenNothingFinishes()
    {
        var captured = new CapturedProgress();
        var result = captured.Display.Run("solving 3 problems", 3, progress =>
        {
            // A solve that reports nothing: the lines come from the heartbeat alone.
            captured.AwaitBeats("0/3 problems finished");
            return Batch(ProblemStatus.Converged, ProblemStatus.Cancelled, ProblemStatus.Cancelled);
        });
        var lines = captured.Written().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(captured.Lines("0/3 problems finished") >= 3, captured.Written());
        Assert.Contains("solving 3 problems: finished 1 of 3 problems (1 converged, 2 cancelled)", lines[^1]);
        Assert.Equal(3, result.Problems.Count);
    }

    [Fact]
    public void TheSummaryAndTheRateCountCancelledProblemsAsNotFinished()
    {
        var result = Batch(ProblemStatus.Converged, ProblemStatus.MaxIterations, ProblemStatus.Cancelled, ProblemStatus.Cancelled);
        Assert.Equal("finished 2 of 4 problems (1 converged, 1 at --max-iter, 2 cancelled)", ProgressDisplay.Summary(result));
        Assert.Equal(2 / 0.5, ProgressDisplay.Rate(result), 9);
    }

    [Fact]
    public void TheCancellingNoticeIsPrintedOnceWhetherCtrlCOrTheTokenFires()
    {
        var notices = new List<string>();
        using var source = new CancellationTokenSource();
        CancelOnCtrlC.Injected.Value = source.Token;
        try
        {
            using var interrupt = new CancelOnCtrlC(notices.Add);
            source.Cancel();
            Assert.True(interrupt.Token.IsCancellationRequested);
        }
        finally
        {
            CancelOnCtrlC.Injected.Value = default;
        }
        Assert.Single(notices);
        Assert.StartsWith("cancelling:", notices[0]);
    }

    /// <summary>A display with a 250 ms heartbeat, writing into a string that the heartbeat's thread shares.</summary>
    private sealed class CapturedProgress
    {
        private readonly StringWriter _text = new();
        private readonly TextWriter _synchronized;

        public CapturedProgress()
        {
            // The synchronized writer's methods lock on the writer itself; reads take the same lock.
            _synchronized = TextWriter.Synchronized(_text);
            Display = ProgressDisplay.For(_synchronized, TimeSpan.FromMilliseconds(250));
        }

        public ProgressDisplay Display { get; }

        public string Written()
        {
            lock (_synchronized)
                return _text.ToString();
        }

        public int Lines(string fragment) => Written().Split('\n').Count(l => l.Contains(fragment));

        /// <summary>Waits until three lines hold <paramref name="fragment"/> (or 20 s: waited for, not timed, the machine is shared).</summary>
        public void AwaitBeats(string fragment)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (Lines(fragment) < 3 && clock.Elapsed < TimeSpan.FromSeconds(20))
                Thread.Sleep(50);
        }
    }

    private static BatchResult Batch(params ProblemStatus[] statuses) =>
        new([.. statuses.Select(s => new ProblemResult { Status = s, Coefficients = [0.0], Iterations = 1 })], "reference", TimeSpan.FromSeconds(0.5));
}
