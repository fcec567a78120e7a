using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using GpuSparse.Certificates;
using GpuSparse.Engines;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.OnChip;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Model;
using GpuSparse.Preparation;
using ILGPU;
using ILGPU.Runtime;

namespace GpuSparse.Backends;

/// <summary>
/// Device buffers (and their page-locked host staging arrays) for up to <see cref="Capacity"/> prepared problems
/// of one shape and one penalty kind, in the problem-major layout of <see cref="ProblemViews{T}"/>: each problem's
/// values are contiguous, as prepared, so staging is one bulk copy per array and problem. A loaded batch is
/// iterated in windows of check intervals that grow (1, 2, 4, …) between reads of the count of finished problems
/// (one integer through page-locked memory, after this batch's own stream reaches it); the iterates come back once,
/// at the end. Reusable: load, run and collect again without reallocating, and without allocating managed memory
/// (the kernels are resolved once, here). Every copy and launch is queued on the batch's own stream, so that batches
/// on one device overlap; staging and collection copy on several cores in contiguous ranges.
/// </summary>
/// <remarks>
/// Loading is staged: <see cref="Begin"/>, then <see cref="Stage"/> or <see cref="Skip"/> for every problem,
/// then <see cref="Commit"/>. Designs are uploaded separately (<see cref="StageDesign"/> and
/// <see cref="UploadDesigns"/>, or <see cref="UseSharedDesign"/>) so that a resident session uploads them once.
/// </remarks>
internal sealed class DeviceBatch<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<MemoryBuffer> _buffers = [];
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _design, _z, _next, _residual, _correlation;
    // device arrays with their page-locked host staging (pinned .NET arrays registered with the driver, so copies are
    // DMA, not staged); a resident batch's per-call ones are sections of one packed pair (_packed, _hostPacked)
    private readonly Staged<T> _response, _l1, _l2, _step, _stepOverN, _beta, _best, _momentum;
    private readonly Staged<int> _status, _finishedAt, _finished, _blockEnds;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _listLength;
    private readonly MemoryBuffer1D<int, Stride1D.Dense>[] _lists;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _gapResidual, _gapCorrelation, _runaway;
    private readonly Staged<double> _gapTolerance, _nullObjective, _gap, _objective, _bestGap, _bestObjective;
    // a resident session's: λ and r per problem, the column constants of its penalty weights and starts (empty otherwise)
    private readonly Staged<double> _lambda, _l1Ratio;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _penaltyFactors, _columnScales;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _columnFlags;
    private readonly ResidentSections _sections;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense>? _packed;
    private readonly ulong[] _hostPacked = [];
    // a resident session's start source, read by its fused solve kernels at each launch, and the carry of a cancelled call
    private ResidentStart<T> _residentStart;
    private readonly Action<AcceleratorStream, Index1D, ResidentViews<T>> _residentCarryActive = null!;
    // Launches when a resident call's results were last downloaded (−1: not since Begin)
    private int _launchesDownloaded = -1;
    private readonly List<IDisposable> _pinned = [];
    private readonly AcceleratorStream _stream;
    private readonly T[] _hostDesign;
    private readonly Action<AcceleratorStream, Index1D, ProblemViews<T>, IterateViews<T>, int, int> _iterate = null!;
    private readonly Action<AcceleratorStream, KernelConfig, ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow> _coordinateDescent = null!;
    private readonly Action<AcceleratorStream, KernelConfig, ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow, int> _blockIterate = null!;
    private readonly Action<AcceleratorStream, KernelConfig, ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow, int> _registerFista = null!;
    private readonly Action<AcceleratorStream, KernelConfig, ProblemViews<T>, IterateViews<T>, CertificateViews, GramWindow, int> _sharedCoordinateDescent = null!;
    private readonly int _warpSize, _blockSize, _sharedWarps;
    private readonly BlockPlacement _blockPlacement;
    private readonly Action<AcceleratorStream, Index1D, ProblemViews<T>, IterateViews<T>, CertificateViews, int, int>? _check;
    private readonly Action<AcceleratorStream, Index1D, ArrayView<int>, ArrayView<int>, int, ArrayView<int>, ArrayView<int>> _compact;
    private PreparedDesign<T>? _sharedDesign;
    private int _designCount;
    private int _count;
    private int _skipped;
    private int _finishedCount;
    private int _list;
    // the steps uploaded so far (problems 0 … _stepsOnDevice − 1) and whether a staged one differs from them
    private int _stepsOnDevice;
    private bool _stepsChanged;

    /// <summary>Allocates buffers for <paramref name="capacity"/> problems of n × p, with or without positivity.</summary>
    /// <param name="accelerator">The device.</param>
    /// <param name="kernels">The compiled kernels of the device.</param>
    /// <param name="capacity">The most problems one load can hold.</param>
    /// <param name="samples">n.</param>
    /// <param name="features">p.</param>
    /// <param name="designPerProblem">Whether each problem has its own design.</param>
    /// <param name="positive">Whether the problems are constrained to β ≥ 0.</param>
    /// <param name="memoryLimitBytes">
    /// When set, the device is treated as having only this many bytes free: buffers that need more fail with the
    /// <see cref="OutOfMemoryException"/> a real allocation failure raises (for testing the recovery on any device).
    /// </param>
    /// <param name="engine">The algorithm the batch runs, resolved (<see cref="DeviceEngines.ForAlgorithm"/>, <see cref="DeviceEngines.ForShape"/>).</param>
    /// <param name="grouped">
    /// Whether the problems have a group penalty (<see cref="GroupElasticNet{T}"/>, block ends staged per problem):
    /// only the one-thread-per-problem proximal gradient takes blocks, so it runs whatever <paramref name="engine"/> says.
    /// </param>
    /// <param name="resident">
    /// Whether the batch serves a resident session (<see cref="SetUpResident"/>, <see cref="ResidentStaging"/>,
    /// <see cref="CommitResident"/>, <see cref="FinishResident"/>): λ, r and the starts stay on the device, expanded and
    /// carried by the solve kernels themselves.
    /// </param>
    /// <param name="placement">
    /// Where the shared-design engine reads X_w; null (the default) by shape (<see cref="SharedGramCoordinateDescentKernel.Placement"/>:
    /// staged where it fits). Tests force one to compare the two placements where both apply.
    /// </param>
    /// <exception cref="OutOfMemoryException">A buffer could not be allocated; nothing stays allocated.</exception>
    /// <exception cref="NotSupportedException">The forced <paramref name="placement"/> does not fit the shape.</exception>
    public DeviceBatch(Accelerator accelerator, IlgpuKernels kernels, int capacity, int samples, int features,
        bool designPerProblem, bool positive, long? memoryLimitBytes = null, DeviceEngine engine = DeviceEngine.ProximalGradient,
        bool grouped = false, bool resident = false, DesignPlacement? placement = null)
    {
        engine = grouped ? DeviceEngine.ProximalGradient
            : DeviceEngines.ForShape(engine, DeviceEngines.Resolve(engine, features), samples, features, accelerator.WarpSize,
                accelerator.MaxNumThreadsPerGroup, Unsafe.SizeOf<T>(), designPerProblem);
        int maxCapacity = MaxCapacity(samples, features, designPerProblem, resident);
        if (capacity > maxCapacity)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity,
                $"{capacity} problems of {samples} × {features} ({(designPerProblem ? "each its own design" : "a shared design")}"
                + $"{(resident ? ", resident" : "")}) exceed the kernels' int indexing: at most {maxCapacity} fit one device batch");
        long required = RequiredBytes(capacity, samples, features, designPerProblem, engine, resident);
        if (required > memoryLimitBytes)
            throw new OutOfMemoryException($"{required} bytes of device buffers exceed the simulated limit of {memoryLimitBytes} bytes");
        Capacity = capacity;
        Samples = samples;
        Features = features;
        DesignPerProblem = designPerProblem;
        Positive = positive;
        Grouped = grouped;
        Engine = engine;
        bool proximal = DeviceEngines.IsProximalGradient(engine);
        var (residualScratch, correlationScratch) = IterationScratch(engine, samples, features);
        var (checkResidual, checkCorrelation) = CheckScratch(engine, samples, features);
        _warpSize = accelerator.WarpSize;
        _blockSize = BlockIterationKernel.GroupSize(_warpSize, accelerator.MaxNumThreadsPerGroup);
        PlacementAsked = placement;
        if (engine == DeviceEngine.SharedGramCoordinateDescent)
        {
            // by shape: staged where X_w fits (ForShape has refused the shapes neither placement fits)
            Placement = placement ?? SharedGramCoordinateDescentKernel.Placement(samples, features, _warpSize, accelerator.MaxNumThreadsPerGroup,
                Unsafe.SizeOf<T>()) ?? DesignPlacement.GlobalMemory;
            _sharedWarps = SharedGramCoordinateDescentKernel.Warps(samples, features, _warpSize, accelerator.MaxNumThreadsPerGroup,
                Unsafe.SizeOf<T>(), Placement);
            if (_sharedWarps == 0)
                throw new NotSupportedException($"the shared-design kernel with X_w in {Placement} does not fit {samples} × {features} in " +
                    $"{SharedGramCoordinateDescentKernel.MaxSharedBytes / 1024} KB of shared memory");
        }
        _blockPlacement = BlockIterationKernel.Placement(samples, features, Unsafe.SizeOf<T>());
        // a resident session's kernels expand each problem's start at its first check and carry it when it finishes
        Func<ResidentStart<T>>? start = resident ? () => _residentStart : null;
        if (engine == DeviceEngine.RegisterProximalGradient)
            _registerFista = positive
                ? kernels.RegisterFista<T, NonNegativeElasticNet<T>>(start)
                : kernels.RegisterFista<T, ElasticNet<T>>(start);
        else if (engine == DeviceEngine.BlockProximalGradient)
            _blockIterate = positive
                ? kernels.BlockIteration<T, NonNegativeElasticNet<T>>(_blockPlacement, start)
                : kernels.BlockIteration<T, ElasticNet<T>>(_blockPlacement, start);
        else if (grouped)
            _iterate = kernels.Iteration<T, GroupElasticNet<T>>();
        else if (engine == DeviceEngine.SharedGramCoordinateDescent)
            _sharedCoordinateDescent = positive
                ? kernels.SharedGramCoordinateDescent<T, NonNegativeElasticNet<T>>(Placement, start)
                : kernels.SharedGramCoordinateDescent<T, ElasticNet<T>>(Placement, start);
        else if (engine == DeviceEngine.ProximalGradient)
            _iterate = positive
                ? kernels.Iteration<T, NonNegativeElasticNet<T>>()
                : kernels.Iteration<T, ElasticNet<T>>();
        else
            _coordinateDescent = positive
                ? kernels.GramCoordinateDescent<T, NonNegativeElasticNet<T>>(start)
                : kernels.GramCoordinateDescent<T, ElasticNet<T>>(start);
        // the on-chip engines check in their own kernels: the gap kernel is compiled for the thread-per-problem engine only
        if (engine == DeviceEngine.ProximalGradient)
            _check = grouped ? kernels.Gap<T, GroupElasticNet<T>>()
                : positive ? kernels.Gap<T, NonNegativeElasticNet<T>>(start) : kernels.Gap<T, ElasticNet<T>>(start);
        _compact = kernels.Compaction();
        Resident = resident;
        if (resident)
            _residentCarryActive = kernels.ResidentCarryActive<T>();
        // its own stream: batches of one backend overlap (one chunk's uploads and downloads with another's solve),
        // and waiting for this batch's finished count waits for this batch alone
        _stream = accelerator.CreateStream();
        long np = (long)samples * features, nk = (long)samples * capacity, pk = (long)features * capacity;
        long designLength = designPerProblem ? np * capacity : np;
        // the proximal-gradient state (coordinate descent keeps its own on-chip), the iteration scratch r, β⁺ and c where
        // the kernels keep them in device memory (IterationScratch), and the checks' float64 R and v where they do (CheckScratch)
        long proximalPk = proximal ? pk : 0, proximalK = proximal ? capacity : 0;
        // a failed allocation must not leak the buffers allocated before it
        try
        {
            // a shared design is uploaded straight from its prepared values; per-problem designs are interleaved first
            _design = Allocate<T>(accelerator, designLength);
            _hostDesign = designPerProblem ? Pinned<T>(accelerator, designLength) : [];
            if (resident)
            {
                _sections = ResidentSections.For(capacity, samples, features, Unsafe.SizeOf<T>());
                _packed = Allocate<byte>(accelerator, _sections.End);
                _hostPacked = Pinned<ulong>(accelerator, (_sections.End + sizeof(ulong) - 1) / sizeof(ulong));
            }
            _response = PerCall<T>(accelerator, _sections.Response, nk);
            _l1 = Pair<T>(accelerator, pk);
            _l2 = Pair<T>(accelerator, pk);
            _step = Pair<T>(accelerator, proximalK);
            _stepOverN = Pair<T>(accelerator, proximalK);
            _beta = Pair<T>(accelerator, pk);
            _best = PerCall<T>(accelerator, _sections.Best, pk);
            _momentum = Pair<T>(accelerator, proximalK);
            _z = Allocate<T>(accelerator, proximalPk);
            _next = Allocate<T>(accelerator, residualScratch ? pk : 0);
            _residual = Allocate<T>(accelerator, residualScratch ? nk : 0);
            _correlation = Allocate<T>(accelerator, correlationScratch ? pk : 0);
            _status = PerCall<int>(accelerator, _sections.Status, capacity);
            _finishedAt = PerCall<int>(accelerator, _sections.FinishedAt, capacity);
            _finished = PerCall<int>(accelerator, _sections.Finished, 1);
            _blockEnds = Pair<int>(accelerator, grouped ? pk : 0);
            _listLength = Allocate<int>(accelerator, 1);
            _lists = [Allocate<int>(accelerator, capacity), Allocate<int>(accelerator, capacity)];
            _gapResidual = Allocate<double>(accelerator, checkResidual ? nk : 0);
            _gapCorrelation = Allocate<double>(accelerator, checkCorrelation ? pk : 0);
            _gapTolerance = PerCall<double>(accelerator, _sections.GapTolerance, capacity);
            _nullObjective = PerCall<double>(accelerator, _sections.NullObjective, capacity);
            _runaway = Allocate<double>(accelerator, capacity);
            _gap = PerCall<double>(accelerator, _sections.Gap, capacity);
            _objective = Pair<double>(accelerator, capacity);
            _bestGap = PerCall<double>(accelerator, _sections.BestGap, capacity);
            _bestObjective = Pair<double>(accelerator, capacity);
            long columns = resident ? (designPerProblem ? pk : features) : 0;
            _lambda = PerCall<double>(accelerator, _sections.Lambda, resident ? capacity : 0);
            _l1Ratio = PerCall<double>(accelerator, _sections.L1Ratio, resident ? capacity : 0);
            _penaltyFactors = Allocate<double>(accelerator, 6 * columns);
            _columnScales = Allocate<double>(accelerator, columns);
            _columnFlags = Allocate<int>(accelerator, columns);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether <paramref name="engine"/> (resolved) keeps r and β⁺ (n·K and p·K values) and c (p·K) in device memory
    /// for problems of n × p: the thread-per-problem engine all three; the block engine r and β⁺ only where its state
    /// does not fit shared memory (<see cref="BlockPlacement.GlobalMemory"/>), and never c (each thread keeps its
    /// column's c in a register); the on-chip engines none.
    /// </summary>
    private static (bool ResidualAndNext, bool Correlation) IterationScratch(DeviceEngine engine, int samples, int features) => engine switch
    {
        DeviceEngine.ProximalGradient => (true, true),
        DeviceEngine.BlockProximalGradient =>
            (BlockIterationKernel.Placement(samples, features, Unsafe.SizeOf<T>()) == BlockPlacement.GlobalMemory, false),
        _ => (false, false),
    };

    /// <summary>
    /// Whether <paramref name="engine"/> (resolved) keeps its checks' float64 R (n·K) and v (p·K) in device memory for
    /// problems of n × p: the gap kernel both; the block engine both where its state does not fit shared memory
    /// (<see cref="BlockPlacement.GlobalMemory"/>), else neither (they are staged with the state); the Gram kernels R
    /// (their residual certificate from X); the register kernel neither.
    /// </summary>
    private static (bool Residual, bool Correlation) CheckScratch(DeviceEngine engine, int samples, int features) => engine switch
    {
        DeviceEngine.ProximalGradient => (true, true),
        DeviceEngine.BlockProximalGradient => BlockIterationKernel.Placement(samples, features, Unsafe.SizeOf<T>()) == BlockPlacement.GlobalMemory
            ? (true, true) : (false, false),
        DeviceEngine.RegisterProximalGradient => (false, false),
        _ => (true, false),
    };

    /// <summary>The device threads one problem of n samples occupies on <paramref name="engine"/> (resolved for its shape).</summary>
    public static int ThreadsPerProblem(DeviceEngine engine, int samples, int warpSize, int maxThreadsPerGroup) => engine switch
    {
        DeviceEngine.BlockProximalGradient => BlockIterationKernel.GroupSize(warpSize, maxThreadsPerGroup),
        DeviceEngine.RegisterProximalGradient => RegisterFistaKernel.Warps(samples) * warpSize,
        DeviceEngine.GramCoordinateDescent or DeviceEngine.SharedGramCoordinateDescent => warpSize,
        _ => 1,
    };

    /// <summary>The most problems one load can hold.</summary>
    public int Capacity { get; }

    /// <summary>How many device buffers this batch holds (allocated once, in the constructor).</summary>
    public int BufferCount => _buffers.Count;

    /// <summary>The bytes of device memory held by this batch's buffers.</summary>
    public long AllocatedBytes => _buffers.Sum(buffer => buffer.LengthInBytes);

    /// <summary>
    /// The largest element count or launch extent a batch may reach: the kernels index X_w, y, the p·K arrays and a
    /// resident session's penalty factors with int arithmetic, ILGPU rounds an auto-grouped launch's extent up to whole
    /// groups (of at most 1,024 threads) in int, and a page-locked staging array is a .NET array (at most
    /// <see cref="Array.MaxLength"/> elements, which is above this).
    /// </summary>
    public const long IndexLimit = int.MaxValue - 1024;

    /// <summary>
    /// The most problems of n × p one batch can hold with every device index, launch extent and staging array within
    /// <see cref="IndexLimit"/> (0 when not even one can): per problem, its design (when it has its own), y (n), the p·K
    /// arrays and, in a resident session, six penalty factors per column of its own design and its bytes of the packed
    /// per-call buffer (staged as 8-byte words).
    /// </summary>
    public static int MaxCapacity(int samples, int features, bool designPerProblem, bool resident = false)
    {
        long np = (long)samples * features;
        long perProblem = Math.Max(designPerProblem ? np : 0, Math.Max(samples, features));
        // a shared design (and a resident session's factors of its columns) are held once
        long once = designPerProblem ? 0 : np;
        if (resident)
        {
            if (designPerProblem)
                perProblem = Math.Max(perProblem, 6L * features);
            else
                once = Math.Max(once, 6L * features);
        }
        long capacity = once > IndexLimit ? 0 : IndexLimit / perProblem;
        if (resident)
        {
            // the packed per-call buffer, staged in 8-byte words: K problems take at most K·b + 11 bytes, b the bytes of one
            // problem (eight problems put every section at a multiple of 8, so their difference from none holds no padding),
            // the finished count's 4 and at most 7 of padding
            int size = Unsafe.SizeOf<T>();
            long bytes = (ResidentSections.For(8, samples, features, size).End - ResidentSections.For(0, samples, features, size).End) / 8;
            capacity = Math.Min(capacity, (sizeof(ulong) * IndexLimit - 18) / bytes);
        }
        return (int)Math.Min(int.MaxValue, capacity);
    }

    /// <summary>The bytes of device memory the buffers for <paramref name="capacity"/> problems of n × p take.</summary>
    public static long RequiredBytes(int capacity, int samples, int features, bool designPerProblem,
        DeviceEngine engine = DeviceEngine.ProximalGradient, bool resident = false)
    {
        engine = DeviceEngines.Resolve(engine, features);
        bool proximal = DeviceEngines.IsProximalGradient(engine);
        var (residualScratch, correlationScratch) = IterationScratch(engine, samples, features);
        var (checkResidual, checkCorrelation) = CheckScratch(engine, samples, features);
        long np = (long)samples * features, nk = (long)samples * capacity, pk = (long)features * capacity;
        long design = designPerProblem ? np * capacity : np;
        // T: design; response (n·K); l1, l2, β, best (p·K); proximal gradient only: z (p·K), step, t/n, momentum (K);
        // the iteration scratch: residual (n·K) and next (p·K), correlation (p·K)
        long elements = design + nk + 4 * pk + (proximal ? pk + 3L * capacity : 0) + (residualScratch ? nk + pk : 0)
            + (correlationScratch ? pk : 0);
        // int: status, finished-at and two index lists (K); the finished count and the list length
        // a resident session: its columns (p, or p·K with a design per problem) have one flag each
        long columns = resident ? (designPerProblem ? pk : features) : 0;
        long ints = 4L * capacity + 2 + columns;
        // double: the checks' R (n·K) and v (p·K) where they are in device memory, seven certificate scalars per problem;
        // a resident session: λ and r (K), six penalty factors and a scale per column
        long doubles = (checkResidual ? nk : 0) + 7L * capacity + (checkCorrelation ? pk : 0)
            + (resident ? 2L * capacity + 7 * columns : 0);
        // a resident session packs its per-call arrays into one buffer, with its alignment padding
        long padding = resident ? ResidentSections.For(capacity, samples, features, Unsafe.SizeOf<T>()).Padding : 0;
        return elements * Unsafe.SizeOf<T>() + ints * sizeof(int) + doubles * sizeof(double) + padding;
    }

    /// <summary>The algorithm this batch runs.</summary>
    public DeviceEngine Engine { get; }

    /// <summary>Where the shared-design engine reads X_w (<see cref="DesignPlacement.SharedMemory"/> on the other engines, which do not read it).</summary>
    public DesignPlacement Placement { get; }

    /// <summary>The placement the constructor was asked for (null: by shape), for reusing the batch.</summary>
    public DesignPlacement? PlacementAsked { get; }

    /// <summary>n.</summary>
    public int Samples { get; }

    /// <summary>p.</summary>
    public int Features { get; }

    /// <summary>Whether each problem has its own design (otherwise one design is shared by all).</summary>
    public bool DesignPerProblem { get; }

    /// <summary>Whether the problems are constrained to β ≥ 0.</summary>
    public bool Positive { get; }

    /// <summary>Whether the problems have a group penalty (block ends on the device).</summary>
    public bool Grouped { get; }

    /// <summary>Whether the batch serves a resident session (λ, r and the starts stay on the device).</summary>
    public bool Resident { get; }

    /// <summary>
    /// When the problems still active fall below this fraction of the threads launched, the active ones are
    /// gathered into a compact list and later launches cover only them (0 never compacts, 1 compacts whenever
    /// any problem has finished). Results do not depend on it.
    /// </summary>
    public double CompactionThreshold { get; set; } = DefaultCompactionThreshold;

    /// <summary>The default of <see cref="CompactionThreshold"/>.</summary>
    public const double DefaultCompactionThreshold = 0.5;

    /// <summary>How many times the last <see cref="Run"/> compacted the active problems.</summary>
    public int Compactions { get; private set; }

    /// <summary>How many gap checks the last <see cref="Run"/> launched (one more than its iteration launches; for coordinate descent, its launches).</summary>
    public int Checks { get; private set; }

    /// <summary>Host–device copies since the last <see cref="Begin"/> (uploads, finished counts, downloads).</summary>
    public int Transfers => Uploads + Downloads;

    /// <summary>Host-to-device copies since the last <see cref="Begin"/>.</summary>
    public int Uploads { get; private set; }

    /// <summary>Device-to-host copies since the last <see cref="Begin"/> (finished counts and results).</summary>
    public int Downloads { get; private set; }

    /// <summary>
    /// Whether <see cref="Run"/> times its launches on the device into <see cref="KernelTime"/>: two profiling markers on the
    /// stream around each group of launches between two reads of the finished count (the context enables profiling). Off by
    /// default: the markers are objects, and a warm resident call allocates nothing.
    /// </summary>
    public bool MeasureKernelTime { get; set; }

    /// <summary>
    /// The device time of the last <see cref="Run"/>'s kernels (with <see cref="MeasureKernelTime"/>; zero without): from the
    /// start of each group of launches to its end, summed over the groups, so the host's reads of the finished count between
    /// them are left out.
    /// </summary>
    public TimeSpan KernelTime { get; private set; }

    /// <summary>Kernel launches since the last <see cref="Begin"/> (iterations, checks, compactions, a resident session's expansion and carry).</summary>
    public int Launches { get; private set; }

    /// <summary>Bytes uploaded since the last <see cref="Begin"/> (a shared design counts when it is uploaded).</summary>
    public long BytesUploaded { get; private set; }

    /// <summary>Bytes downloaded since the last <see cref="Begin"/> (finished counts and results).</summary>
    public long BytesDownloaded { get; private set; }

    /// <summary>
    /// Reads of the finished count on its own since the last <see cref="Begin"/> (4 bytes each, within <see cref="BytesDownloaded"/>);
    /// a resident call's first read is its results download instead (<see cref="FinishResident"/>).
    /// </summary>
    public int FinishedReads { get; private set; }

    /// <summary>Waits for the batch's stream since the last <see cref="Begin"/>.</summary>
    public int Synchronizations { get; private set; }

    /// <summary>
    /// The most threads staging and collection copy on (null: every core). Results do not depend on it; the
    /// staging benchmark compares one thread with all.
    /// </summary>
    public int? StagingThreads { get; set; }

    /// <summary>The least bytes one staging thread copies: smaller loads are copied on the calling thread.</summary>
    public const long MinStagingRangeBytes = 1L << 20;

    /// <summary>
    /// The least bytes one range of <see cref="InRanges"/> covers (<see cref="MinStagingRangeBytes"/>; tests lower it to
    /// split small loads into ranges).
    /// </summary>
    internal long LeastRangeBytes { get; set; } = MinStagingRangeBytes;

    /// <summary>How many ranges the last <see cref="InRanges"/> ran (1: on the calling thread alone).</summary>
    public int Ranges { get; private set; }

    /// <summary>Stages and uploads <paramref name="problems"/> (all of n × p and of this batch's positivity; with a shared layout, all on one design).</summary>
    /// <remarks>
    /// The problems are staged in contiguous ranges of at least <see cref="MinStagingRangeBytes"/> on up to
    /// <see cref="StagingThreads"/> cores, each problem checked against the batch in the same pass as its copies.
    /// </remarks>
    public void Load(ReadOnlyMemory<PreparedProblem<T>> problems)
    {
        int count = problems.Length;
        Begin(count);
        StageProblems(problems);
        if (DesignPerProblem)
            UploadDesigns(count);
        else
            UseSharedDesign(problems.Span[0].Design);
        Commit();
    }

    /// <summary>
    /// Stages <paramref name="problems"/> as problems 0, 1, … of the load <see cref="Begin"/> started (the host copies
    /// of <see cref="Load"/>, without its uploads).
    /// </summary>
    public void StageProblems(ReadOnlyMemory<PreparedProblem<T>> problems)
    {
        int count = problems.Length;
        var first = problems.Span[0];
        // the step-change flag is or-ed over the ranges (each stages its own)
        int stepsChanged = 0;
        InRanges(count, StagedBytesPerProblem, (start, end) =>
        {
            var span = problems.Span;
            bool changed = false;
            for (int k = start; k < end; k++)
            {
                var problem = span[k];
                if (problem.Positive != Positive || (problem.BlockEnds is not null) != Grouped)
                    throw new ArgumentException("every problem of a device batch must have the batch's penalty", nameof(problems));
                if (DesignPerProblem)
                    StageDesign(k, problem.Design);
                else if (!ReferenceEquals(problem.Design, first.Design))
                    throw new ArgumentException("a shared-design device batch needs one prepared design", nameof(problems));
                changed |= StageValues(k, problem.Design, problem.Response, problem.L1, problem.L2, problem.Initial,
                    problem.GapTolerance, problem.NullObjective);
                problem.BlockEnds?.CopyTo(_blockEnds.Host.Slice(k * Features, Features));
            }
            if (changed)
                Volatile.Write(ref stepsChanged, 1);
        });
        _stepsChanged |= stepsChanged != 0;
    }

    // The host bytes staged per problem: its design (when it has its own), y, and l1, l2, β₀ and block ends.
    private long StagedBytesPerProblem => ((DesignPerProblem ? (long)Samples * Features : 0) + Samples + 3L * Features)
        * Unsafe.SizeOf<T>() + (Grouped ? Features * sizeof(int) : 0);

    /// <summary>
    /// Runs <paramref name="body"/> over [0, <paramref name="count"/>) in contiguous ranges of at least
    /// <see cref="LeastRangeBytes"/> (at <paramref name="bytesPerProblem"/> each), one range per thread of
    /// <see cref="StagingThreads"/>; a single range runs on the calling thread. The body must be safe on several threads
    /// for disjoint ranges.
    /// </summary>
    /// <remarks>
    /// A single range allocates nothing (given a cached <paramref name="body"/>); several allocate a Parallel.For
    /// whatever <paramref name="count"/>: its options, the range closure and the loop's own state and tasks.
    /// </remarks>
    public void InRanges(int count, long bytesPerProblem, Action<int, int> body)
    {
        int threads = StagingThreads ?? Environment.ProcessorCount;
        long least = Math.Max(1, LeastRangeBytes / Math.Max(1, bytesPerProblem));
        int ranges = (int)Math.Clamp(count / least, 1, Math.Max(1, threads));
        Ranges = ranges;
        if (ranges == 1)
            body(0, count);
        else
            InParallel(count, ranges, body);
    }

    // Apart from InRanges: the closure of the ranges is allocated on entry to the method that holds it.
    private static void InParallel(int count, int ranges, Action<int, int> body)
    {
        try
        {
            Parallel.For(0, ranges, new ParallelOptions { MaxDegreeOfParallelism = ranges },
                range => body((int)((long)count * range / ranges), (int)((long)count * (range + 1) / ranges)));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            // the caller sees what a range threw, as from one thread
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>Copies design <paramref name="design"/> as problem k's into the staging array (one bulk copy, n·p values at k·n·p).</summary>
    public void StageDesign(int k, PreparedDesign<T> design)
    {
        CheckShape(design);
        int size = Samples * Features;
        design.Values.AsSpan(0, size).CopyTo(_hostDesign.AsSpan(k * size, size));
    }

    /// <summary>Uploads the per-problem designs staged for <paramref name="count"/> problems (the count of the load they serve).</summary>
    public void UploadDesigns(int count)
    {
        _designCount = count;
        Upload(_design.View, ref MemoryMarshal.GetArrayDataReference(_hostDesign), (long)Samples * Features * count);
    }

    /// <summary>Uploads the shared design unless it is already on the device.</summary>
    public void UseSharedDesign(PreparedDesign<T> design)
    {
        CheckShape(design);
        if (ReferenceEquals(_sharedDesign, design))
            return;
        _sharedDesign = design;
        // the prepared array is not pinned: a copy the host waits for
        _design.View.SubView(0, design.Values.Length).CopyFromCPU(_stream, ref design.Values[0], design.Values.Length);
        Synchronize();
        Uploads++;
        BytesUploaded += (long)design.Values.Length * Unsafe.SizeOf<T>();
    }

    /// <summary>Starts a load of <paramref name="count"/> problems: every k below it must then be staged or skipped.</summary>
    public void Begin(int count)
    {
        if (count < 1 || count > Capacity)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"between 1 and {Capacity} problems fit this batch");
        _count = count;
        _skipped = 0;
        Uploads = 0;
        Downloads = 0;
        Launches = 0;
        BytesUploaded = 0;
        BytesDownloaded = 0;
        FinishedReads = 0;
        Synchronizations = 0;
        _launchesDownloaded = -1;
    }

    /// <summary>Stages problem k: y_c (n), l1 and l2 weights and the working-scale start (p each), and its certificate scales.</summary>
    public void Stage(int k, PreparedDesign<T> design, ReadOnlySpan<T> response, ReadOnlySpan<T> l1, ReadOnlySpan<T> l2,
        ReadOnlySpan<T> initial, double gapTolerance, double nullObjective) =>
        _stepsChanged |= StageValues(k, design, response, l1, l2, initial, gapTolerance, nullObjective);

    // Stage's copies (safe on several threads for distinct k); true when problem k's steps differ from those on the device.
    private bool StageValues(int k, PreparedDesign<T> design, ReadOnlySpan<T> response, ReadOnlySpan<T> l1, ReadOnlySpan<T> l2,
        ReadOnlySpan<T> initial, double gapTolerance, double nullObjective)
    {
        CheckShape(design);
        int n = Samples, p = Features;
        // bulk copies into problem k's contiguous ranges
        response[..n].CopyTo(_response.Host.Slice(k * n, n));
        l1[..p].CopyTo(_l1.Host.Slice(k * p, p));
        l2[..p].CopyTo(_l2.Host.Slice(k * p, p));
        initial[..p].CopyTo(_beta.Host.Slice(k * p, p));
        return StageScalars(k, design, gapTolerance, nullObjective);
    }

    // Problem k's steps, momentum, certificate scales and status; true when its steps differ from those on the device.
    private bool StageScalars(int k, PreparedDesign<T> design, double gapTolerance, double nullObjective)
    {
        bool stepsChanged = false;
        if (DeviceEngines.IsProximalGradient(Engine))
        {
            var (step, stepOverN) = Steps(design);
            stepsChanged = k >= _stepsOnDevice || _step.Host[k] != step || _stepOverN.Host[k] != stepOverN;
            _step.Host[k] = step;
            _stepOverN.Host[k] = stepOverN;
            _momentum.Host[k] = T.One;
        }
        _gapTolerance.Host[k] = gapTolerance;
        _nullObjective.Host[k] = nullObjective;
        _status.Host[k] = BatchStatus.Active;
        return stepsChanged;
    }

    // The same t and t/n as the reference iteration (coordinate descent needs no step: L is never computed).
    private (T Step, T StepOverN) Steps(PreparedDesign<T> design)
    {
        T step = T.CreateTruncating(design.Step);
        return (step, step / T.CreateTruncating(Samples));
    }

    /// <summary>
    /// Marks problem k as not to be iterated (its input is invalid); it counts as finished from the start. Safe on several
    /// threads for distinct k.
    /// </summary>
    public void Skip(int k)
    {
        _status.Host[k] = BatchStatus.Skipped;
        Interlocked.Increment(ref _skipped);
    }

    /// <summary>Uploads the staged problems; the designs must already be on the device for this count.</summary>
    public void Commit()
    {
        int count = _count;
        CheckDesignsLoaded();
        long nk = (long)Samples * count, pk = (long)Features * count;
        Upload(_response, nk);
        Upload(_l1, pk);
        Upload(_l2, pk);
        if (Grouped)
            Upload(_blockEnds, pk);
        Upload(_beta, pk);
        if (DeviceEngines.IsProximalGradient(Engine))
        {
            // z = β₀, copied on the device
            Slice(_beta, pk).CopyTo(_stream, Slice(_z, pk));
            UploadSteps();
            Upload(_momentum, count);
        }
        UploadScalars();
    }

    private void CheckDesignsLoaded()
    {
        if (DesignPerProblem ? _designCount != _count : _sharedDesign is null)
            throw new InvalidOperationException("the designs of this load are not on the device");
    }

    // The steps t and t/n, when a staged one differs from those on the device (they depend on the design only).
    private void UploadSteps()
    {
        if (!_stepsChanged)
            return;
        Upload(_step, _count);
        Upload(_stepOverN, _count);
        _stepsOnDevice = Math.Max(_stepsOnDevice, _count);
        _stepsChanged = false;
    }

    // The certificate scales, the statuses and the finished count (the skipped problems).
    private void UploadScalars()
    {
        int count = _count;
        Upload(_gapTolerance, count);
        Upload(_nullObjective, count);
        Upload(_status, count);
        _finishedCount = _skipped;
        _finished.Host[0] = _skipped;
        Upload(_finished, 1);
    }

    /// <summary>
    /// Uploads the column constants of a resident session's designs (one shared, or one per problem) and zeroes the
    /// starts: for each column, the factors of ScaleB by tⱼ and 2tⱼ (<see cref="ResidentStartKernel.ScaleBFactors"/>),
    /// sⱼ and whether it is active and iterated. The host waits for the copies (once per session). Each problem's steps,
    /// which depend on its design alone, are staged here once for the first call to upload (<see cref="CommitResident"/>).
    /// </summary>
    public void SetUpResident(ReadOnlySpan<PreparedDesign<T>> designs)
    {
        if (!Resident)
            throw new InvalidOperationException("this device batch does not serve a resident session");
        int p = Features, columns = designs.Length * p;
        var factors = new double[6 * columns];
        var scales = new double[columns];
        var flags = new int[columns];
        for (int d = 0; d < designs.Length; d++)
        {
            var design = designs[d];
            CheckShape(design);
            for (int j = 0; j < p; j++)
            {
                int c = d * p + j, t = design.PenaltyExponents?[j] ?? 0;
                ResidentStartKernel.ScaleBFactors(t, factors.AsSpan(6 * c, 3));
                ResidentStartKernel.ScaleBFactors(2 * t, factors.AsSpan(6 * c + 3, 3));
                scales[c] = design.ColumnScales[j];
                flags[c] = (design.ActiveColumns[j] ? ResidentStartKernel.ActiveColumn : 0)
                    | (design.IteratedColumns[j] ? ResidentStartKernel.IteratedColumn : 0);
            }
        }
        _penaltyFactors.View.SubView(0, factors.Length).CopyFromCPU(_stream, factors);
        _columnScales.View.SubView(0, columns).CopyFromCPU(_stream, scales);
        _columnFlags.View.SubView(0, columns).CopyFromCPU(_stream, flags);
        _beta.Device.MemSetToZero(_stream);
        Synchronize();
        if (DeviceEngines.IsProximalGradient(Engine))
        {
            for (int k = 0; k < Capacity; k++)
                (_step.Host[k], _stepOverN.Host[k]) = Steps(designs[designs.Length == 1 ? 0 : k]);
            _stepsChanged = true;
        }
    }

    /// <summary>
    /// The page-locked staging of a resident call's λ, r, certificate scales, statuses and y_c (problem k's explicit start
    /// is <see cref="StagedStart"/>); a problem that is not staged there is skipped (<see cref="Skip"/>).
    /// </summary>
    public ResidentStaging<T> ResidentStaging() =>
        new(_response.Host, Samples, _lambda.Host, _l1Ratio.Host, _gapTolerance.Host, _nullObjective.Host, _status.Host);

    /// <summary>Problem k's explicit working-scale start (p values) in the page-locked staging, written in place.</summary>
    public Span<T> StagedStart(int k) => _beta.Host.Slice(k * Features, Features);

    /// <summary>
    /// The host bytes a resident call stages per problem: y_c, λ, r, the two certificate scales and the status (and the
    /// explicit start).
    /// </summary>
    public long ResidentStagedBytesPerProblem(bool explicitStarts) =>
        (Samples + (explicitStarts ? (long)Features : 0)) * Unsafe.SizeOf<T>() + 4 * sizeof(double) + sizeof(int);

    /// <summary>The host bytes a resident call downloads per problem: the returned iterate, the two gaps, the finishing iteration and the status.</summary>
    public long ResidentResultBytesPerProblem => (long)Features * Unsafe.SizeOf<T>() + 2 * sizeof(double) + 2 * sizeof(int);

    /// <summary>
    /// Uploads the staged resident problems in one copy (the statuses, the finished count, λ, r, the certificate scales
    /// and y: <see cref="ResidentSections"/>; the explicit starts when <paramref name="explicitStarts"/>, in a second, into
    /// the best-iterate buffer, which a solve writes after its first check reads it); the solve's first check expands them
    /// (<see cref="ResidentStartKernel.Expand{T, TPrecision}"/>), otherwise each problem starts from β as the last call
    /// left it. A resident call loads every problem.
    /// </summary>
    public void CommitResident(bool explicitStarts)
    {
        int count = _count;
        if (_packed is null || count != Capacity)
            throw new InvalidOperationException("a resident call loads all the problems of a resident device batch");
        CheckDesignsLoaded();
        _finishedCount = _skipped;
        _finished.Host[0] = _skipped;
        Upload(PackedDevice(_sections.Status, _sections.End), ref PackedHost(_sections.Status), _sections.End - _sections.Status);
        if (explicitStarts)
            Upload(_best.Device, ref _beta.HostReference, (long)Features * count);
        if (DeviceEngines.IsProximalGradient(Engine))
            UploadSteps();
        _residentStart = new ResidentStart<T> { Views = ResidentViews(), ExplicitStarts = explicitStarts ? 1 : 0 };
    }

    /// <summary>
    /// After <see cref="Run"/>: the results of a resident call in the host's packed buffer (the last and best gaps, the
    /// returned iterates, <see cref="Iterate"/> with best, the finishing iterations and the statuses), each solved
    /// problem's returned iterate chosen and carried into its next start in β by the kernel that finished it
    /// (<see cref="ResidentStartKernel.Carry{T, TPrecision}"/>). When the run's first read of the finished count, which
    /// was this download, found every problem finished, nothing is left to do; otherwise the problems a cancellation left
    /// running are carried (<see cref="ResidentStartKernel.CarryActive{T, TPrecision}"/>) and the results downloaded again.
    /// </summary>
    public void FinishResident()
    {
        if (_finishedCount < _count)
        {
            _residentCarryActive(_stream, Features * _count, _residentStart.Views);
            Launches++;
        }
        if (_launchesDownloaded == Launches)
            return;
        FetchResidentResults();
        Synchronize();
    }

    // Queues the download of a resident call's results with the finished count, one copy.
    private void FetchResidentResults()
    {
        Fetch(PackedDevice(_sections.Gap, _sections.DownloadEnd), ref PackedHost(_sections.Gap), _sections.DownloadEnd - _sections.Gap);
        _launchesDownloaded = Launches;
    }

    // Queues the downloads of the statuses, the finishing iterations and the last and best gaps.
    private void FetchOutcomes()
    {
        Fetch(_status, _count);
        Fetch(_finishedAt, _count);
        Fetch(_gap, _count);
        Fetch(_bestGap, _count);
    }

    /// <summary>Zeroes a resident session's starts.</summary>
    public void ResetStarts() => _beta.Device.MemSetToZero(_stream);

    private ResidentViews<T> ResidentViews()
    {
        long pk = (long)Features * _count;
        return new ResidentViews<T>
        {
            Lambda = Slice(_lambda, _count),
            L1Ratio = Slice(_l1Ratio, _count),
            PenaltyFactors = _penaltyFactors.View,
            ColumnScales = _columnScales.View,
            ColumnFlags = _columnFlags.View,
            L1 = Slice(_l1, pk),
            L2 = Slice(_l2, pk),
            Beta = Slice(_beta, pk),
            Best = Slice(_best, pk),
            Z = Slice(_z, pk),
            Momentum = Slice(_momentum, _count),
            Status = Slice(_status, _count),
            Gap = Slice(_gap, _count),
            BestGap = Slice(_bestGap, _count),
            Features = Features,
            DesignPerProblem = DesignPerProblem ? 1 : 0,
            Positive = Positive ? 1 : 0,
        };
    }

    /// <summary>
    /// Iterates the loaded problems until every one has finished, the iteration limit, or cancellation
    /// (checked between kernel launches). Returns the iterations performed by the problems still running.
    /// </summary>
    /// <param name="options">The solver options.</param>
    /// <param name="onFinished">Told how many more problems finished after each check.</param>
    /// <param name="cancellationToken">Stops the iteration at the next check.</param>
    public int Run(SolverOptions options, Action<int>? onFinished, CancellationToken cancellationToken)
    {
        KernelTime = TimeSpan.Zero;
        return Engine switch
        {
            DeviceEngine.GramCoordinateDescent or DeviceEngine.SharedGramCoordinateDescent => RunCoordinateDescent(options, onFinished, cancellationToken),
            DeviceEngine.RegisterProximalGradient or DeviceEngine.BlockProximalGradient => RunOnChipProximalGradient(options, onFinished, cancellationToken),
            _ => RunProximalGradient(options, onFinished, cancellationToken),
        };
    }

    // A profiling marker on the stream where launches are timed (the start of a group of launches), else none.
    private ProfilingMarker? Mark() => MeasureKernelTime ? _stream.AddProfilingMarker() : null;

    private int RunProximalGradient(SolverOptions options, Action<int>? onFinished, CancellationToken cancellationToken)
    {
        bool accelerated = options.Algorithm == SolverAlgorithm.Fista;
        var problem = ProblemViews();
        var state = IterateViews(accelerated);
        var certificate = CertificateViews();
        var check = _check!;
        int iteration = 0, extent = _count;
        Compactions = 0;
        Checks = 1;
        var start = Mark();
        Compact(ref state, ref extent);
        check(_stream, extent, problem, state, certificate, iteration, options.MaxIterations);
        Launches++;
        ReadFinished(onFinished, start);
        // the launches of 1, 2, 4, … check intervals are queued before the host waits for the finished count
        // (problems retired by a check do nothing in the launches after it, so results do not depend on it)
        int intervals = 1;
        while (_finishedCount < _count && !cancellationToken.IsCancellationRequested)
        {
            start = Mark();
            Compact(ref state, ref extent);
            for (int queued = 0; queued < intervals && iteration < options.MaxIterations; queued++)
            {
                int checkAt = Math.Min(options.MaxIterations, iteration + options.CheckInterval);
                _iterate(_stream, extent, problem, state, checkAt - iteration, accelerated ? 1 : 0);
                iteration = checkAt;
                Checks++;
                check(_stream, extent, problem, state, certificate, iteration, options.MaxIterations);
                // the iteration and its check
                Launches += 2;
            }
            intervals = Math.Min(2 * intervals, MaxIntervalsPerRead);
            ReadFinished(onFinished, start);
        }
        return iteration;
    }

    /// <summary>
    /// Coordinate descent on G, a warp per problem (<see cref="GramCoordinateDescentKernel"/>, or
    /// <see cref="SharedGramCoordinateDescentKernel"/> with G formed once per group of warps): each launch covers a
    /// window of check intervals, twice as long as the last one up to <see cref="MaxIntervalsPerLaunch"/>, so the
    /// host waits for the finished count a few times per solve rather than at every check. A solve cancelled
    /// before it starts still makes the first check (in a window of zero sweeps), as the host engines do.
    /// </summary>
    private int RunCoordinateDescent(SolverOptions options, Action<int>? onFinished, CancellationToken cancellationToken) =>
        RunOnChip(options, accelerated: false, onFinished, cancellationToken);

    /// <summary>
    /// ISTA/FISTA with a block per problem and the checks in the kernel, in launch windows as <see cref="RunCoordinateDescent"/>:
    /// X in the block's registers (<see cref="RegisterFistaKernel"/>, ⌈n/7⌉ warps a problem), or X and the state in
    /// shared memory where they fit (<see cref="BlockIterationKernel"/>, up to 128 threads a problem).
    /// </summary>
    private int RunOnChipProximalGradient(SolverOptions options, Action<int>? onFinished, CancellationToken cancellationToken) =>
        RunOnChip(options, options.Algorithm == SolverAlgorithm.Fista, onFinished, cancellationToken);

    /// <summary>
    /// Launches the on-chip kernel of <see cref="Engine"/> over windows of check intervals, each twice as long as the
    /// last up to <see cref="MaxIntervalsPerLaunch"/>, reading the finished count after each.
    /// </summary>
    private int RunOnChip(SolverOptions options, bool accelerated, Action<int>? onFinished, CancellationToken cancellationToken)
    {
        var problem = ProblemViews();
        var state = IterateViews(accelerated);
        var certificate = CertificateViews();
        var window = new GramWindow
        {
            CheckInterval = options.CheckInterval,
            MaxIterations = options.MaxIterations,
            TrustedTolerance = GramDualityGap.TrustedTolerance,
        };
        int iteration = 0, extent = _count, intervals = 1;
        Compactions = 0;
        Checks = 0;
        do
        {
            var start = Mark();
            Compact(ref state, ref extent);
            window.StartIteration = iteration;
            window.EndIteration = cancellationToken.IsCancellationRequested
                ? iteration
                : (int)Math.Min(options.MaxIterations, iteration + (long)intervals * options.CheckInterval);
            LaunchOnChip(extent, problem, state, certificate, window, accelerated);
            iteration = window.EndIteration;
            intervals = Math.Min(2 * intervals, MaxIntervalsPerLaunch);
            Checks++;
            ReadFinished(onFinished, start);
        }
        while (_finishedCount < _count && !cancellationToken.IsCancellationRequested);
        return iteration;
    }

    // One launch of the on-chip kernel over a window (no delegate per call: a warm resident call allocates nothing).
    private void LaunchOnChip(int extent, ProblemViews<T> problem, IterateViews<T> state, CertificateViews certificate,
        GramWindow window, bool accelerated)
    {
        if (Engine == DeviceEngine.RegisterProximalGradient)
        {
            int warps = RegisterFistaKernel.Warps(Samples);
            var shared = SharedMemoryConfig.RequestDynamic<double>(RegisterFistaKernel.SharedDoubles(warps, _warpSize, Unsafe.SizeOf<T>()));
            _registerFista(_stream, new KernelConfig(extent, warps * _warpSize, shared), problem, state, certificate, window, accelerated ? 1 : 0);
        }
        else if (Engine == DeviceEngine.BlockProximalGradient)
        {
            var shared = SharedMemoryConfig.RequestDynamic<double>(BlockIterationKernel.SharedDoubles(_blockPlacement, Samples, Features,
                Unsafe.SizeOf<T>()));
            _blockIterate(_stream, new KernelConfig(extent, _blockSize, shared), problem, state, certificate, window, accelerated ? 1 : 0);
        }
        else if (Engine == DeviceEngine.SharedGramCoordinateDescent)
        {
            // W problems a group, the last group's slots past the extent empty
            int warps = _sharedWarps, groups = (extent + warps - 1) / warps;
            var shared = SharedMemoryConfig.RequestDynamic<double>(SharedGramCoordinateDescentKernel.SharedDoubles(warps, Samples, Features,
                Unsafe.SizeOf<T>(), Placement));
            _sharedCoordinateDescent(_stream, new KernelConfig(groups, warps * _warpSize, shared), problem, state, certificate, window, extent);
        }
        else
        {
            var shared = SharedMemoryConfig.RequestDynamic<double>(GramCoordinateDescentKernel.SharedDoubles(Features));
            _coordinateDescent(_stream, new KernelConfig(extent, _warpSize, shared), problem, state, certificate, window);
        }
        Launches++;
    }

    /// <summary>The most check intervals one coordinate-descent launch covers (cancellation is seen between launches).</summary>
    public const int MaxIntervalsPerLaunch = 64;

    /// <summary>The most check intervals the proximal-gradient engine queues between two reads of the finished count.</summary>
    public const int MaxIntervalsPerRead = 4;

    /// <summary>
    /// When the active problems are fewer than <see cref="CompactionThreshold"/> of the <paramref name="extent"/>
    /// threads launched, gathers them into the other index list and launches only them from now on. Statuses
    /// change only in the checks (the gap kernel's, or an on-chip kernel's own), which count them, so the list holds
    /// exactly the unfinished count.
    /// </summary>
    private void Compact(ref IterateViews<T> state, ref int extent)
    {
        int active = _count - _finishedCount;
        if (active == 0 || active >= CompactionThreshold * extent)
            return;
        var to = _lists[1 - _list].View;
        _listLength.MemSetToZero(_stream);
        _compact(_stream, extent, state.Status, state.Problems, state.Compacted, to, _listLength.View);
        Launches++;
        _list = 1 - _list;
        state.Problems = to;
        state.Compacted = 1;
        extent = active;
        Compactions++;
    }

    /// <summary>
    /// Reads back the iterates and the certificate state of the loaded problems (after <see cref="Run"/>): the copies
    /// are queued on the stream and waited for once.
    /// </summary>
    public void Download()
    {
        int count = _count;
        long pk = (long)Features * count;
        Fetch(_beta, pk);
        Fetch(_best, pk);
        FetchOutcomes();
        Fetch(_objective, count);
        Fetch(_bestObjective, count);
        Synchronize();
    }

    /// <summary>
    /// How problem k ended, from the state read by <see cref="Download"/> (or <see cref="FinishResident"/>): a problem still running after
    /// <paramref name="iteration"/> iterations was cancelled; a skipped one is invalid.
    /// </summary>
    public DeviceOutcome Outcome(int k, int iteration)
    {
        var status = ProblemOutcome.StatusOf(_status.Host[k]);
        return new DeviceOutcome(status, Iterations(status, _finishedAt.Host[k], iteration), _gap.Host[k], _objective.Host[k],
            _bestGap.Host[k], _bestObjective.Host[k], _status.Host[k] == BatchStatus.FixedPoint);
    }

    /// <summary>
    /// The iterations reported for a problem that ended in <paramref name="status"/> at <paramref name="finishedAt"/>: a
    /// cancelled one ran the run's <paramref name="iteration"/>, an invalid one none.
    /// </summary>
    public static int Iterations(ProblemStatus status, int finishedAt, int iteration) => status switch
    {
        ProblemStatus.Invalid => 0,
        ProblemStatus.Cancelled => iteration,
        _ => finishedAt,
    };

    /// <summary>
    /// The results of a resident call as <see cref="FinishResident"/> left them in the host's packed buffer, for the
    /// session to unpack in one pass (<see cref="Outcome"/> and <see cref="Iterate"/> read the same values one problem at
    /// a time).
    /// </summary>
    public ResidentResults<T> ResidentResults() => new(_status.Host, _finishedAt.Host, _gap.Host, _bestGap.Host, _best.Host);

    /// <summary>Problem k's last iterate, or its best one (working scale, from <see cref="Download"/>), in the host staging.</summary>
    public ReadOnlySpan<T> Iterate(int k, bool best) => (best ? _best.Host : _beta.Host).Slice(k * Features, Features);

    /// <summary>
    /// Reads the outcome back and writes each problem's result at its batch index; problems still running
    /// after <paramref name="iteration"/> iterations (cancelled) are reported with their last iterate.
    /// </summary>
    /// <remarks>The results are built in contiguous ranges on up to <see cref="StagingThreads"/> cores, as staged.</remarks>
    public void Collect(ReadOnlyMemory<PreparedProblem<T>> problems, int iteration, ProblemResult[] results)
    {
        Download();
        // the results hold raw-scale β: each problem's share of the downloaded bytes is about its iterates' (2p); a
        // group penalty's polish (Newton steps on the host) outweighs it
        InRanges(_count, 2L * Features * Unsafe.SizeOf<T>() + 64 + (Grouped ? GroupPolish.CostBytes(Samples, Features) : 0), (start, end) =>
        {
            var span = problems.Span;
            for (int k = start; k < end; k++)
            {
                var o = Outcome(k, iteration);
                var result = ProblemOutcome.Build<T>(span[k], o.Status, o.Iterations, Iterate(k, best: false), o.Gap, o.Objective,
                    Iterate(k, best: true), o.BestGap, o.BestObjective);
                results[span[k].Index] = DeviceEngines.IsProximalGradient(Engine) ? result : result with
                {
                    Message = CoordinateDescentMessage(span[k], o) ?? result.Message,
                };
            }
        });
    }

    /// <summary>The messages of the host coordinate-descent engine, which counts sweeps.</summary>
    private static string? CoordinateDescentMessage(PreparedProblem<T> problem, DeviceOutcome outcome) => outcome switch
    {
        { Status: ProblemStatus.Diverged } => CoordinateDescentMessages.Diverged(problem.Index, outcome.Objective, outcome.Iterations),
        { FixedPoint: true } => CoordinateDescentMessages.FixedPoint(problem.Index, outcome.Iterations, outcome.Gap, problem.GapTolerance),
        { Status: ProblemStatus.Cancelled } => CoordinateDescentMessages.Cancelled(problem.Index, outcome.Iterations),
        _ => null,
    };

    private void CheckShape(PreparedDesign<T> design)
    {
        if (design.Samples != Samples || design.Features != Features)
            throw new ArgumentException($"a design of {design.Samples} × {design.Features} does not fit a device batch of {Samples} × {Features}", nameof(design));
    }

    private ProblemViews<T> ProblemViews() => new()
    {
        Design = _design.View.SubView(0, DesignPerProblem ? (long)Samples * Features * _count : (long)Samples * Features),
        Response = Slice(_response, (long)Samples * _count),
        L1 = Slice(_l1, (long)Features * _count),
        L2 = Slice(_l2, (long)Features * _count),
        BlockEnds = Grouped ? Slice(_blockEnds, (long)Features * _count) : default,
        Step = Slice(_step, _count),
        StepOverN = Slice(_stepOverN, _count),
        Samples = Samples,
        Features = Features,
        Count = _count,
        DesignPerProblem = DesignPerProblem ? 1 : 0,
    };

    private IterateViews<T> IterateViews(bool accelerated)
    {
        long pk = (long)Features * _count;
        var beta = Slice(_beta, pk);
        return new IterateViews<T>
        {
            Beta = beta,
            // ISTA takes the gradient at β itself
            Z = accelerated ? Slice(_z, pk) : beta,
            Next = Slice(_next, pk),
            Best = Slice(_best, pk),
            Residual = Slice(_residual, (long)Samples * _count),
            Correlation = Slice(_correlation, pk),
            Momentum = Slice(_momentum, _count),
            Status = Slice(_status, _count),
            Problems = _lists[_list].View,
            Compacted = 0,
        };
    }

    private CertificateViews CertificateViews() => new()
    {
        Residual = Slice(_gapResidual, (long)Samples * _count),
        Correlation = Slice(_gapCorrelation, (long)Features * _count),
        GapTolerance = Slice(_gapTolerance, _count),
        NullObjective = Slice(_nullObjective, _count),
        Runaway = Slice(_runaway, _count),
        Gap = Slice(_gap, _count),
        Objective = Slice(_objective, _count),
        BestGap = Slice(_bestGap, _count),
        BestObjective = Slice(_bestObjective, _count),
        FinishedAt = Slice(_finishedAt, _count),
        Finished = _finished.Device,
    };

    // The count is copied into page-locked memory behind this batch's launches and read once its own stream reaches
    // the copy: other batches' uploads, launches and downloads go on meanwhile. A resident call's first read downloads
    // its results with the count (a section of them): in its steady state every problem has finished by then. With
    // kernel timing, the group of launches since groupStart (Mark) ends at a marker queued before the copies, and its
    // device time is added once the wait has passed both markers.
    private void ReadFinished(Action<int>? onFinished, ProfilingMarker? groupStart)
    {
        var groupEnd = groupStart is null ? null : _stream.AddProfilingMarker();
        int before = _finishedCount;
        if (Resident && _launchesDownloaded < 0)
            FetchResidentResults();
        else
        {
            Fetch(_finished, 1);
            FinishedReads++;
        }
        Synchronize();
        if (groupStart is not null && groupEnd is not null)
        {
            KernelTime += groupEnd - groupStart;
            groupStart.Dispose();
            groupEnd.Dispose();
        }
        _finishedCount = _finished.Host[0];
        if (_finishedCount > before)
            onFinished?.Invoke(_finishedCount - before);
    }

    // The buffers an engine does not use are empty: their views are too.
    private static ArrayView<TElement> Slice<TElement>(MemoryBuffer1D<TElement, Stride1D.Dense> buffer, long length)
        where TElement : unmanaged => buffer.Length == 0 ? ArrayView<TElement>.Empty : buffer.View.SubView(0, length);

    private static ArrayView<TElement> Slice<TElement>(Staged<TElement> staged, long length)
        where TElement : unmanaged => staged.Device.Length == 0 ? ArrayView<TElement>.Empty : staged.Device.SubView(0, length);

    private void Upload<TElement>(Staged<TElement> staged, long length) where TElement : unmanaged =>
        Upload(staged.Device, ref staged.HostReference, length);

    // Uploads are queued on the stream from page-locked memory (asynchronous DMA on CUDA); kernels launched
    // after them on the same stream see the data.
    private void Upload<TElement>(ArrayView<TElement> device, ref TElement host, long length) where TElement : unmanaged
    {
        if (length == 0)
            return;
        device.SubView(0, length).CopyFromCPUUnsafeAsync(_stream, ref host, length);
        Uploads++;
        BytesUploaded += length * Unsafe.SizeOf<TElement>();
    }

    // A download is queued on the stream into page-locked memory; the caller waits for the stream before reading.
    private void Fetch<TElement>(Staged<TElement> staged, long length) where TElement : unmanaged =>
        Fetch(staged.Device, ref staged.HostReference, length);

    private void Fetch<TElement>(ArrayView<TElement> device, ref TElement host, long length) where TElement : unmanaged
    {
        device.SubView(0, length).CopyToCPUUnsafeAsync(_stream, ref host, length);
        Downloads++;
        BytesDownloaded += length * Unsafe.SizeOf<TElement>();
    }

    // Waits for everything queued on the batch's stream.
    private void Synchronize()
    {
        _stream.Synchronize();
        Synchronizations++;
    }

    // Bytes [start, end) of the packed per-call buffer, on the device and on the host.
    private ArrayView<byte> PackedDevice(long start, long end) => ((ArrayView<byte>)_packed!.View).SubView(start, end - start);

    private ref byte PackedHost(long start) =>
        ref Unsafe.AddByteOffset(ref MemoryMarshal.GetArrayDataReference((Array)_hostPacked), (nint)start);

    private MemoryBuffer1D<TElement, Stride1D.Dense> Allocate<TElement>(Accelerator accelerator, long length)
        where TElement : unmanaged
    {
        var buffer = accelerator.Allocate1D<TElement>(length);
        _buffers.Add(buffer);
        return buffer;
    }

    private Staged<TElement> Pair<TElement>(Accelerator accelerator, long length) where TElement : unmanaged
    {
        var host = Pinned<TElement>(accelerator, length);
        return new Staged<TElement>(Allocate<TElement>(accelerator, length).View, host, 0, host.Length);
    }

    // A per-call array: a section of the packed pair in a resident batch (at byte offset), a pair of its own otherwise.
    private Staged<TElement> PerCall<TElement>(Accelerator accelerator, long offset, long length) where TElement : unmanaged =>
        _packed is null ? Pair<TElement>(accelerator, length)
            : new Staged<TElement>(PackedDevice(offset, offset + length * Unsafe.SizeOf<TElement>()).Cast<TElement>(), _hostPacked,
                offset, checked((int)length));

    /// <summary>A page-locked host array of <paramref name="length"/> elements (a pinned array on the CPU accelerator).</summary>
    private TElement[] Pinned<TElement>(Accelerator accelerator, long length) where TElement : unmanaged
    {
        var array = accelerator.AllocatePageLocked1D<TElement>(length, uninitialized: false);
        _pinned.Add(array);
        return array.GetArray();
    }

    /// <summary>Releases every device buffer.</summary>
    public void Dispose()
    {
        foreach (var buffer in _buffers)
            buffer.Dispose();
        _buffers.Clear();
        foreach (var array in _pinned)
            array.Dispose();
        _pinned.Clear();
        _stream.Dispose();
    }
}

/// <summary>
/// The downloaded results of a resident call (K values each, K·p iterates): the status codes (<c>BatchStatus</c>), the
/// finishing iterations, the last and best gaps, and the returned iterates on the working scale, which the device chose
/// by <see cref="ProblemOutcome.ReturnsBest"/>.
/// </summary>
internal readonly ref struct ResidentResults<T>(ReadOnlySpan<int> status, ReadOnlySpan<int> finishedAt, ReadOnlySpan<double> gap,
    ReadOnlySpan<double> bestGap, ReadOnlySpan<T> returned)
{
    public ReadOnlySpan<int> Status { get; } = status;

    public ReadOnlySpan<int> FinishedAt { get; } = finishedAt;

    public ReadOnlySpan<double> Gap { get; } = gap;

    public ReadOnlySpan<double> BestGap { get; } = bestGap;

    public ReadOnlySpan<T> Returned { get; } = returned;
}

/// <summary>How one problem of a device batch ended: its status, iterations, and its last and best certificates.</summary>
internal readonly record struct DeviceOutcome(ProblemStatus Status, int Iterations, double Gap, double Objective,
    double BestGap, double BestObjective, bool FixedPoint);

/// <summary>
/// The page-locked sections a resident call stages its problems into (<see cref="DeviceBatch{T}.ResidentStaging"/>), taken
/// once per range of problems: y_c (n values a problem, written in place through <see cref="Response"/>), and λ, r, the
/// certificate scales and the status of each problem (<see cref="Stage"/>). Its steps, which depend on the design alone,
/// are staged once a session (<see cref="DeviceBatch{T}.SetUpResident"/>), and FISTA's momentum is reset on the device.
/// Safe on several threads for distinct k.
/// </summary>
internal readonly ref struct ResidentStaging<T>(Span<T> responses, int samples, Span<double> lambda, Span<double> l1Ratio,
    Span<double> gapTolerance, Span<double> nullObjective, Span<int> status)
    where T : unmanaged
{
    private readonly Span<T> _responses = responses;
    private readonly Span<double> _lambda = lambda, _l1Ratio = l1Ratio, _gapTolerance = gapTolerance, _nullObjective = nullObjective;
    private readonly Span<int> _status = status;

    /// <summary>Every problem's y_c, problem-major (problem k's at k·n … (k + 1)·n).</summary>
    public Span<T> Responses => _responses;

    /// <summary>Problem k's y_c (n values).</summary>
    public Span<T> Response(int k) => _responses.Slice(k * samples, samples);

    /// <summary>Stages problem k's λ and r, and its certificate scales (its weights are expanded on the device), as active.</summary>
    public void Stage(int k, double lambda, double l1Ratio, double gapTolerance, double nullObjective)
    {
        _lambda[k] = lambda;
        _l1Ratio[k] = l1Ratio;
        _gapTolerance[k] = gapTolerance;
        _nullObjective[k] = nullObjective;
        _status[k] = BatchStatus.Active;
    }
}

/// <summary>
/// A device array and its page-locked host staging: a buffer and an array of their own, or one section of a packed
/// pair (at the same byte offset in both), so that adjacent sections move in one copy.
/// </summary>
internal readonly struct Staged<TElement>(ArrayView<TElement> device, Array host, long hostByteOffset, int hostLength)
    where TElement : unmanaged
{
    /// <summary>The device array.</summary>
    public ArrayView<TElement> Device { get; } = device;

    /// <summary>Its host staging.</summary>
    public Span<TElement> Host => MemoryMarshal.CreateSpan(ref HostReference, hostLength);

    /// <summary>The first element of <see cref="Host"/> (where a copy starts).</summary>
    public ref TElement HostReference =>
        ref Unsafe.As<byte, TElement>(ref Unsafe.AddByteOffset(ref MemoryMarshal.GetArrayDataReference(host), (nint)hostByteOffset));
}

/// <summary>
/// The byte offsets of a resident call's per-call arrays in one packed buffer (each at a multiple of its element
/// size): out, the last and best gaps, the returned iterates and the finishing iterations; the statuses and the finished
/// count, which go both ways; in, λ, r, the gap tolerances and null objectives, and y. Each direction is then one
/// contiguous range: down [<see cref="Gap"/>, <see cref="DownloadEnd"/>), up [<see cref="Status"/>, <see cref="End"/>).
/// </summary>
internal readonly record struct ResidentSections(long Gap, long BestGap, long Best, long FinishedAt, long Status, long Finished,
    long Lambda, long L1Ratio, long GapTolerance, long NullObjective, long Response, long End)
{
    /// <summary>The sections of <paramref name="capacity"/> problems of n × p with <paramref name="size"/>-byte values.</summary>
    public static ResidentSections For(long capacity, long samples, long features, int size)
    {
        long best = 2 * capacity * sizeof(double), finishedAt = best + features * capacity * size;
        long status = finishedAt + capacity * sizeof(int), finished = status + capacity * sizeof(int);
        // λ starts at a multiple of 8: 4 bytes of padding when the ints and iterates before it end at 4 mod 8
        long lambda = (finished + sizeof(int) + sizeof(double) - 1) / sizeof(double) * sizeof(double);
        long response = lambda + 4 * capacity * sizeof(double);
        return new ResidentSections(0, capacity * sizeof(double), best, finishedAt, status, finished, lambda,
            lambda + capacity * sizeof(double), lambda + 2 * capacity * sizeof(double), lambda + 3 * capacity * sizeof(double),
            response, response + samples * capacity * size);
    }

    /// <summary>The end of the finished count, where the download ends.</summary>
    public long DownloadEnd => Finished + sizeof(int);

    /// <summary>The alignment bytes before λ (within the upload): 4 unless the values are float32 and p·K is odd.</summary>
    public long Padding => Lambda - DownloadEnd;
}
