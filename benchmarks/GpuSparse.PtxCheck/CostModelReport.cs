namespace GpuSparse.PtxCheck;

/// <summary>Placeholder replaced below.</summary>
internal static class CostModelReport
{
    /// <summary>Writes the cost model.</summary>
    public static int Run(CommandLine options) => options.Required("report").Length > 0 ? 1 : 1;
}
