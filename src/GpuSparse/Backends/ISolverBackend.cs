using System.Numerics;
using GpuSparse.Model;

namespace GpuSparse.Backends;

/// <summary>
/// Where a batch is solved: managed on the CPU cores, on ILGPU's CPU accelerator, on CUDA, … Every backend solves the
/// same prepared problems to the same stopping rule (<see cref="SolverOptions"/>), so results agree to the requested
/// tolerance; two backends running the same algorithm (<see cref="SolverOptions.Algorithm"/>) agree to rounding.
/// The backends are listed, with what each can run, by <see cref="Backends.BackendRegistry"/>.
/// </summary>
public interface ISolverBackend : IDisposable
{
    /// <summary>A short name for tables and logs (<c>reference</c>, <c>cpu</c>, <c>cuda</c>).</summary>
    string Name { get; }

    /// <summary>What it can run: the algorithms, precisions and engines it offers.</summary>
    Backends.BackendCapabilities Capabilities { get; }

    /// <summary>
    /// The algorithm <see cref="Solve"/> runs on problems of <paramref name="features"/> coefficients when asked for
    /// <paramref name="algorithm"/>: <see cref="SolverAlgorithm.Auto"/> resolved to this backend's choice, any other as it is.
    /// </summary>
    SolverAlgorithm AlgorithmFor(SolverAlgorithm algorithm, int features) => algorithm;

    /// <summary>
    /// Solves every problem of <paramref name="batch"/>. Invalid problems are reported with
    /// <see cref="ProblemStatus.Invalid"/> and the others solved as they would be alone. Cancellation
    /// stops the work within one gap check and returns every problem, unfinished ones with
    /// <see cref="ProblemStatus.Cancelled"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">The backend does not run <see cref="SolverOptions.Algorithm"/> or element type <typeparamref name="T"/>.</exception>
    BatchResult Solve<T>(ProblemBatch<T> batch, SolverOptions options,
        IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>;
}
