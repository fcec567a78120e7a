using System.Numerics;
using System.Runtime.CompilerServices;
using GpuSparse.Engines;
using GpuSparse.Kernels.OnChip;
using GpuSparse.Model;
using GpuSparse.Preparation;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace GpuSparse.Backends;

/// <summary>
/// Solves batches on an ILGPU accelerator: CUDA, or ILGPU's CPU accelerator (a kernel emulator for testing the
/// kernels without a GPU). The algorithm is <see cref="SolverOptions.Algorithm"/>, run by the device engine
/// <see cref="Engine"/> picks; ISTA/FISTA follow the reference's operation order, so that on the CPU accelerator
/// float64 iterates match the reference path to the last bit. See docs/gpu.md.
/// </summary>
/// <remarks>
/// Problems are grouped by design (or by n) and positivity and solved in chunks sized from the device's free memory;
/// when a chunk does not fit it is halved, and when not even one problem fits <see cref="Solve{T}"/> throws
/// <see cref="DeviceOutOfMemoryException"/>; other device failures are thrown as <see cref="DeviceFailureException"/>.
/// Chunks are pipelined over up to <see cref="PipelineDepth"/> device batches, each on its own stream: chunk i+1 is
/// staged and uploaded while chunk i is solved and chunk i−1 downloaded and collected (unless the memory divided
/// among the batches would hold too few problems to fill the device: then one chunk at a time). Device batches are pooled
/// across solves (allocated once per shape, grown when a larger chunk is needed, freed by <see cref="Dispose"/>).
/// Results do not depend on the chunk or range size, nor on the pipelining.
/// </remarks>
public sealed class IlgpuBackend : ISolverBackend
{
    // About 512 MiB of float64 working designs and responses per range: a range feeds a device chunk or more.
    private const long PreparedElementBudget = 1L << 26;
    // On the CPU accelerator device memory is host memory: a range, its staging copy, its device copy and the
    // garbage of the range before stay near 1.2 × the input only when ranges are small (64 MiB of float64).
    private const long CpuPreparedElementBudget = 1L << 23;
    // The device memory a chunk may take: this fraction of what is free when it is sized (the rest is left to the
    // pool of idle batches, other processes and the driver).
    private const double ChunkMemoryFraction = 0.5;
    // The CPU accelerator allocates host memory: chunks of at most this many bytes keep it bounded.
    private const long CpuChunkBytes = 64L << 20;

    /// <summary>The default of <see cref="PipelineDepth"/>: chunk i+1 uploads while chunk i solves and chunk i−1 downloads.</summary>
    public const int DefaultPipelineDepth = 3;
    private readonly List<IDisposable> _idle = [];
    private long? _deviceMemoryLimitBytes;
    private static readonly Lazy<string?> CudaProbe = new(ProbeCuda);
    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly IlgpuKernels _kernels;

    private IlgpuBackend(Context context, Accelerator accelerator, string name)
    {
        _context = context;
        _accelerator = accelerator;
        _kernels = new IlgpuKernels(accelerator);
        Name = name;
    }

    /// <summary>True when ILGPU finds a CUDA device (and a driver) on this machine.</summary>
    public static bool IsCudaAvailable => CudaProbe.Value is not null;

    /// <summary>The name of the first CUDA device, or null when there is none.</summary>
    public static string? CudaDeviceName => CudaProbe.Value;

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>What it runs with the <see cref="Engine"/> set: every device algorithm on <see cref="DeviceEngine.Auto"/>, else the engine's.</summary>
    public BackendCapabilities Capabilities => Engine switch
    {
        DeviceEngine.Auto => DeviceCapabilities,
        DeviceEngine.GramCoordinateDescent or DeviceEngine.SharedGramCoordinateDescent => DeviceCapabilities with { Algorithms = [SolverAlgorithm.CoordinateDescent, SolverAlgorithm.GramCoordinateDescent] },
        _ => DeviceCapabilities with { Algorithms = [SolverAlgorithm.Ista, SolverAlgorithm.Fista], Limits = null },
    };

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="SolverAlgorithm.Auto"/> is coordinate descent on G where the engine takes it (p ≤ 64), else FISTA;
    /// group penalties always run FISTA (the on-chip engines are coordinate-wise).
    /// </remarks>
    public SolverAlgorithm AlgorithmFor(SolverAlgorithm algorithm, int features) =>
        algorithm == SolverAlgorithm.Auto ? DeviceEngines.AlgorithmRun(DeviceEngines.ForAlgorithm(Engine, algorithm, features), algorithm)
        : algorithm;

    private static readonly BackendCapabilities DeviceCapabilities = new()
    {
        Algorithms = [SolverAlgorithm.Ista, SolverAlgorithm.Fista, SolverAlgorithm.CoordinateDescent, SolverAlgorithm.GramCoordinateDescent],
        ResidentSessions = true,
        Limits = $"coordinate descent keeps G in shared memory: p ≤ {GramCoordinateDescentKernel.MaxFeatures}",
    };

    // why CUDA cannot run here (the registry's reason, to which the command line adds its own options)
    private const string NoCuda = "no CUDA device is available (ILGPU found no CUDA driver or device)";

    // what a direct caller of CreateCuda is told
    private const string NoCudaAdvice = NoCuda + "; use the cd, reference or cpu backend";

    /// <summary>The registry's entry for ILGPU's CPU accelerator; <c>--devices 0,1</c> runs two emulated devices.</summary>
    internal static BackendDescriptor CpuDescriptor { get; } = new("cpu",
        "runs the device kernels on the CPU, ISTA/FISTA bit-identical to the reference except in the register kernel (n ≤ 56: to rounding); slow, for testing",
        DeviceCapabilities, () => CreateCpu(), () => ["ILGPU CPU accelerator (emulated GPU threads)"],
        createOnDevice: _ => CreateCpu());

    /// <summary>The registry's entry for CUDA: each device by index.</summary>
    internal static BackendDescriptor CudaDescriptor { get; } = new("cuda",
        "coordinate descent on G (p ≤ 64) or FISTA on the GPU; picked by auto; --devices all splits a batch over every device",
        DeviceCapabilities, () => CreateCuda(), () => CudaDevices.Names, () => IsCudaAvailable ? null : NoCuda,
        device => CreateCuda(device), autoPreference: 0);

    /// <summary>The default of <see cref="MaxProblemsPerChunk"/>: no bound beyond the device's memory.</summary>
    public const int DefaultMaxProblemsPerChunk = int.MaxValue;

    /// <summary>
    /// The most problems solved by one round of kernel launches. Chunks are otherwise sized from the device's free
    /// memory (half of it, shared by the <see cref="PipelineDepth"/> batches the chunks are pipelined over, so that
    /// the chunks in flight fill the device with as many problems as it can hold; on the CPU accelerator 64 MiB);
    /// results do not depend on the chunk size.
    /// </summary>
    public int MaxProblemsPerChunk { get; set; } = DefaultMaxProblemsPerChunk;

    /// <summary>
    /// How the device runs the algorithm of <see cref="SolverOptions.Algorithm"/> (default <see cref="DeviceEngine.Auto"/>:
    /// by the algorithm and p, see <see cref="DeviceEngine"/>); an engine that cannot run the algorithm is refused.
    /// </summary>
    public DeviceEngine Engine { get; set; } = DeviceEngine.Auto;

    /// <summary>
    /// When fewer than this fraction of the problems a launch covers are still active, later launches cover
    /// only the active ones (gathered into a compact index list); 0 never compacts. Results do not depend on it.
    /// </summary>
    public double CompactionThreshold { get; set; } = DeviceBatch<double>.DefaultCompactionThreshold;

    /// <summary>
    /// Problems prepared together (the device chunks are taken from one range); null picks it from
    /// <see cref="PreparedElementBudget"/> (<see cref="CpuPreparedElementBudget"/> on the CPU accelerator). Results do not depend on it (tests set it to compare ranged and
    /// whole-batch solves).
    /// </summary>
    internal int? RangeSize { get; set; }

    /// <summary>
    /// Where the shared-design engine reads X_w; null (the default) by shape: staged in shared memory where it fits with
    /// G, else from global memory. Results do not depend on it (tests force each placement to compare them).
    /// </summary>
    internal DesignPlacement? SharedDesignPlacement { get; set; }

    /// <summary>
    /// When set, device buffers beyond this many bytes fail to allocate as on a device that is full, so that the
    /// out-of-memory recovery can be tested on any accelerator.
    /// </summary>
    internal long? DeviceMemoryLimitBytes
    {
        get => _deviceMemoryLimitBytes;
        set
        {
            // the idle batches were allocated without the limit: a limited device would not hold them
            ReleaseIdle();
            _deviceMemoryLimitBytes = value;
        }
    }

    /// <summary>
    /// The device batches a solve pipelines its chunks over (upload, solve, download), at least 1 (one chunk at a
    /// time); the memory a chunk may take is divided among them. Results do not depend on it.
    /// </summary>
    public int PipelineDepth { get; set; } = DefaultPipelineDepth;

    /// <summary>The accelerator's name, as ILGPU reports it.</summary>
    public string DeviceName => _accelerator.Name;

    internal Accelerator Accelerator => _accelerator;

    internal IlgpuKernels Kernels => _kernels;

    /// <summary>Device buffers this backend has allocated for device batches so far (pooled batches are not counted again).</summary>
    internal long DeviceBufferAllocations => Interlocked.Read(ref _deviceBufferAllocations);

    private long _deviceBufferAllocations;

    /// <summary>A backend on ILGPU's CPU accelerator (emulated device threads, warps of 4; for testing the kernels).</summary>
    public static IlgpuBackend CreateCpu() => CreateCpu(CPUDevice.Default);

    /// <summary>A backend on ILGPU's CPU accelerator emulating <paramref name="device"/> (e.g. <see cref="CPUDevice.Nvidia"/>: warps of 32).</summary>
    internal static IlgpuBackend CreateCpu(CPUDevice device)
    {
        var context = CreateContext(builder => builder.CPU(device));
        return new IlgpuBackend(context, context.CreateCPUAccelerator(0), "cpu");
    }

    // Every backend's context: IEEE division and square root (MathMode.Default), and profiling markers allowed (they
    // cost nothing until a session asks for kernel times).
    private static Context CreateContext(Func<Context.Builder, Context.Builder> device) =>
        Context.Create(builder => device(builder).Math(MathMode.Default).Profiling());

    /// <summary>A backend on the first CUDA device.</summary>
    /// <exception cref="NotSupportedException">No CUDA device (or driver) is present.</exception>
    public static IlgpuBackend CreateCuda()
    {
        if (!IsCudaAvailable)
            throw new NotSupportedException(NoCudaAdvice);
        var context = CreateContext(builder => builder.Cuda());
        return new IlgpuBackend(context, context.CreateCudaAccelerator(0), "cuda");
    }

    /// <summary>A backend on CUDA device <paramref name="device"/> (0-based, in ILGPU's order), for several devices at once.</summary>
    /// <exception cref="NotSupportedException">No such CUDA device (or no driver).</exception>
    public static IlgpuBackend CreateCuda(int device)
    {
        if (!IsCudaAvailable)
            throw new NotSupportedException(NoCudaAdvice);
        var context = CreateContext(builder => builder.Cuda());
        if (device < 0 || device >= context.GetCudaDevices().Count)
        {
            int count = context.GetCudaDevices().Count;
            context.Dispose();
            throw new NotSupportedException($"there is no CUDA device {device}: this machine has {count} (0 … {count - 1})");
        }
        return new IlgpuBackend(context, context.CreateCudaAccelerator(device), "cuda");
    }

    /// <inheritdoc />
    public BatchResult Solve<T>(ProblemBatch<T> batch, SolverOptions options,
        IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        BatchDriver.Validate(this, batch, options);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxProblemsPerChunk, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(PipelineDepth, 1);
        // the engine and the options it runs (an algorithm the engine cannot run is refused before anything is prepared)
        var engine = DeviceEngines.ForAlgorithm(Engine, options.Algorithm, batch.Features);
        var run = DeviceEngines.OptionsFor(engine, options);
        if (run.Algorithm is not (SolverAlgorithm.Auto or SolverAlgorithm.Ista or SolverAlgorithm.Fista)
            && Enumerable.Range(0, batch.Count).Any(k => batch.Settings(k).Groups is not null))
            throw new NotSupportedException($"the {Name} backend solves group penalties by ISTA or FISTA, not {options.Algorithm}");
        int rangeSize = RangeSize ?? BatchPreparation.RangeSize(batch,
            _accelerator is CudaAccelerator ? PreparedElementBudget : CpuPreparedElementBudget, 1);
        // lowered for the rest of the solve when the device cannot hold a chunk of this size
        int chunkLimit = MaxProblemsPerChunk;
        return BatchDriver.InRanges(this, batch, options, progress, rangeSize, (valid, results, reporter) =>
        {
            try
            {
                SolveRange(valid, batch.Layout == BatchLayout.DesignPerProblem, engine, run, results, reporter, ref chunkLimit,
                    cancellationToken);
            }
            catch (Exception e) when (DeviceFailureException.IsDeviceFailure(e))
            {
                // the device may be left in any state: its idle batches are not reused
                ReleaseIdle();
                throw new DeviceFailureException(DeviceName, e);
            }
        }, cancellationToken);
    }

    private void SolveRange<T>(List<PreparedProblem<T>> valid, bool designPerProblem, DeviceEngine engine, SolverOptions options,
        ProblemResult[] results, ProgressReporter reporter, ref int chunkLimit, CancellationToken cancellationToken)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // one device batch per design (shared) or per n (per-problem designs), and per penalty kind; the engine by shape
        var groups = valid.GroupBy(problem => (designPerProblem ? (object)problem.Design.Samples : problem.Design, problem.Positive,
            problem.BlockEnds is not null));
        foreach (var group in groups)
        {
            var problems = group.ToArray();
            var design = problems[0].Design;
            // block penalties run on the proximal-gradient kernels (the on-chip engines are coordinate-wise)
            var used = group.Key.Item3 ? DeviceEngine.ProximalGradient
                : DeviceEngines.ForShape(Engine, engine, design.Samples, design.Features, _accelerator.WarpSize,
                    _accelerator.MaxNumThreadsPerGroup, Unsafe.SizeOf<T>(), designPerProblem);
            var runUsed = used == engine ? options : DeviceEngines.OptionsFor(used, options);
            int depth = PipelineDepth;
            int chunk = ChunkSize<T>(problems.Length, design.Samples, design.Features, designPerProblem, used, chunkLimit, depth);
            // the pipeline divides the memory among its batches only while a chunk still fills the device (a problem
            // in every thread slot); when memory holds less, one chunk at a time takes all of it
            if (depth > 1 && chunk < problems.Length && chunk < FillingProblems(used, design.Samples))
            {
                int whole = ChunkSize<T>(problems.Length, design.Samples, design.Features, designPerProblem, used, chunkLimit, 1);
                if (whole > chunk)
                    (depth, chunk) = (1, whole);
            }
            var devices = OpenPipeline<T>(ref chunk, depth, problems.Length, design.Samples, design.Features, designPerProblem,
                problems[0].Positive, group.Key.Item3, used);
            chunkLimit = Math.Min(chunkLimit, chunk);
            try
            {
                Pipeline(devices, problems, chunk, runUsed, results, reporter, cancellationToken);
            }
            finally
            {
                foreach (var device in devices)
                    Return(device);
            }
        }
    }

    /// <summary>
    /// Solves <paramref name="problems"/> in chunks of <paramref name="chunk"/> over the device batches in turn: while
    /// this thread runs chunk i (launches and count reads on its batch's stream), chunk i+1 is staged and uploaded on
    /// another thread into the next batch, and chunk i−1 is downloaded and collected on a third. A batch is reloaded
    /// only once its last chunk is collected; each chunk's copies and launches are ordered by its batch's stream.
    /// </summary>
    internal void Pipeline<T>(DeviceBatch<T>[] devices, PreparedProblem<T>[] problems, int chunk, SolverOptions options,
        ProblemResult[] results, ProgressReporter reporter, CancellationToken cancellationToken)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int chunks = (int)(((long)problems.Length + chunk - 1) / chunk);
        // the collection of the chunk each batch last held (it must end before the batch is loaded again)
        var collected = new Task?[devices.Length];
        ReadOnlyMemory<PreparedProblem<T>> Part(int i) => problems.AsMemory(i * chunk, Math.Min(chunk, problems.Length - i * chunk));
        Task OnThreadPool(Action action) => Task.Run(() =>
        {
            // CUDA binds a context per thread
            _accelerator.Bind();
            action();
        });
        // stages chunk `next` into its batch once the batch's previous chunk is collected
        Task Load(int next)
        {
            if (next >= chunks)
                return Task.CompletedTask;
            var before = collected[next % devices.Length];
            return OnThreadPool(() =>
            {
                before?.GetAwaiter().GetResult();
                devices[next % devices.Length].Load(Part(next));
            });
        }
        var loaded = Load(0);
        try
        {
            for (int i = 0; i < chunks; i++)
            {
                var device = devices[i % devices.Length];
                loaded.GetAwaiter().GetResult();
                // with one batch, chunk i+1 can only be staged once chunk i is collected
                if (devices.Length > 1)
                    loaded = Load(i + 1);
                int iteration = device.Run(options, reporter.Finished, cancellationToken);
                var part = Part(i);
                collected[i % devices.Length] = OnThreadPool(() =>
                {
                    device.Collect(part, iteration, results);
                    reporter.Finished(CancelledCount(part.Span, results));
                });
                if (devices.Length == 1)
                    loaded = Load(i + 1);
            }
        }
        finally
        {
            // no batch goes back to the pool (or is freed) while a thread still copies into it; the first failure is thrown
            var pending = collected.Append(loaded).OfType<Task>().ToArray();
            try
            {
                Task.WaitAll(pending);
            }
            catch (AggregateException) when (pending.Any(task => task.IsFaulted))
            {
            }
        }
        foreach (var task in collected)
            task?.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Device batches for chunks of <paramref name="chunk"/> problems, one per stage of a pipeline of
    /// <paramref name="depth"/> (fewer when the problems make fewer chunks, or when the device cannot hold more than the first).
    /// </summary>
    private DeviceBatch<T>[] OpenPipeline<T>(ref int chunk, int depth, int problems, int samples, int features, bool designPerProblem,
        bool positive, bool grouped, DeviceEngine engine)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var devices = new List<DeviceBatch<T>> { Open<T>(ref chunk, samples, features, designPerProblem, positive, grouped, engine, 0) };
        try
        {
            while (devices.Count < Math.Min(depth, (problems + (long)chunk - 1) / chunk))
            {
                int more = chunk;
                try
                {
                    devices.Add(Open<T>(ref more, samples, features, designPerProblem, positive, grouped, engine,
                        devices.Sum(device => device.AllocatedBytes), keepChunk: true));
                }
                catch (Exception e) when (DeviceOutOfMemoryException.IsAllocationFailure(e) || e is DeviceOutOfMemoryException)
                {
                    // a shallower pipeline rather than smaller chunks
                    break;
                }
            }
        }
        catch
        {
            foreach (var device in devices)
                Return(device);
            throw;
        }
        return [.. devices];
    }

    /// <summary>
    /// Device buffers for <paramref name="chunk"/> problems: an idle batch of this shape from an earlier solve
    /// when one is large enough, otherwise new ones; while the device cannot allocate them, the idle batches are
    /// released and then the chunk is halved (lowered to the capacity obtained).
    /// </summary>
    /// <remarks>
    /// The bytes of device memory the solve already holds count against a simulated limit (<paramref name="held"/>);
    /// a further stage of a pipeline fails rather than halve its chunk (<paramref name="keepChunk"/>).
    /// </remarks>
    /// <exception cref="DeviceOutOfMemoryException">Not even one problem fits on the device.</exception>
    private DeviceBatch<T> Open<T>(ref int chunk, int samples, int features, bool designPerProblem, bool positive,
        bool grouped, DeviceEngine engine, long held, bool keepChunk = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int wanted = chunk;
        bool Fits(IDisposable idle) => idle is DeviceBatch<T> batch && batch.Samples == samples && batch.Features == features
            && batch.DesignPerProblem == designPerProblem && batch.Positive == positive && batch.Grouped == grouped
            && batch.Engine == engine && batch.PlacementAsked == SharedDesignPlacement;
        lock (_idle)
        {
            int found = _idle.FindIndex(idle => Fits(idle) && ((DeviceBatch<T>)idle).Capacity >= wanted);
            if (found >= 0)
            {
                var batch = (DeviceBatch<T>)_idle[found];
                _idle.RemoveAt(found);
                batch.CompactionThreshold = CompactionThreshold;
                return batch;
            }
            // growing: a smaller idle batch of this shape is freed before the larger one is allocated
            found = _idle.FindIndex(idle => Fits(idle));
            if (found >= 0)
            {
                _idle[found].Dispose();
                _idle.RemoveAt(found);
            }
        }
        while (true)
        {
            try
            {
                var batch = new DeviceBatch<T>(_accelerator, _kernels, chunk, samples, features, designPerProblem, positive,
                    DeviceMemoryLimitBytes - held, engine, grouped, placement: SharedDesignPlacement) { CompactionThreshold = CompactionThreshold };
                Interlocked.Add(ref _deviceBufferAllocations, batch.BufferCount);
                return batch;
            }
            catch (Exception e) when (DeviceOutOfMemoryException.IsAllocationFailure(e))
            {
                if (ReleaseIdle())
                    continue;
                if (keepChunk)
                    throw;
                if (chunk == 1)
                    throw new DeviceOutOfMemoryException(DeviceName, DeviceBatch<T>.RequiredBytes(1, samples, features, designPerProblem, engine),
                        $"{samples} × {features}, {(designPerProblem ? "its own design" : "a shared design")}, {typeof(T).Name}", e);
                chunk = (chunk + 1) / 2;
            }
        }
    }

    /// <summary>
    /// Problems per chunk: at most <paramref name="limit"/>, as many as a <paramref name="depth"/>-th of
    /// <see cref="ChunkMemoryFraction"/> of the device's free memory holds, and few enough that every index fits an int.
    /// </summary>
    private int ChunkSize<T>(int problems, int samples, int features, bool designPerProblem, DeviceEngine engine, int limit, int depth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long fit = Math.Max(1, DeviceBatch<T>.MaxCapacity(samples, features, designPerProblem));
        // shared by the batches of the pipeline
        long budget = (DeviceMemoryLimitBytes ?? (_accelerator is CudaAccelerator cuda
            ? (long)(ChunkMemoryFraction * cuda.GetFreeMemory())
            : CpuChunkBytes)) / depth;
        long fixedBytes = DeviceBatch<T>.RequiredBytes(0, samples, features, designPerProblem, engine);
        long bytesPerProblem = DeviceBatch<T>.RequiredBytes(1, samples, features, designPerProblem, engine) - fixedBytes;
        long memoryFit = Math.Max(1, (budget - fixedBytes) / bytesPerProblem);
        return (int)Math.Min(Math.Min(Math.Min(problems, limit), fit), memoryFit);
    }

    /// <summary>The problems that occupy every thread slot of the device on <paramref name="engine"/> (n = <paramref name="samples"/>).</summary>
    private long FillingProblems(DeviceEngine engine, int samples) =>
        (long)_accelerator.NumMultiprocessors * _accelerator.MaxNumThreadsPerMultiprocessor
        / DeviceBatch<double>.ThreadsPerProblem(engine, samples, _accelerator.WarpSize, _accelerator.MaxNumThreadsPerGroup);

    /// <summary>Keeps <paramref name="device"/> for the next solve of its shape (the most recent few are kept).</summary>
    private void Return(IDisposable device)
    {
        lock (_idle)
        {
            _idle.Add(device);
            if (_idle.Count > MaxIdleBatches)
            {
                _idle[0].Dispose();
                _idle.RemoveAt(0);
            }
        }
    }

    // Idle device batches kept between solves (the pipeline's batches of a few recent shapes).
    private const int MaxIdleBatches = 4 * DefaultPipelineDepth;

    /// <summary>Frees the idle device batches; false when there were none.</summary>
    private bool ReleaseIdle()
    {
        lock (_idle)
        {
            foreach (var idle in _idle)
                idle.Dispose();
            bool any = _idle.Count > 0;
            _idle.Clear();
            return any;
        }
    }

    // Cancelled problems were not counted by the device as finished; the reporter is told about them here.
    private static int CancelledCount<T>(ReadOnlySpan<PreparedProblem<T>> part, ProblemResult[] results)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int cancelled = 0;
        foreach (var problem in part)
            if (results[problem.Index].Status == ProblemStatus.Cancelled)
                cancelled++;
        return cancelled;
    }

    private static string? ProbeCuda()
    {
        try
        {
            using var context = Context.Create(builder => builder.Cuda());
            var devices = context.GetCudaDevices();
            return devices.Count > 0 ? devices[0].Name : null;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or CudaException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Releases the accelerator, its compiled kernels and the ILGPU context.</summary>
    public void Dispose()
    {
        ReleaseIdle();
        _accelerator.Dispose();
        _context.Dispose();
    }
}
