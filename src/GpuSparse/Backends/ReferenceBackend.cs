using System.Numerics;
using GpuSparse.Model;

namespace GpuSparse.Backends;

/// <summary>
/// The managed reference path: each problem solved by plain sequential code, problems spread over the cores
/// (<see cref="SolverAlgorithm.Auto"/> is FISTA). It is the oracle the accelerated backends are tested against.
/// </summary>
/// <remarks>
/// Each problem is prepared by the worker that solves it (a design shared by several problems once): memory is the
/// input, one working design per core and the results, however large K is.
/// </remarks>
public sealed class ReferenceBackend : ISolverBackend
{
    /// <summary>The registry's entry for this backend.</summary>
    internal static BackendDescriptor Descriptor { get; } = new("reference",
        "the oracle: plain managed ISTA/FISTA (and coordinate descent), problems in parallel",
        ManagedPlacement.Capabilities(pathEngine: false), () => new ReferenceBackend(),
        () => [$"managed CPU, {Environment.ProcessorCount} threads"]);

    /// <inheritdoc />
    public string Name => "reference";

    /// <inheritdoc />
    public BackendCapabilities Capabilities => Descriptor.Capabilities;

    /// <inheritdoc />
    public BatchResult Solve<T>(ProblemBatch<T> batch, SolverOptions options,
        IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ManagedPlacement.Solve(this, SolverAlgorithm.Fista, null, batch, options, progress, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
