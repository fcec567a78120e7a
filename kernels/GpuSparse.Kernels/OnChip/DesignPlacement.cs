using ILGPU;

namespace GpuSparse.Kernels.OnChip;

/// <summary>Where a group of <see cref="SharedGramCoordinateDescentKernel"/> reads the shared X_w from.</summary>
public enum DesignPlacement
{
    /// <summary>Staged once in the group's shared memory (<see cref="StagedDesign"/>): where X_w, G and the warps' vectors fit 48 KB.</summary>
    SharedMemory,

    /// <summary>
    /// Read where it lies in global memory (<see cref="GlobalDesign"/>): every group reads the same X_w, so its lines are
    /// served by L1 and L2; only G and the warps' vectors take shared memory (tall designs, e.g. 1000 × 32).
    /// </summary>
    GlobalMemory,
}

/// <summary>
/// The placement of X_w as a type argument of the shared-design kernel and of <see cref="BlockIterationKernel"/> (X_w of
/// one problem there), so that each placement is its own kernel: a view chosen at run time between shared and global
/// memory would be one value of two address spaces, which ILGPU addresses generically in both (the staged kernel's
/// shared loads would become generic ones).
/// </summary>
public interface IDesignPlacement
{
    /// <summary>The doubles of the group's shared memory X_w takes (n·p elements of <paramref name="elementBytes"/>, or none).</summary>
    int DesignDoubles(int samples, int features, int elementBytes);

    /// <summary>
    /// X_w (the first <paramref name="length"/> elements of <paramref name="design"/>) as the group reads it, thread
    /// <paramref name="thread"/> of <paramref name="threads"/> doing its part of any copy into <paramref name="room"/>
    /// (<see cref="DesignDoubles"/> doubles); the group synchronises before reading it.
    /// </summary>
    ArrayView<T> Place<T>(ArrayView<T> design, ArrayView<double> room, int length, int thread, int threads) where T : unmanaged;
}

/// <summary>X_w staged in shared memory (<see cref="DesignPlacement.SharedMemory"/>).</summary>
public readonly struct StagedDesign : IDesignPlacement
{
    /// <inheritdoc />
    public int DesignDoubles(int samples, int features, int elementBytes) =>
        (int)(((long)samples * features * elementBytes + sizeof(double) - 1) / sizeof(double));

    /// <inheritdoc />
    public ArrayView<T> Place<T>(ArrayView<T> design, ArrayView<double> room, int length, int thread, int threads) where T : unmanaged
    {
        var staged = room.Cast<T>().SubView(0, length);
        // X_w is contiguous: consecutive threads read consecutive addresses
        for (int e = thread; e < length; e += threads)
            staged[e] = design[e];
        return staged;
    }
}

/// <summary>X_w read from global memory (<see cref="DesignPlacement.GlobalMemory"/>).</summary>
public readonly struct GlobalDesign : IDesignPlacement
{
    /// <inheritdoc />
    public int DesignDoubles(int samples, int features, int elementBytes) => 0;

    /// <inheritdoc />
    public ArrayView<T> Place<T>(ArrayView<T> design, ArrayView<double> room, int length, int thread, int threads) where T : unmanaged => design;
}
