using ILGPU;

namespace GpuSparse.Kernels.Batched;

/// <summary>
/// Gathers the problems still active into a compact index list, so that later launches run one thread per
/// active problem instead of one per loaded problem (most of which have finished late in a solve). Each
/// problem's iteration is independent of the others and of the thread that runs it, so the list's order
/// (which the atomic counter leaves unspecified) does not change any result.
/// </summary>
public static class CompactionKernel
{
    /// <summary>The kernel: thread t appends its problem to <paramref name="to"/> when that problem is active.</summary>
    /// <param name="index">The thread t.</param>
    /// <param name="status">Each problem's <see cref="BatchStatus"/> code, K values.</param>
    /// <param name="from">The current list (read when <paramref name="compacted"/> is 1; otherwise thread t is problem t).</param>
    /// <param name="compacted">1 when the current launch extent is the list <paramref name="from"/>.</param>
    /// <param name="to">The new list; a different buffer from <paramref name="from"/>.</param>
    /// <param name="count">One value, zero on entry: the length of the new list on exit.</param>
    public static void Run(Index1D index, ArrayView<int> status, ArrayView<int> from, int compacted, ArrayView<int> to, ArrayView<int> count)
    {
        int k = compacted != 0 ? from[index] : index;
        if (status[k] != BatchStatus.Active)
            return;
        to[Atomic.Add(ref count[0], 1)] = k;
    }
}
