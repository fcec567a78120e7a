using System.Diagnostics;

namespace GpuSparse.Solvers;

/// <summary>Counts finished problems from many threads and reports about a hundred times per batch.</summary>
internal sealed class ProgressReporter
{
    private readonly IProgress<SolveProgress>? _progress;
    private readonly int _total;
    private readonly int _every;
    private readonly Stopwatch _clock;
    private int _finished;

    public ProgressReporter(IProgress<SolveProgress>? progress, int total, Stopwatch clock)
    {
        _progress = progress;
        _total = total;
        _every = Math.Max(1, total / 100);
        _clock = clock;
    }

    public void Finished(int count = 1)
    {
        if (_progress is null)
            return;
        int before = Interlocked.Add(ref _finished, count) - count;
        int after = before + count;
        if (after == _total || after / _every != before / _every)
            _progress.Report(new SolveProgress(after, _total, _clock.Elapsed));
    }
}
