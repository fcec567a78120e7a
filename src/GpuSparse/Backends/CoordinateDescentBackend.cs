using GpuSparse.Engines;
using GpuSparse.Model;

namespace GpuSparse.Backends;

/// <summary>
/// The fast CPU path: the managed placement with <see cref="SolverAlgorithm.Auto"/> = cyclic coordinate descent
/// (<see cref="CoordinateDescent"/>), its Gram or residual form chosen per problem by
/// <see cref="CoordinateDescent.ChooseForm"/>; iterations count sweeps. Sweeps on it walk whole paths with the
/// covariance path engine (<see cref="BackendCapabilities.PathEngine"/>).
/// </summary>
public sealed class CoordinateDescentBackend() : ManagedBackend(Descriptor, SolverAlgorithm.CoordinateDescent)
{
    /// <summary>The registry's entry for this backend.</summary>
    internal static BackendDescriptor Descriptor { get; } = new("cd",
        "coordinate descent, Gram or residual form by shape: the fastest CPU path, picked by auto without CUDA",
        CapabilitiesWith(pathEngine: true), () => new CoordinateDescentBackend(),
        () => [$"managed CPU, {Environment.ProcessorCount} threads"], autoPreference: 1);
}
