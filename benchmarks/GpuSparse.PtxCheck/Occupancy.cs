namespace GpuSparse.PtxCheck;

/// <summary>Resident blocks and warps per SM of one kernel launch on an H200, by the CUDA occupancy rules for cc 9.0.</summary>
/// <param name="GroupSize">Threads per block.</param>
/// <param name="BlocksPerSm">Resident blocks per SM (0: the launch cannot run).</param>
/// <param name="Fraction">Resident warps over the SM's 64 warp slots.</param>
/// <param name="LimitedBy">The resource that sets <paramref name="BlocksPerSm"/>.</param>
internal sealed record Occupancy(int GroupSize, int BlocksPerSm, double Fraction, string LimitedBy)
{
    /// <summary>The occupancy of a launch with <paramref name="groupSize"/> threads per block.</summary>
    public static Occupancy Of(int groupSize, int registers, int sharedBytes)
    {
        int warpsPerBlock = (groupSize + H200.WarpSize - 1) / H200.WarpSize;
        var limits = new List<(int Blocks, string Resource)>
        {
            (H200.BlocksPerSm, "blocks/SM"),
            (H200.ThreadsPerSm / (warpsPerBlock * H200.WarpSize), "threads/SM"),
        };
        // Registers: each warp takes ⌈32·regs / 256⌉·256 of the SM's 64K.
        if (registers > H200.MaxRegistersPerThread)
            return new Occupancy(groupSize, 0, 0, "registers/thread");
        int registersPerWarp = RoundUp(Math.Max(registers, 1) * H200.WarpSize, H200.RegisterAllocationUnit);
        limits.Add((H200.RegistersPerSm / registersPerWarp / warpsPerBlock, "registers"));
        // Shared memory: each block takes its bytes rounded up to 128, plus the 1 KB the driver reserves.
        if (sharedBytes > H200.SharedMemoryPerBlock)
            return new Occupancy(groupSize, 0, 0, "shared memory/block");
        if (sharedBytes > 0)
        {
            int perBlock = RoundUp(sharedBytes, H200.SharedMemoryAllocationUnit) + H200.SharedMemoryReservedPerBlock;
            limits.Add((H200.SharedMemoryPerSm / perBlock, "shared memory"));
        }
        int blocks = limits.Min(l => l.Blocks);
        double fraction = (double)blocks * warpsPerBlock * H200.WarpSize / H200.ThreadsPerSm;
        return new Occupancy(groupSize, blocks, fraction, string.Join(" = ", limits.Where(l => l.Blocks == blocks).Select(l => l.Resource)));
    }

    /// <summary>
    /// The launch ILGPU's auto-grouping makes (cuOccupancyMaxPotentialBlockSize): the largest block size, in
    /// whole warps, among those with the highest occupancy.
    /// </summary>
    public static Occupancy Best(int registers, int sharedBytes)
    {
        Occupancy best = Of(H200.WarpSize, registers, sharedBytes);
        for (int size = 2 * H200.WarpSize; size <= H200.ThreadsPerBlock; size += H200.WarpSize)
        {
            var candidate = Of(size, registers, sharedBytes);
            if (candidate.Fraction >= best.Fraction)
                best = candidate;
        }
        return best;
    }

    private static int RoundUp(int value, int unit) => (value + unit - 1) / unit * unit;
}
