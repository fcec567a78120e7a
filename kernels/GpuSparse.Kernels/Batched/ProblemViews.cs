using System.Numerics;
using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.Penalties;
using ILGPU;

namespace GpuSparse.Kernels.Batched;

/// <summary>
/// The read-only data of K prepared problems with the same n and p, on the device, in the layout the host
/// prepares them in ("problem-major"): problem k's values are contiguous, so that staging is one bulk copy per
/// array and a warp or block working on one problem reads consecutive addresses. A shared design is stored once
/// (n × p, row-major) and read by every problem.
/// </summary>
public struct ProblemViews<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>X_w: n·p values (shared) or n·p·K values (per problem, element (i, j) of problem k at <c>(k·n + i)·p + j</c>).</summary>
    public ArrayView<T> Design;

    /// <summary>y_c, sample i of problem k at <c>k·n + i</c>.</summary>
    public ArrayView<T> Response;

    /// <summary>Per-coordinate L1 weights λ·r·wⱼ, coordinate j of problem k at <c>k·p + j</c>.</summary>
    public ArrayView<T> L1;

    /// <summary>Per-coordinate L2 weights λ·(1 − r)·wⱼ, at <c>k·p + j</c>.</summary>
    public ArrayView<T> L2;

    /// <summary>
    /// The end (exclusive, relative to the problem's first coordinate) of the block starting at coordinate j, at
    /// <c>k·p + j</c>; read by block penalties only (empty for coordinate-wise ones).
    /// </summary>
    public ArrayView<int> BlockEnds;

    /// <summary>The step t = 1/L of each problem, K values.</summary>
    public ArrayView<T> Step;

    /// <summary>t/n of each problem, K values.</summary>
    public ArrayView<T> StepOverN;

    /// <summary>n, the number of samples.</summary>
    public int Samples;

    /// <summary>p, the number of features.</summary>
    public int Features;

    /// <summary>K, the number of problems.</summary>
    public int Count;

    /// <summary>1 when every problem has its own design, 0 when the design is shared.</summary>
    public int DesignPerProblem;

    /// <summary>The index of X_w[0, 0] of problem k in <see cref="Design"/>.</summary>
    public readonly int DesignOffset(int k) => DesignPerProblem != 0 ? k * Samples * Features : 0;

    /// <summary>X_w[i, j] of problem k.</summary>
    public readonly T X(int i, int j, int k) => Design[DesignOffset(k) + i * Features + j];

    /// <summary>The index of coordinate j of problem k in the p·K arrays.</summary>
    public readonly int Coordinate(int k, int j) => k * Features + j;

    /// <summary>Problem k's penalty weights and block ends.</summary>
    public readonly DeviceWeights<T, TPrecision> Weights<TPrecision>(int k) where TPrecision : struct, IWorkingPrecision<T> =>
        new(L1, L2, Coordinate(k, 0), BlockEnds, Coordinate(k, 0));

    /// <summary>The index of sample i of problem k in the n·K arrays.</summary>
    public readonly int Sample(int k, int i) => k * Samples + i;
}
