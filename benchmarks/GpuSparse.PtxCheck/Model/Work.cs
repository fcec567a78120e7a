namespace GpuSparse.PtxCheck.Model;

/// <summary>
/// The resources one piece of device work consumes: bytes through each memory level and link, floating-point
/// operations per precision, and the cycles of its longest chain of dependent instructions.
/// </summary>
/// <param name="HbmBytes">Bytes read or written in HBM.</param>
/// <param name="SharedBytes">Bytes read or written in shared memory (or through L1 for register-resident data that spills to it).</param>
/// <param name="Flops64">float64 floating-point operations (an FMA counts 2).</param>
/// <param name="Flops32">float32 floating-point operations (an FMA counts 2).</param>
/// <param name="HostLinkBytes">Bytes over PCIe, either direction.</param>
/// <param name="ChainCycles">Cycles of dependent latency one problem's work needs, overlapped only across problems.</param>
internal readonly record struct Work(double HbmBytes, double SharedBytes, double Flops64, double Flops32, double HostLinkBytes, double ChainCycles)
{
    public static Work operator +(Work a, Work b) => new(a.HbmBytes + b.HbmBytes, a.SharedBytes + b.SharedBytes,
        a.Flops64 + b.Flops64, a.Flops32 + b.Flops32, a.HostLinkBytes + b.HostLinkBytes, a.ChainCycles + b.ChainCycles);

    public static Work operator *(double count, Work w) => new(count * w.HbmBytes, count * w.SharedBytes,
        count * w.Flops64, count * w.Flops32, count * w.HostLinkBytes, count * w.ChainCycles);

    /// <summary>float64 or float32 flops, by the working precision's size in bytes.</summary>
    public static Work Flops(double flops, int scalarBytes) =>
        scalarBytes == 8 ? new Work(0, 0, flops, 0, 0, 0) : new Work(0, 0, 0, flops, 0, 0);

    /// <summary>HBM traffic only.</summary>
    public static Work Hbm(double bytes) => new(bytes, 0, 0, 0, 0, 0);

    /// <summary>Shared-memory traffic only.</summary>
    public static Work Shared(double bytes) => new(0, bytes, 0, 0, 0, 0);

    /// <summary>Dependent latency only.</summary>
    public static Work Chain(double cycles) => new(0, 0, 0, 0, 0, cycles);
}
