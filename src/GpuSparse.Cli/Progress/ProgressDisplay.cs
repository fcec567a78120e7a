using System.Diagnostics;
using GpuSparse.Backends;
using GpuSparse.Model;
using Spectre.Console;

namespace GpuSparse.Cli.Progress;

/// <summary>
/// Shows how a long solve is going, on stderr so that stdout stays clean for tables and pipes: a live bar
/// (what is finished of the total: problems, a sweep's λ steps, problems generated; rate, elapsed and remaining time) when stderr is a terminal, plain lines when it
/// is redirected to a file or a CI log (one at least every <see cref="DefaultHeartbeat"/> while a solve runs). The choice
/// looks at stderr itself: Spectre.Console's own detection looks at stdout, which is often redirected while a person
/// still watches stderr.
/// </summary>
internal sealed class ProgressDisplay
{
    /// <summary>The longest a redirected log goes without a line while a solve runs.</summary>
    public static readonly TimeSpan DefaultHeartbeat = TimeSpan.FromSeconds(5);

    private readonly TextWriter _stderr;
    private readonly bool _live;
    private readonly TimeSpan _heartbeat;
    private readonly object _gate = new();
    private volatile string? _notice;
    private bool _running;

    private ProgressDisplay(TextWriter stderr, bool live, TimeSpan heartbeat)
    {
        _stderr = stderr;
        _live = live;
        _heartbeat = heartbeat;
    }

    /// <summary>
    /// A live bar only when writing to the process's own stderr and that is a terminal; else plain lines, one at least
    /// every <paramref name="heartbeat"/> (default <see cref="DefaultHeartbeat"/>).
    /// </summary>
    public static ProgressDisplay For(TextWriter stderr, TimeSpan? heartbeat = null) =>
        new(stderr, ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected, heartbeat ?? DefaultHeartbeat);

    /// <summary>
    /// Shows a notice (the "cancelling" line): a live bar shows it in place of its description, so it is not drawn
    /// over, and prints it once the bar ends; plain output prints it at once.
    /// </summary>
    public void Notice(string text)
    {
        lock (_gate)
        {
            if (_live && _running)
            {
                _notice = text;
                return;
            }
        }
        _stderr.WriteLine(text);
    }

    /// <summary>Runs <paramref name="solve"/>, showing its progress under <paramref name="label"/>.</summary>
    public BatchResult Run(string label, int total, Func<IProgress<SolveProgress>, BatchResult> solve) =>
        Run(label, total, "problems", solve, (result, _) => (result.Problems.Count - result.CountWith(ProblemStatus.Cancelled),
            $"{Summary(result)} in {result.Elapsed.TotalSeconds:F1} s, {Rate(result):N0} problems/s"));

    /// <summary>
    /// Runs work that counts what it finished in <paramref name="unit"/> (a sweep's λ steps, problems generated), shown
    /// as a solve is; the total is the one its reports carry.
    /// </summary>
    public T Run<T>(string label, string unit, Func<IProgress<SolveProgress>, T> work) =>
        Run(label, 0, unit, work, (_, counted) => (counted.Finished,
            $"{counted.Finished} of {counted.Total} {unit} finished in {counted.Elapsed.TotalSeconds:F1} s"));

    /// <summary>
    /// Runs <paramref name="work"/>; <paramref name="outcome"/> gives, from its result and the last count, what the
    /// display ends with: the number finished and the summary after the label.
    /// </summary>
    private T Run<T>(string label, int total, string unit, Func<IProgress<SolveProgress>, T> work,
        Func<T, SolveProgress, (int Finished, string Summary)> outcome)
    {
        T result;
        if (_live)
        {
            lock (_gate)
                _running = true;
            try
            {
                result = RunLive(label, total, unit, work, outcome);
            }
            finally
            {
                lock (_gate)
                    _running = false;
            }
            if (Interlocked.Exchange(ref _notice, null) is { } notice)
                _stderr.WriteLine(notice);
            return result;
        }
        using var lines = new PlainLines(_stderr, label, total, unit, _heartbeat);
        result = work(lines);
        lines.Finish(counted => outcome(result, counted).Summary);
        return result;
    }

    /// <summary>"finished 101 of 2000 problems (101 converged, 1899 cancelled)": cancelled problems never count as finished.</summary>
    public static string Summary(BatchResult result)
    {
        int cancelled = result.CountWith(ProblemStatus.Cancelled), total = result.Problems.Count;
        var parts = new List<string> { $"{result.CountWith(ProblemStatus.Converged)} converged" };
        foreach (var (status, name) in new[] { (ProblemStatus.MaxIterations, "at --max-iter"), (ProblemStatus.Invalid, "invalid"),
                     (ProblemStatus.Diverged, "diverged"), (ProblemStatus.Cancelled, "cancelled") })
            if (result.CountWith(status) is > 0 and var count)
                parts.Add($"{count} {name}");
        return $"finished {total - cancelled} of {total} problems ({string.Join(", ", parts)})";
    }

    /// <summary>Problems finished per second: cancelled problems are not counted.</summary>
    public static double Rate(BatchResult result) =>
        (result.Problems.Count - result.CountWith(ProblemStatus.Cancelled)) / Math.Max(result.Elapsed.TotalSeconds, 1e-9);

    private T RunLive<T>(string label, int total, string unit, Func<IProgress<SolveProgress>, T> work,
        Func<T, SolveProgress, (int Finished, string Summary)> outcome)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            Interactive = InteractionSupport.Yes,
            Ansi = AnsiSupport.Detect,
        });
        var clock = Stopwatch.StartNew();
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(label), maxValue: Math.Max(total, 1));
                var counted = new SolveProgress(0, total, TimeSpan.Zero);
                var result = work(new Callback(update =>
                {
                    counted = update;
                    task.MaxValue = Math.Max(update.Total, 1);
                    task.Value = update.Finished;
                    double rate = update.Finished / Math.Max(update.Elapsed.TotalSeconds, 1e-9);
                    task.Description = Markup.Escape(_notice ?? $"{label}: {update.Finished}/{update.Total} {unit}, {rate:N0}/s");
                }));
                var (finished, summary) = outcome(result, counted with { Elapsed = clock.Elapsed });
                task.Description = Markup.Escape($"{label}: {summary}");
                task.Value = finished;
                task.StopTask();
                return result;
            });
    }

    private sealed class Callback(Action<SolveProgress> report) : IProgress<SolveProgress>
    {
        public void Report(SolveProgress value) => report(value);
    }

    /// <summary>
    /// Plain lines: at a new tenth of the batch (at most one a second), and at least every heartbeat
    /// from a timer even when no problem finishes; each with the rate and the time left at that rate. Reports arrive
    /// from many threads.
    /// </summary>
    private sealed class PlainLines : IProgress<SolveProgress>, IDisposable
    {
        private static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);
        private readonly TextWriter _stderr;
        private readonly string _label;
        private readonly string _unit;
        private readonly object _gate = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Timer _timer;
        private readonly TimeSpan _heartbeat;
        private int _total;
        private int _finished;
        private int _tenthsShown;
        private TimeSpan _shownAt;
        private bool _done;

        public PlainLines(TextWriter stderr, string label, int total, string unit, TimeSpan heartbeat)
        {
            (_stderr, _label, _total, _unit, _heartbeat) = (stderr, label, total, unit, heartbeat);
            // A tick every fifth of the heartbeat, a line when the last is four fifths old: never more than one heartbeat apart.
            _timer = new Timer(_ => Beat(), null, heartbeat / 5, heartbeat / 5);
        }

        public void Report(SolveProgress value)
        {
            int tenths = (int)(10L * value.Finished / Math.Max(1, value.Total));
            lock (_gate)
            {
                _finished = Math.Max(_finished, value.Finished);
                _total = value.Total;
                if (_done || tenths <= _tenthsShown || _clock.Elapsed - _shownAt < Min(MinimumInterval, _heartbeat / 2))
                    return;
                _tenthsShown = tenths;
                Show();
            }
        }

        /// <summary>The last line: the label and the summary of what the count came to.</summary>
        public void Finish(Func<SolveProgress, string> summary)
        {
            lock (_gate)
            {
                _done = true;
                _stderr.WriteLine($"{_label}: {summary(new SolveProgress(_finished, _total, _clock.Elapsed))}");
            }
        }

        public void Dispose() => _timer.Dispose();

        private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

        private void Beat()
        {
            lock (_gate)
                if (!_done && _clock.Elapsed - _shownAt >= _heartbeat * 0.8)
                    Show();
        }

        private void Show()
        {
            var elapsed = _clock.Elapsed;
            _shownAt = elapsed;
            double rate = _finished / Math.Max(elapsed.TotalSeconds, 1e-9);
            string left = _finished > 0 && _finished < _total ? $", about {(_total - _finished) / rate:F0} s left" : "";
            string of = _total > 0 ? $"/{_total}" : "";
            _stderr.WriteLine($"{_label}: {_finished}{of} {_unit} finished, {elapsed.TotalSeconds:F1} s, {rate:N0} {_unit}/s{left}");
        }
    }
}
