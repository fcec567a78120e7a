using GpuSparse.Cli.Input;
using GpuSparse.Cli.Output;
using GpuSparse.Cli.Progress;
using GpuSparse.Model;
using GpuSparse.Solvers;
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
        var stderr = new StringWriter();
        var synchronized = TextWriter.Synchronized(stderr);
        var display = ProgressDisplay.For(synchronized, TimeSpan.FromMilliseconds(250));
        // The heartbeat writes from another thread; the synchronized writer's methods lock on the writer itself.
        string Written()
        {
            lock (synchronized)
                return stderr.ToString();
        }
        int Beats() => Written().Split('\n').Count(l => l.Contains("0/3 problems finished"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = display.Run("solving 3 problems", 3, progress =>
        {
            // A solve that reports nothing: the lines come from the heartbeat alone (waited for, not timed: the machine is shared).
            while (Beats() < 3 && clock.Elapsed < TimeSpan.FromSeconds(20))
                Thread.Sleep(50);
            return Batch(ProblemStatus.Converged, ProblemStatus.Cancelled, ProblemStatus.Cancelled);
        });
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(Beats() >= 3, stderr.ToString());
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

    private static BatchResult Batch(params ProblemStatus[] statuses) =>
        new([.. statuses.Select(s => new ProblemResult { Status = s, Coefficients = [0.0], Iterations = 1 })], "reference", TimeSpan.FromSeconds(0.5));
}
