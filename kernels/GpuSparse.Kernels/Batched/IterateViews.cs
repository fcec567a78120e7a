using System.Numerics;
using ILGPU;

namespace GpuSparse.Kernels.Batched;

/// <summary>
/// The iteration state of K problems on the device, problem-major like <see cref="ProblemViews{T}"/>
/// (coordinate j of problem k at <c>k·p + j</c>, sample i at <c>k·n + i</c>).
/// </summary>
public struct IterateViews<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>β, the current iterate, p·K values.</summary>
    public ArrayView<T> Beta;

    /// <summary>z, the point the gradient is taken at (FISTA's extrapolated point; the same view as <see cref="Beta"/> for ISTA).</summary>
    public ArrayView<T> Z;

    /// <summary>β⁺, the next iterate, p·K values.</summary>
    public ArrayView<T> Next;

    /// <summary>The iterate with the smallest duality gap so far, p·K values.</summary>
    public ArrayView<T> Best;

    /// <summary>r = y_c − X_w z, n·K values.</summary>
    public ArrayView<T> Residual;

    /// <summary>c = X_wᵀ r, p·K values.</summary>
    public ArrayView<T> Correlation;

    /// <summary>FISTA's momentum t_k, K values.</summary>
    public ArrayView<T> Momentum;

    /// <summary>Each problem's <see cref="BatchStatus"/> code, K values: only active problems iterate.</summary>
    public ArrayView<int> Status;

    /// <summary>
    /// The compacted list of problems still active (see <see cref="CompactionKernel"/>), read when
    /// <see cref="Compacted"/> is 1: thread t then runs problem <c>Problems[t]</c>.
    /// </summary>
    public ArrayView<int> Problems;

    /// <summary>1 when the launch covers only the problems of <see cref="Problems"/>, 0 when thread k runs problem k.</summary>
    public int Compacted;

    /// <summary>The problem that device thread <paramref name="thread"/> runs.</summary>
    public readonly int Problem(int thread) => Compacted != 0 ? Problems[thread] : thread;
}
