using GpuSparse.Model;

namespace GpuSparse.Backends;

/// <summary>
/// The managed reference path: each problem solved by plain sequential code, problems spread over the cores
/// (<see cref="SolverAlgorithm.Auto"/> is FISTA). It is the oracle the accelerated backends are tested against.
/// </summary>
public sealed class ReferenceBackend() : ManagedBackend(Descriptor, SolverAlgorithm.Fista)
{
    /// <summary>The registry's entry for this backend.</summary>
    internal static BackendDescriptor Descriptor { get; } = new("reference",
        "the oracle: plain managed ISTA/FISTA (and coordinate descent), problems in parallel",
        CapabilitiesWith(pathEngine: false), () => new ReferenceBackend(),
        () => [$"managed CPU, {Environment.ProcessorCount} threads"]);
}
