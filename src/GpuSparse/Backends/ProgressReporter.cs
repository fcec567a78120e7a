using System.Diagnostics;
using GpuSparse.Model;

namespace GpuSparse.Backends;

/// <summary>
/// Counts finished problems from many threads and reports about a hundred times per batch, in increasing
/// order of <see cref="SolveProgress.Finished"/> and always ending with the total.
/// </summary>
internal sealed class ProgressReporter
{
    private readonly IProgress<SolveProgress>? _progress;
    private readonly int _total;
    private readonly int _every;
    private readonly Stopwatch _clock;
    private readonly Lock _reporting = new();
    private int _finished;
    private int _reported;

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
        if (after != _total && after / _every == before / _every)
            return;
        // Threads reach this point in any order: a count older than one already reported is dropped, so the
        // reports stay monotone (the total, the largest count, is never dropped).
        lock (_reporting)
        {
            if (after <= _reported)
                return;
            _reported = after;
            _progress.Report(new SolveProgress(after, _total, _clock.Elapsed));
        }
    }
}
