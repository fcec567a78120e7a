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
    /// <summary>The doubles of the group's shared memory X_w takes (n rows of <see cref="RowStride"/> elements of <paramref name="elementBytes"/>, or none).</summary>
    int DesignDoubles(int samples, int features, int elementBytes);

    /// <summary>Elements from one row of X_w to the next as the group reads it (p, or more where rows are padded).</summary>
    int RowStride(int features);

    /// <summary>
    /// X_w (the n × p elements at the start of <paramref name="design"/>, row-major) as the group reads it, rows
    /// <see cref="RowStride"/> apart, thread <paramref name="thread"/> of <paramref name="threads"/> doing its part of
    /// any copy into <paramref name="room"/> (<see cref="DesignDoubles"/> doubles); the group synchronises before reading it.
    /// </summary>
    ArrayView<T> Place<T>(ArrayView<T> design, ArrayView<double> room, int samples, int features, int thread, int threads) where T : unmanaged;
}

/// <summary>X_w staged in shared memory as it lies (<see cref="DesignPlacement.SharedMemory"/>).</summary>
public readonly struct StagedDesign : IDesignPlacement
{
    /// <inheritdoc />
    public int DesignDoubles(int samples, int features, int elementBytes) =>
        (int)(((long)samples * features * elementBytes + sizeof(double) - 1) / sizeof(double));

    /// <inheritdoc />
    public int RowStride(int features) => features;

    /// <inheritdoc />
    public ArrayView<T> Place<T>(ArrayView<T> design, ArrayView<double> room, int samples, int features, int thread, int threads) where T : unmanaged
    {
        int length = samples * features;
        var staged = room.Cast<T>().SubView(0, length);
        // X_w is contiguous: consecutive threads read consecutive addresses
        for (int e = thread; e < length; e += threads)
            staged[e] = design[e];
        return staged;
    }
}

/// <summary>
/// X_w staged in shared memory with its rows an odd number of elements apart (p, or p + 1 for p even), for kernels
/// that read it a thread a row: 32 rows p apart fall in gcd(p, 32) of the 32 banks when p is even (8-way conflicts at
/// p = 200 in float32, 32-way at 256), in distinct banks when the stride is odd. The values and their order are X_w's.
/// </summary>
public readonly struct PaddedStagedDesign : IDesignPlacement
{
    /// <inheritdoc />
    public int DesignDoubles(int samples, int features, int elementBytes) =>
        (int)(((long)samples * RowStride(features) * elementBytes + sizeof(double) - 1) / sizeof(double));

    /// <inheritdoc />
    public int RowStride(int features) => features | 1;

    /// <inheritdoc />
    public ArrayView<T> Place<T>(ArrayView<T> design, ArrayView<double> room, int samples, int features, int thread, int threads) where T : unmanaged
    {
        int stride = RowStride(features), length = samples * features;
        var staged = room.Cast<T>().SubView(0, samples * stride);
        // consecutive threads read consecutive addresses of the contiguous X_w; element (i, j) goes to i·stride + j
        for (int e = thread; e < length; e += threads)
        {
            int i = e / features;
            staged[e + i * (stride - features)] = design[e];
        }
        return staged;
    }
}

/// <summary>X_w read from global memory (<see cref="DesignPlacement.GlobalMemory"/>).</summary>
public readonly struct GlobalDesign : IDesignPlacement
{
    /// <inheritdoc />
    public int DesignDoubles(int samples, int features, int elementBytes) => 0;

    /// <inheritdoc />
    public int RowStride(int features) => features;

    /// <inheritdoc />
    public ArrayView<T> Place<T>(ArrayView<T> design, ArrayView<double> room, int samples, int features, int thread, int threads) where T : unmanaged => design;
}
