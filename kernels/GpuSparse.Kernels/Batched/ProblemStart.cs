using System.Numerics;
using GpuSparse.Kernels.Numerics;

namespace GpuSparse.Kernels.Batched;

/// <summary>
/// What a solve kernel does to a problem's state besides solving it, at its first check and when it leaves Active:
/// nothing for an ordinary batch (<see cref="NoStart{T}"/>); a resident session's start expansion and carry
/// (<see cref="ResidentStart{T}"/>), so that a warm call is one launch. Coordinate j is handled by the thread that
/// reads and writes it in the kernel (the problem's thread, or its owner in the warp or block), so no barrier is needed.
/// </summary>
public interface IProblemStart<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Whether the kernel calls <see cref="Begin"/> and <see cref="Finish"/>: a constant of the type, so <c>false</c> compiles them away.</summary>
    bool Enabled { get; }

    /// <summary>At problem k's first check (iteration 0), before coordinate j's penalty weights and start are read.</summary>
    void Begin<TPrecision>(int k, int j) where TPrecision : struct, IWorkingPrecision<T>;

    /// <summary>
    /// After problem k left Active with <paramref name="status"/> and its last and best gaps (β holds its last
    /// iterate, the best-iterate view its best): coordinate j's returned iterate and next start.
    /// </summary>
    void Finish<TPrecision>(int k, int j, int status, double gap, double bestGap) where TPrecision : struct, IWorkingPrecision<T>;
}

/// <summary>An ordinary batch: the weights and starts are uploaded, the iterates read back as the solve leaves them.</summary>
public struct NoStart<T> : IProblemStart<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc />
    public readonly bool Enabled => false;

    /// <inheritdoc />
    public readonly void Begin<TPrecision>(int k, int j) where TPrecision : struct, IWorkingPrecision<T>
    {
    }

    /// <inheritdoc />
    public readonly void Finish<TPrecision>(int k, int j, int status, double gap, double bestGap) where TPrecision : struct, IWorkingPrecision<T>
    {
    }
}
