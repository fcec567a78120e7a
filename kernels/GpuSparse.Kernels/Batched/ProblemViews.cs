using System.Numerics;
using ILGPU;

namespace GpuSparse.Kernels.Batched;

/// <summary>
/// The read-only data of K prepared problems with the same n and p, on the device, in the problem-minor
/// ("interleaved") layout: element e of problem k lives at <c>e·K + k</c>, so that neighbouring threads
/// (problems) read neighbouring addresses. A shared design is stored once (n × p, row-major) and read by
/// every problem.
/// </summary>
public struct ProblemViews<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>X_w: n·p values (shared) or n·p·K values (per problem, element (i, j) of problem k at <c>(i·p + j)·K + k</c>).</summary>
    public ArrayView<T> Design;

    /// <summary>y_c, n·K values.</summary>
    public ArrayView<T> Response;

    /// <summary>Per-coordinate L1 weights λ·r·wⱼ, p·K values.</summary>
    public ArrayView<T> L1;

    /// <summary>Per-coordinate L2 weights λ·(1 − r)·wⱼ, p·K values.</summary>
    public ArrayView<T> L2;

    /// <summary>The step t = 1/L of each problem, K values.</summary>
    public ArrayView<T> Step;

    /// <summary>t/n of each problem, K values.</summary>
    public ArrayView<T> StepOverN;

    /// <summary>n, the number of samples.</summary>
    public int Samples;

    /// <summary>p, the number of features.</summary>
    public int Features;

    /// <summary>K, the number of problems (the stride of the interleaved layout).</summary>
    public int Count;

    /// <summary>1 when every problem has its own design, 0 when the design is shared.</summary>
    public int DesignPerProblem;

    /// <summary>X_w[i, j] of problem k.</summary>
    public readonly T X(int i, int j, int k) =>
        DesignPerProblem != 0 ? Design[(i * Features + j) * Count + k] : Design[i * Features + j];
}
