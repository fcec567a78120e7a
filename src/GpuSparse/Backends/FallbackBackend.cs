using System.Numerics;
using GpuSparse.Model;

namespace GpuSparse.Backends;

/// <summary>
/// <c>auto</c> with a device (<see cref="BackendRegistry.Create(string, BackendUse, TextWriter?)"/>): solves on the device, and when the device fails
/// (<see cref="DeviceFailureException"/>, <see cref="DeviceOutOfMemoryException"/>) solves the batch again on the
/// <c>cd</c> backend, saying so in one line on <see cref="Notices"/> (stderr by default).
/// </summary>
internal sealed class FallbackBackend(ISolverBackend device, TextWriter? notices = null) : ISolverBackend
{
    private readonly CoordinateDescentBackend _fallback = new();
    private bool _fellBack;

    /// <summary>Where the fallback line goes.</summary>
    public TextWriter Notices { get; } = notices ?? Console.Error;

    /// <inheritdoc />
    public string Name => device.Name;

    /// <inheritdoc />
    public BackendCapabilities Capabilities => device.Capabilities;

    /// <inheritdoc />
    public SolverAlgorithm AlgorithmFor(SolverAlgorithm algorithm, int features) =>
        _fellBack ? _fallback.AlgorithmFor(algorithm, features) : device.AlgorithmFor(algorithm, features);

    /// <inheritdoc />
    public BatchResult Solve<T>(ProblemBatch<T> batch, SolverOptions options, IProgress<SolveProgress>? progress = null,
        CancellationToken cancellationToken = default) where T : unmanaged, IFloatingPointIeee754<T>
    {
        try
        {
            return device.Solve(batch, options, progress, cancellationToken);
        }
        catch (Exception e) when (e is DeviceFailureException or DeviceOutOfMemoryException)
        {
            Notices.WriteLine(FallbackLine(e.Message));
            _fellBack = true;
            return _fallback.Solve(batch, options, progress, cancellationToken);
        }
    }

    /// <summary>The one line <c>auto</c> writes when it leaves the device for <c>cd</c>.</summary>
    public static string FallbackLine(string reason) => $"auto: solving on cd (CPU coordinate descent) instead: {reason}";

    /// <inheritdoc />
    public void Dispose()
    {
        device.Dispose();
        _fallback.Dispose();
    }
}
