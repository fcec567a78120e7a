namespace GpuSparse.PtxCheck;

/// <summary>
/// The H200 (GH100, compute capability 9.0) figures the PTX check and the cost model assume: per-SM limits from
/// the CUDA occupancy rules for cc 9.0 and the device's published peak rates.
/// </summary>
internal static class H200
{
    /// <summary>Streaming multiprocessors.</summary>
    public const int Multiprocessors = 132;

    /// <summary>32-bit registers per SM.</summary>
    public const int RegistersPerSm = 65_536;

    /// <summary>Registers are allocated per warp in units of this many.</summary>
    public const int RegisterAllocationUnit = 256;

    /// <summary>The most registers one thread can hold.</summary>
    public const int MaxRegistersPerThread = 255;

    /// <summary>Resident threads per SM.</summary>
    public const int ThreadsPerSm = 2048;

    /// <summary>Resident blocks per SM.</summary>
    public const int BlocksPerSm = 32;

    /// <summary>The most threads in one block.</summary>
    public const int ThreadsPerBlock = 1024;

    /// <summary>Threads per warp.</summary>
    public const int WarpSize = 32;

    /// <summary>Shared memory per SM (228 KB).</summary>
    public const int SharedMemoryPerSm = 228 * 1024;

    /// <summary>The most shared memory one block can use (227 KB).</summary>
    public const int SharedMemoryPerBlock = 227 * 1024;

    /// <summary>
    /// The most shared memory (static + dynamic) a launch gets without opting in through
    /// <c>CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES</c>, which ILGPU 1.5.3 never sets: the limit a kernel must keep.
    /// </summary>
    public const int SharedMemoryPerLaunch = 48 * 1024;

    /// <summary>The bytes of kernel parameters a launch takes (4 KB: CUDA's limit before 12.1, whatever the driver).</summary>
    public const int ParameterBytes = 4096;

    /// <summary>Shared memory the driver reserves per resident block.</summary>
    public const int SharedMemoryReservedPerBlock = 1024;

    /// <summary>Shared memory is allocated in units of this many bytes.</summary>
    public const int SharedMemoryAllocationUnit = 128;

    /// <summary>HBM3e bandwidth, bytes/s (4.8 TB/s).</summary>
    public const double HbmBytesPerSecond = 4.8e12;

    /// <summary>FP64 peak (tensor-free FMA pipes), flop/s (~34 TFLOP/s).</summary>
    public const double Fp64FlopsPerSecond = 34e12;

    /// <summary>FP32 peak, flop/s (~67 TFLOP/s).</summary>
    public const double Fp32FlopsPerSecond = 67e12;

    /// <summary>
    /// Aggregate shared-memory bandwidth, bytes/s: 132 SMs × 128 B/clock × ~1.98 GHz ≈ 33 TB/s
    /// (32 banks of 4 bytes per SM per clock, no bank conflicts).
    /// </summary>
    public const double SharedBytesPerSecond = 33e12;

    /// <summary>SM clock under load, Hz (the boost clock).</summary>
    public const double ClockHz = 1.98e9;

    /// <summary>Host link, bytes/s: PCIe 5.0 ×16, ~50 GB/s achieved each way with page-locked buffers.</summary>
    public const double HostLinkBytesPerSecond = 50e9;
}

/// <summary>Host-side figures for the host-to-host and resident-session targets (typical CUDA 12 on a PCIe 5 server; run.sh measures them).</summary>
internal static class HostCosts
{
    /// <summary>
    /// Host memory bandwidth of the staging copy (caller's arrays → page-locked buffers and back), bytes/s: a
    /// copy spread over 4–8 cores of a DDR5 server. Not needed when the caller's memory is page-locked in place.
    /// </summary>
    public const double StagingBytesPerSecond = 25e9;

    /// <summary>
    /// The staging copy's rate on one core, measured on the development VM (benchmarks/RESULTS.md, 2026-12-01,
    /// <c>StagingBenchmarks.StagingCopy</c>, K = 100,000 problems of 64 × 32, one thread, machine quiet), bytes/s; the
    /// VM's second core added nothing (its memory bandwidth binds). The copy runs on every core in ranges of ≥ 1 MiB;
    /// the cores a GPU host needs are a rate over this one, given host memory bandwidth to match.
    /// </summary>
    public const double PerCoreStagingBytesPerSecond = 16.6e9;

    /// <summary>Cores the staging copy needs at <see cref="PerCoreStagingBytesPerSecond"/> for <paramref name="bytesPerSecond"/>.</summary>
    public static int StagingCores(double bytesPerSecond) => (int)Math.Ceiling(bytesPerSecond / PerCoreStagingBytesPerSecond);

    /// <summary>
    /// One thread's staging of a resident call, per problem of 16 × 8 float64, seconds: y, λ and r validated and y
    /// centred into the page-locked section, eight problems' serial float64 sums (whose order fixes the bits) advancing
    /// together (ResponseLanes). Measured on the development VM: <c>ResidentStagingBenchmarks.Stage</c>, K = 1,000 of
    /// 16 × 8, one thread, Min 19.9 and 21.2 µs in two runs of the merged staging and unpacking at load ≈ 1–6, the larger
    /// taken (benchmarks/RESULTS.md, "warm call's host side merged", 2026-12-02; main's 84.4 µs in the same window).
    /// </summary>
    public const double ResidentStageSecondsPerProblem = 21.2e-9;

    /// <summary>
    /// One thread's unpacking of a resident call, per problem of 16 × 8 float64, seconds: β back on the raw scale with
    /// b₀, gap, iterations and status into the caller's arrays, in chunks of 512 coefficients (βⱼ = β_wⱼ/sⱼ a vector at a
    /// time, four intercept sums side by side). Measured on the development VM: <c>ResidentStagingBenchmarks.Unpack</c>,
    /// K = 1,000 of 16 × 8, one thread, Min 4.4 and 4.7 µs in the same two runs, the larger taken (benchmarks/RESULTS.md,
    /// "warm call's host side merged", 2026-12-02; main's 27.0 µs in the same window).
    /// </summary>
    public const double ResidentUnpackSecondsPerProblem = 4.7e-9;

    // The three fixed latencies below are assumptions until a GPU measures them: DeviceLatencyBenchmarks (run.sh's
    // benchmarks phase) times each on the device a resident session uses.

    /// <summary>Host time to enqueue one kernel launch through ILGPU, seconds.</summary>
    public const double LaunchSeconds = 5e-6;

    /// <summary>Host time to enqueue one asynchronous copy, seconds.</summary>
    public const double CopySeconds = 3e-6;

    /// <summary>Host time of one stream synchronisation (wake-up after the device finishes), seconds.</summary>
    public const double SynchronizeSeconds = 8e-6;

    /// <summary>
    /// Host staging on <c>main</c> before issue 16's work, problems/s (issue 16: 1.1–1.3 s per 16,384 problems of 64 × 32;
    /// the element-wise scatter plus a power iteration per problem for the step, per benchmarks/RESULTS.md).
    /// </summary>
    public const double TodayScatterProblemsPerSecond = 13_000;
}
