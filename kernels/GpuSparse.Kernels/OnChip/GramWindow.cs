namespace GpuSparse.Kernels.OnChip;

/// <summary>The iterations one launch of <see cref="GramCoordinateDescentKernel"/> covers, and the solve's stopping options.</summary>
public struct GramWindow
{
    /// <summary>Sweeps every active problem has done before this launch (0 on the first launch, which also makes the first check).</summary>
    public int StartIteration;

    /// <summary>The launch stops its active problems after this many sweeps in all (a multiple of the check interval, or the limit).</summary>
    public int EndIteration;

    /// <summary>Sweeps between gap checks.</summary>
    public int CheckInterval;

    /// <summary>The sweep limit.</summary>
    public int MaxIterations;

    /// <summary>
    /// The Gram-form certificate is used when the gap tolerance is at least this multiple of 2·(null objective);
    /// below it each check forms the residual from X (the Gram form's cancellation would exceed the tolerance).
    /// </summary>
    public double TrustedTolerance;
}
