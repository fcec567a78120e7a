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

/// <summary>
/// A kernel thread's share of <see cref="IProblemStart{T}"/>'s hooks: the coordinates it owns, <c>first</c>,
/// <c>first + stride</c>, … below p (a problem's thread owns them all, a warp's or block's thread a stride of them).
/// </summary>
public static class ProblemStartHooks
{
    /// <summary>
    /// <see cref="IProblemStart{T}.Begin"/> over the owned coordinates of problem k where the hooks are enabled and the
    /// problem starts (<paramref name="iteration"/> 0); returns whether it called them (a kernel whose threads then read
    /// other threads' coordinates waits at a barrier).
    /// </summary>
    public static bool Begin<T, TPrecision, TStart>(TStart start, int k, int iteration, int first, int stride, int p)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPrecision : struct, IWorkingPrecision<T>
        where TStart : struct, IProblemStart<T>
    {
        if (!start.Enabled || iteration != 0)
            return false;
        for (int j = first; j < p; j += stride)
            start.Begin<TPrecision>(k, j);
        return true;
    }

    /// <summary><see cref="IProblemStart{T}.Finish"/> over the owned coordinates of problem k where the hooks are enabled and it left Active with <paramref name="status"/>.</summary>
    public static void Finish<T, TPrecision, TStart>(TStart start, int k, int status, double gap, double bestGap, int first, int stride, int p)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPrecision : struct, IWorkingPrecision<T>
        where TStart : struct, IProblemStart<T>
    {
        if (!start.Enabled || status == BatchStatus.Active)
            return;
        for (int j = first; j < p; j += stride)
            start.Finish<TPrecision>(k, j, status, gap, bestGap);
    }
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
