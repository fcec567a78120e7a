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

/// <summary>
/// How a pass in which thread t reads row <c>first + t</c> of X_w (<see cref="BlockIterationKernel"/>'s r = y_c − X_w z
/// and R = y_c − X_wβ) reads a block of rows: where <see cref="IDesignPlacement.Place"/> put X_w, or through a tile in
/// shared memory, <see cref="RowTileColumns"/> columns at a time, so that global memory is read row-contiguously.
/// </summary>
public interface IRowReads
{
    /// <summary>The doubles of the group's shared memory the pass's tile takes (0 where rows are read where X_w is placed).</summary>
    int RowTileDoubles(int samples, int features, int elementBytes);

    /// <summary>The columns a tile holds (p where rows are read where X_w is placed: one tile).</summary>
    int RowTileColumns(int features, int elementBytes);

    /// <summary>
    /// Columns <paramref name="column"/> … <paramref name="column"/> + <paramref name="width"/> − 1 of the rows
    /// <paramref name="firstRow"/> … <paramref name="firstRow"/> + <paramref name="threads"/> − 1 below n of X_w:
    /// <paramref name="placed"/> (X_w where it is placed) itself, or their copy in the <see cref="RowTileDoubles"/>
    /// doubles of <paramref name="shared"/> from <paramref name="tileStart"/>, each warp copying the rows of its own lanes
    /// between two warp barriers (so every thread of a warp calls it alike). Element (i, <paramref name="column"/>) is at
    /// <see cref="RowTileStart"/>, the row's next columns after it.
    /// </summary>
    ArrayView<T> RowTile<T>(ArrayView<T> placed, ArrayView<double> shared, int tileStart, int firstRow, int column, int width, int samples,
        int features, int thread, int threads) where T : unmanaged;

    /// <summary>Where element (i, <paramref name="column"/>) lies in the view <see cref="RowTile"/> returned for <paramref name="firstRow"/>.</summary>
    int RowTileStart(int i, int firstRow, int column, int features, int elementBytes);
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
public readonly struct PaddedStagedDesign : IDesignPlacement, IRowReads
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

    /// <inheritdoc />
    public int RowTileDoubles(int samples, int features, int elementBytes) => 0;

    /// <inheritdoc />
    public int RowTileColumns(int features, int elementBytes) => features;

    /// <inheritdoc />
    public ArrayView<T> RowTile<T>(ArrayView<T> placed, ArrayView<double> shared, int tileStart, int firstRow, int column, int width, int samples,
        int features, int thread, int threads) where T : unmanaged => placed;

    /// <inheritdoc />
    public int RowTileStart(int i, int firstRow, int column, int features, int elementBytes) => i * RowStride(features) + column;
}

/// <summary>
/// X_w read from global memory (<see cref="DesignPlacement.GlobalMemory"/>), and the thread-per-row passes that read it
/// (<see cref="IRowReads"/>, <see cref="BlockIterationKernel"/>'s) through a tile in shared memory: a thread a row reading X_w where it lies puts 32 rows, p elements apart, in one warp access (a sector
/// and an L1 wavefront a lane), where a warp's copy of 128 bytes of each of its lanes' rows is row-contiguous (a line a
/// row) and the tile's rows, an odd number of elements apart, fall in distinct banks. A warp reads only the rows it
/// copied, so it synchronises alone (a group barrier a tile cost the CPU accelerator's emulation 2.6× the time of warp
/// barriers). The pass's sums run in the same order: a row's dot continues from one tile to the next.
/// </summary>
public readonly struct GlobalDesign : IDesignPlacement, IRowReads
{
    /// <summary>The rows a tile holds: the most threads a group of <see cref="BlockIterationKernel"/> has.</summary>
    public const int TileRows = BlockIterationKernel.MaxThreads;

    /// <summary>The bytes of a row a tile holds: one 128-byte line.</summary>
    public const int TileRowBytes = 128;

    /// <inheritdoc />
    public int DesignDoubles(int samples, int features, int elementBytes) => 0;

    /// <inheritdoc />
    public int RowStride(int features) => features;

    /// <inheritdoc />
    public ArrayView<T> Place<T>(ArrayView<T> design, ArrayView<double> room, int samples, int features, int thread, int threads) where T : unmanaged => design;

    /// <inheritdoc />
    public int RowTileDoubles(int samples, int features, int elementBytes) =>
        (int)(((long)Math.Min(samples, TileRows) * TileStride(features, elementBytes) * elementBytes + sizeof(double) - 1) / sizeof(double));

    /// <inheritdoc />
    public int RowTileColumns(int features, int elementBytes) => Math.Min(features, TileRowBytes / elementBytes);

    /// <inheritdoc />
    public ArrayView<T> RowTile<T>(ArrayView<T> placed, ArrayView<double> shared, int tileStart, int firstRow, int column, int width, int samples,
        int features, int thread, int threads) where T : unmanaged
    {
        int stride = TileStride(features, Interop.SizeOf<T>()), lanes = Warp.WarpSize, lane = Warp.LaneIdx;
        // each warp copies the rows its own lanes read, so only the warp synchronises
        int warpFirst = thread - lane, rows = Math.Min(lanes, samples - firstRow - warpFirst);
        var tile = shared.SubView(tileStart, RowTileDoubles(samples, features, Interop.SizeOf<T>())).Cast<T>();
        // the warp's reads of its previous tile are done before it is overwritten
        Warp.Barrier();
        // consecutive lanes copy consecutive columns of a row: (firstRow + r, column + c) to r·stride + c
        for (int e = lane; e < rows * width; e += lanes)
        {
            int r = warpFirst + e / width, c = e - (r - warpFirst) * width;
            tile[r * stride + c] = placed[(firstRow + r) * features + column + c];
        }
        Warp.Barrier();
        return tile;
    }

    /// <inheritdoc />
    public int RowTileStart(int i, int firstRow, int column, int features, int elementBytes) => (i - firstRow) * TileStride(features, elementBytes);

    // a tile's rows an odd number of elements apart (the columns a tile holds, or one more)
    private int TileStride(int features, int elementBytes) => RowTileColumns(features, elementBytes) | 1;
}
