using System.Numerics;
using System.Runtime.CompilerServices;
using GpuSparse.Engines;
using GpuSparse.Model;

namespace GpuSparse.Backends;

/// <summary>
/// The managed placement: every algorithm on the CPU cores, each problem prepared by the worker that solves it, one
/// reusable workspace per worker thread. The <c>reference</c> and <c>cd</c> backends are this placement with different
/// <see cref="SolverAlgorithm.Auto"/> choices, so the same algorithm gives the same bits on either.
/// </summary>
public abstract class ManagedBackend : ISolverBackend
{
    private readonly BackendDescriptor _descriptor;
    private readonly SolverAlgorithm _auto;

    private protected ManagedBackend(BackendDescriptor descriptor, SolverAlgorithm auto)
    {
        _descriptor = descriptor;
        _auto = auto;
    }

    /// <inheritdoc />
    public string Name => _descriptor.Name;

    /// <inheritdoc />
    public BackendCapabilities Capabilities => _descriptor.Capabilities;

    /// <inheritdoc />
    public SolverAlgorithm AlgorithmFor(SolverAlgorithm algorithm, int features) => algorithm == SolverAlgorithm.Auto ? _auto : algorithm;

    /// <summary>
    /// The form <see cref="SolverAlgorithm.Auto"/> and <see cref="SolverAlgorithm.CoordinateDescent"/> take where it
    /// fits (tests bind the suites to each form); null chooses per problem shape.
    /// </summary>
    internal CoordinateDescentForm? Form { get; init; }

    /// <summary>What the managed placement runs: every algorithm.</summary>
    internal static BackendCapabilities CapabilitiesWith(bool pathEngine) => new()
    {
        Algorithms = BackendCapabilities.AllAlgorithms,
        PathEngine = pathEngine,
    };

    /// <inheritdoc />
    public BatchResult Solve<T>(ProblemBatch<T> batch, SolverOptions options,
        IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(options);
        var algorithm = options.Algorithm == SolverAlgorithm.Auto ? _auto : options.Algorithm;
        var run = options with { Algorithm = algorithm };
        int elementSize = Unsafe.SizeOf<T>();
        return BatchDriver.PerProblem(this, batch, options, progress,
            () => new CoordinateDescentWorkspace<T>(batch.Features), workspace => workspace.Design,
            (problem, workspace) => algorithm is SolverAlgorithm.Ista or SolverAlgorithm.Fista
                ? ProximalGradient.Solve(problem, run, cancellationToken)
                : CoordinateDescent.Solve(problem, run, workspace,
                    FormOf(algorithm, problem.Design.Samples, problem.Design.Features, elementSize), cancellationToken),
            cancellationToken);
    }

    // The Gram form never exceeds CoordinateDescent.GramBudgetBytes: beyond it the residual form solves whatever is asked.
    private CoordinateDescentForm FormOf(SolverAlgorithm algorithm, int samples, int features, int elementSize)
    {
        var wanted = algorithm switch
        {
            SolverAlgorithm.GramCoordinateDescent => CoordinateDescentForm.Gram,
            SolverAlgorithm.ResidualCoordinateDescent => CoordinateDescentForm.Residual,
            _ => Form,
        };
        return wanted is { } chosen && (chosen == CoordinateDescentForm.Residual || CoordinateDescent.GramFits(features, elementSize))
            ? chosen
            : CoordinateDescent.ChooseForm(samples, features, elementSize);
    }

    /// <summary>Nothing to release: the workspaces live for one solve.</summary>
    public void Dispose() => GC.SuppressFinalize(this);
}
