using GpuSparse.Model;
using GpuSparse.Solvers;
using Spectre.Console;

namespace GpuSparse.Cli.Progress;

/// <summary>
/// Shows how a long solve is going, on stderr so that stdout stays clean for tables and pipes: a live bar
/// (problems finished of the total, elapsed time) when stderr is a terminal, plain lines when it is
/// redirected to a file or a CI log. The choice looks at stderr itself: Spectre.Console's own detection
/// looks at stdout, which is often redirected while a person still watches stderr.
/// </summary>
internal sealed class ProgressDisplay
{
    private readonly TextWriter _stderr;
    private readonly bool _live;

    private ProgressDisplay(TextWriter stderr, bool live)
    {
        _stderr = stderr;
        _live = live;
    }

    /// <summary>A live bar only when writing to the process's own stderr and that is a terminal.</summary>
    public static ProgressDisplay For(TextWriter stderr) =>
        new(stderr, ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected);

    /// <summary>Runs <paramref name="solve"/>, showing its progress under <paramref name="label"/>.</summary>
    public BatchResult Run(string label, int total, Func<IProgress<SolveProgress>, BatchResult> solve) =>
        _live ? RunLive(label, total, solve) : solve(new PlainLines(_stderr, label));

    private static BatchResult RunLive(string label, int total, Func<IProgress<SolveProgress>, BatchResult> solve)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            Interactive = InteractionSupport.Yes,
            Ansi = AnsiSupport.Detect,
        });
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(label), maxValue: total);
                var result = solve(new Callback(update =>
                {
                    task.Value = update.Finished;
                    task.Description = Markup.Escape($"{label}: {update.Finished}/{update.Total} problems");
                }));
                task.Description = Markup.Escape($"{label}: {result.CountWith(ProblemStatus.Converged)}/{total} converged");
                task.Value = total;
                return result;
            });
    }

    private sealed class Callback(Action<SolveProgress> report) : IProgress<SolveProgress>
    {
        public void Report(SolveProgress value) => report(value);
    }

    /// <summary>
    /// At most one line a second, at a new tenth of the batch, and always the last: a log of a long solve shows
    /// its pace, a short one prints a single line. Reports arrive from many threads.
    /// </summary>
    private sealed class PlainLines(TextWriter stderr, string label) : IProgress<SolveProgress>
    {
        private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
        private readonly object _gate = new();
        private int _tenthsShown;
        private TimeSpan _shownAt;

        public void Report(SolveProgress value)
        {
            int tenths = (int)(10L * value.Finished / Math.Max(1, value.Total));
            lock (_gate)
            {
                bool last = value.Finished == value.Total;
                if (!last && (tenths <= _tenthsShown || value.Elapsed - _shownAt < Interval))
                    return;
                _tenthsShown = tenths;
                _shownAt = value.Elapsed;
                stderr.WriteLine($"{label}: {value.Finished}/{value.Total} problems finished, {value.Elapsed.TotalSeconds:F1} s");
            }
        }
    }
}
