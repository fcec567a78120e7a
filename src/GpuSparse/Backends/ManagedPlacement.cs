using System.Numerics;
using System.Runtime.CompilerServices;
using GpuSparse.Engines;
using GpuSparse.Model;

namespace GpuSparse.Backends;

/// <summary>
/// The managed placement: every algorithm on the CPU cores, one problem per worker at a time with one reusable
/// <see cref="CoordinateDescentWorkspace{T}"/> per worker thread. The <c>reference</c> and <c>cd</c> backends are this
/// placement with different <see cref="SolverAlgorithm.Auto"/> choices.
/// </summary>
internal static class ManagedPlacement
{
    /// <summary>The algorithms the managed placement runs: all of them.</summary>
    public static BackendCapabilities Capabilities(bool pathEngine) => new()
    {
        Algorithms = BackendCapabilities.AllAlgorithms,
        PathEngine = pathEngine,
    };

    /// <summary>
    /// Solves <paramref name="batch"/> by <see cref="SolverOptions.Algorithm"/>, <paramref name="auto"/> when it is
    /// <see cref="SolverAlgorithm.Auto"/>; <paramref name="form"/>, when set, is the form coordinate descent takes
    /// where it fits (tests bind the suites to each form).
    /// </summary>
    public static BatchResult Solve<T>(ISolverBackend backend, SolverAlgorithm auto, CoordinateDescentForm? form,
        ProblemBatch<T> batch, SolverOptions options, IProgress<SolveProgress>? progress, CancellationToken cancellationToken)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        var algorithm = options.Algorithm == SolverAlgorithm.Auto ? auto : options.Algorithm;
        var run = options with { Algorithm = algorithm };
        int elementSize = Unsafe.SizeOf<T>();
        return BatchDriver.PerProblem(backend, batch, options, progress,
            () => new CoordinateDescentWorkspace<T>(batch!.Features), workspace => workspace.Design,
            (problem, workspace) => algorithm is SolverAlgorithm.Ista or SolverAlgorithm.Fista
                ? ProximalGradient.Solve(problem, run, cancellationToken)
                : CoordinateDescent.Solve(problem, run, workspace,
                    FormOf(algorithm, form, problem.Design.Samples, problem.Design.Features, elementSize), cancellationToken),
            cancellationToken);
    }

    // The Gram form never exceeds CoordinateDescent.GramBudgetBytes: beyond it the residual form solves whatever is asked.
    private static CoordinateDescentForm FormOf(SolverAlgorithm algorithm, CoordinateDescentForm? form, int samples, int features, int elementSize)
    {
        var wanted = algorithm switch
        {
            SolverAlgorithm.GramCoordinateDescent => CoordinateDescentForm.Gram,
            SolverAlgorithm.ResidualCoordinateDescent => CoordinateDescentForm.Residual,
            _ => form,
        };
        return wanted is { } chosen && (chosen == CoordinateDescentForm.Residual || CoordinateDescent.GramFits(features, elementSize))
            ? chosen
            : CoordinateDescent.ChooseForm(samples, features, elementSize);
    }
}
