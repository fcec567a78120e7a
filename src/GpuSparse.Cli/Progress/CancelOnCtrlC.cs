namespace GpuSparse.Cli.Progress;

/// <summary>
/// The first Ctrl-C asks the solve to stop at its next gap check (a sweep: at its next λ step) and keep what has
/// finished (the results are written, unfinished problems marked cancelled); a second Ctrl-C ends the process at once.
/// </summary>
internal sealed class CancelOnCtrlC : IDisposable
{
    /// <summary>
    /// A token that cancels the commands run in this asynchronous flow as Ctrl-C would: how tests press Ctrl-C.
    /// </summary>
    internal static readonly AsyncLocal<CancellationToken> Injected = new();

    private readonly CancellationTokenSource _source;
    private readonly Action<string> _notify;
    private int _noticed;

    /// <param name="notify">Shows the "cancelling" notice (where the progress display will not overwrite it).</param>
    public CancelOnCtrlC(Action<string> notify)
    {
        _notify = notify;
        _source = CancellationTokenSource.CreateLinkedTokenSource(Injected.Value);
        _source.Token.Register(Notice);
        Console.CancelKeyPress += OnCancel;
    }

    public CancellationToken Token => _source.Token;

    /// <summary>Whether the run was cancelled.</summary>
    public bool Cancelled => _source.IsCancellationRequested;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _source.Dispose();
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (_source.IsCancellationRequested)
            return;
        e.Cancel = true;
        _source.Cancel();
    }

    private void Notice()
    {
        if (Interlocked.Exchange(ref _noticed, 1) == 0)
            _notify("cancelling: stopping at the next check and writing what has finished (Ctrl-C again to quit at once)");
    }
}
