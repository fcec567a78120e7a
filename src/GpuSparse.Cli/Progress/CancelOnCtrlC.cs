namespace GpuSparse.Cli.Progress;

/// <summary>
/// The first Ctrl-C asks the solve to stop at its next gap check and keep what has finished (the results
/// are written, unfinished problems marked cancelled); a second Ctrl-C ends the process at once.
/// </summary>
internal sealed class CancelOnCtrlC : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly TextWriter _stderr;

    public CancelOnCtrlC(TextWriter stderr)
    {
        _stderr = stderr;
        Console.CancelKeyPress += OnCancel;
    }

    public CancellationToken Token => _source.Token;

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
        _stderr.WriteLine("cancelling: stopping at the next gap check and writing what has finished (Ctrl-C again to quit at once)");
        _source.Cancel();
    }
}
