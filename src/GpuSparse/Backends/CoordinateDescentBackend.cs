using System.Numerics;
using GpuSparse.Engines;
using GpuSparse.Model;

namespace GpuSparse.Backends;

/// <summary>
/// The fast CPU path: the managed placement with <see cref="SolverAlgorithm.Auto"/> = cyclic coordinate descent
/// (<see cref="CoordinateDescent"/>), its Gram or residual form chosen per problem by
/// <see cref="CoordinateDescent.ChooseForm"/>; iterations count sweeps. Sweeps on it walk whole paths with the
/// covariance path engine (<see cref="BackendCapabilities.PathEngine"/>).
/// </summary>
public sealed class CoordinateDescentBackend : ISolverBackend
{
    /// <summary>The registry's entry for this backend.</summary>
    internal static BackendDescriptor Descriptor { get; } = new("cd",
        "coordinate descent, Gram or residual form by shape: the fastest CPU path, picked by auto without CUDA",
        ManagedPlacement.Capabilities(pathEngine: true), () => new CoordinateDescentBackend(),
        () => [$"managed CPU, {Environment.ProcessorCount} threads"], autoPreference: 1);

    /// <inheritdoc />
    public string Name => "cd";

    /// <inheritdoc />
    public BackendCapabilities Capabilities => Descriptor.Capabilities;

    /// <summary>
    /// The form <see cref="SolverAlgorithm.Auto"/> and <see cref="SolverAlgorithm.CoordinateDescent"/> take where it
    /// fits (tests bind the suites to each form); null chooses per problem shape.
    /// </summary>
    internal CoordinateDescentForm? Form { get; init; }

    /// <inheritdoc />
    public BatchResult Solve<T>(ProblemBatch<T> batch, SolverOptions options,
        IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ManagedPlacement.Solve(this, SolverAlgorithm.CoordinateDescent, Form, batch, options, progress, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
