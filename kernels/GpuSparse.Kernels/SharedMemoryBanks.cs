namespace GpuSparse.Kernels;

/// <summary>
/// Bank conflicts of a kernel's shared-memory accesses on CUDA, counted from the addresses, for the cost formulas of
/// <see cref="KernelCostModel"/>. Shared memory has 32 banks of 4 bytes. A warp's access is served in as many
/// wavefronts (128 bytes, one a clock) as the largest number of distinct 4-byte words that any one bank holds among
/// the addresses: a broadcast of one word is one wavefront, 32 consecutive floats one, 32 consecutive doubles two, and
/// 32 floats p apart gcd(p, 32).
/// </summary>
public static class SharedMemoryBanks
{
    private const int Banks = 32, WordBytes = 4;

    /// <summary>Bytes of one wavefront.</summary>
    public const int WavefrontBytes = Banks * WordBytes;

    /// <summary>
    /// Wavefronts of one warp access: lane l (l &lt; <paramref name="lanes"/>) reads or writes <paramref name="width"/>
    /// bytes (4 or 8) at byte address <paramref name="address"/>(l).
    /// </summary>
    public static int Wavefronts(int lanes, int width, Func<int, long> address)
    {
        Span<int> counts = stackalloc int[Banks];
        var words = new HashSet<long>();
        int most = 0;
        for (int lane = 0; lane < lanes; lane++)
            for (int part = 0; part < width / WordBytes; part++)
            {
                long word = address(lane) / WordBytes + part;
                if (words.Add(word))
                    most = Math.Max(most, ++counts[(int)(word % Banks)]);
            }
        return most;
    }

    /// <summary>
    /// Wavefronts of one coordinate-descent sweep's reads of G in <see cref="OnChip.GramCoordinateDescentKernel"/>: for
    /// each coordinate j, lane a of 32 reads Gⱼₐ of the packed upper half (<see cref="OnChip.GramCoordinateDescentKernel.Packed"/>,
    /// float64) for a = lane, lane + 32, …; the same count serves a Gram-form check's q = c − Gβ (lane a reads Gₐᵦ for
    /// each b, G symmetric).
    /// </summary>
    public static int GramSweepWavefronts(int features)
    {
        int total = 0;
        for (int j = 0; j < features; j++)
            for (int first = 0; first < features; first += KernelCatalog.CudaWarpSize)
            {
                int row = j, start = first;
                total += Wavefronts(Math.Min(KernelCatalog.CudaWarpSize, features - first), sizeof(double),
                    lane => 8L * OnChip.GramCoordinateDescentKernel.Packed(row, start + lane, features));
            }
        return total;
    }

    /// <summary>
    /// Wavefronts of one pass over a row-major n × p X in shared memory by a thread a row (rows i = thread, thread +
    /// threads, …, with threads a multiple of 32, so a warp holds 32 consecutive rows), each thread reading its row's p
    /// elements of <paramref name="elementBytes"/> in turn, with rows <paramref name="rowStride"/> elements apart: a
    /// warp's lanes are rowStride·elementBytes bytes apart at every step.
    /// </summary>
    public static long RowPassWavefronts(int samples, int features, int rowStride, int elementBytes)
    {
        long total = 0;
        for (int first = 0; first < samples; first += KernelCatalog.CudaWarpSize)
        {
            int lanes = Math.Min(KernelCatalog.CudaWarpSize, samples - first);
            total += (long)features * Wavefronts(lanes, elementBytes, lane => (long)lane * rowStride * elementBytes);
        }
        return total;
    }
}
