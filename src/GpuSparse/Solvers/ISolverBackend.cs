using System.Numerics;
using GpuSparse.Model;

namespace GpuSparse.Solvers;

/// <summary>
/// Where a batch is solved: the managed reference path, the ILGPU CPU accelerator, CUDA, …
/// Every backend solves the same prepared problems (see <see cref="Preparation.BatchPreparation"/>) with
/// the same iteration, so their results agree to rounding.
/// </summary>
public interface ISolverBackend : IDisposable
{
    /// <summary>A short name for tables and logs (<c>reference</c>, <c>cpu</c>, <c>cuda</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Solves every problem of <paramref name="batch"/>. Invalid problems are reported with
    /// <see cref="ProblemStatus.Invalid"/> and the others solved as they would be alone. Cancellation
    /// stops the work within one gap check and returns every problem, unfinished ones with
    /// <see cref="ProblemStatus.Cancelled"/>.
    /// </summary>
    BatchResult Solve<T>(ProblemBatch<T> batch, SolverOptions options,
        IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>;
}
