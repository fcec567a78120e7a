using System.Diagnostics;
using System.Numerics;
using GpuSparse.Model;
using GpuSparse.Preparation;
using GpuSparse.Solvers;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace GpuSparse.Backends;

/// <summary>
/// Solves batches with the batched ISTA/FISTA kernels of <c>GpuSparse.Kernels.Batched</c> on an ILGPU
/// accelerator: CUDA, or ILGPU's CPU accelerator (a kernel emulator, much slower than
/// <see cref="Reference.ReferenceBackend"/>; it exists to test the kernels without a GPU). One device thread
/// runs one problem in the reference iteration's operation order, so on the CPU accelerator float64 iterates
/// match the reference path to the last bit.
/// </summary>
/// <remarks>
/// Problems are grouped by design (a shared design is stored once and read by every thread) or, for
/// per-problem designs, by n, and by positivity; each group is solved in chunks of at most
/// <see cref="MaxProblemsPerChunk"/> problems so that device memory stays bounded. Only float32 and float64
/// are supported.
/// </remarks>
public sealed class IlgpuBackend : ISolverBackend
{
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

    /// <summary>The default of <see cref="MaxProblemsPerChunk"/>.</summary>
    public const int DefaultMaxProblemsPerChunk = 16_384;

    /// <summary>The most problems solved by one round of kernel launches; bounds device memory.</summary>
    public int MaxProblemsPerChunk { get; set; } = DefaultMaxProblemsPerChunk;

    /// <summary>
    /// When fewer than this fraction of the problems a launch covers are still active, later launches cover
    /// only the active ones (gathered into a compact index list); 0 never compacts. Results do not depend on it.
    /// </summary>
    public double CompactionThreshold { get; set; } = DeviceBatch<double>.DefaultCompactionThreshold;

    /// <summary>The accelerator's name, as ILGPU reports it.</summary>
    public string DeviceName => _accelerator.Name;

    internal Accelerator Accelerator => _accelerator;

    internal IlgpuKernels Kernels => _kernels;

    /// <summary>A backend on ILGPU's CPU accelerator (emulated device threads; for testing the kernels).</summary>
    public static IlgpuBackend CreateCpu()
    {
        var context = Context.Create(builder => builder.CPU().Math(MathMode.Default));
        return new IlgpuBackend(context, context.CreateCPUAccelerator(0), "cpu");
    }

    /// <summary>A backend on the first CUDA device.</summary>
    /// <exception cref="NotSupportedException">No CUDA device (or driver) is present.</exception>
    public static IlgpuBackend CreateCuda()
    {
        if (!IsCudaAvailable)
            throw new NotSupportedException("no CUDA device is available (ILGPU found no CUDA driver or device); use the reference or cpu backend");
        var context = Context.Create(builder => builder.Cuda().Math(MathMode.Default));
        return new IlgpuBackend(context, context.CreateCudaAccelerator(0), "cuda");
    }

    /// <inheritdoc />
    public BatchResult Solve<T>(ProblemBatch<T> batch, SolverOptions options,
        IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(double) && typeof(T) != typeof(float))
            throw new NotSupportedException($"the {Name} backend solves float32 and float64 batches, not {typeof(T).Name}");
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxProblemsPerChunk, 1);
        var clock = Stopwatch.StartNew();
        var prepared = BatchPreparation.Prepare(batch, options);
        var results = new ProblemResult[batch.Count];
        var reporter = new ProgressReporter(progress, batch.Count, clock);
        var valid = new List<PreparedProblem<T>>(batch.Count);
        for (int k = 0; k < batch.Count; k++)
        {
            if (prepared.Problems[k] is { } problem)
                valid.Add(problem);
            else
            {
                results[k] = prepared.InvalidResult(k, batch.Features);
                reporter.Finished();
            }
        }
        bool designPerProblem = batch.Layout == BatchLayout.DesignPerProblem;
        // one device batch per design (shared) or per n (per-problem designs), and per penalty kind
        var groups = valid.GroupBy(problem => (designPerProblem ? (object)problem.Design.Samples : problem.Design, problem.Positive));
        foreach (var group in groups)
        {
            var problems = group.ToArray();
            var design = problems[0].Design;
            int chunk = ChunkSize(problems.Length, design.Samples, design.Features, designPerProblem);
            using var device = new DeviceBatch<T>(_accelerator, _kernels, chunk, design.Samples, design.Features, designPerProblem,
                problems[0].Positive) { CompactionThreshold = CompactionThreshold };
            for (int start = 0; start < problems.Length; start += chunk)
            {
                var part = problems.AsSpan(start, Math.Min(chunk, problems.Length - start));
                device.Load(part);
                int iteration = device.Run(options, reporter.Finished, cancellationToken);
                device.Collect(part, iteration, results);
                reporter.Finished(CancelledCount(part, results));
            }
        }
        return new BatchResult(results, Name, clock.Elapsed);
    }

    /// <summary>Problems per chunk: at most <see cref="MaxProblemsPerChunk"/>, and few enough that every index fits an int.</summary>
    private int ChunkSize(int problems, int samples, int features, bool designPerProblem)
    {
        long perProblem = designPerProblem ? (long)samples * features : Math.Max(samples, features);
        long fit = Math.Max(1, int.MaxValue / perProblem);
        return (int)Math.Min(Math.Min(problems, MaxProblemsPerChunk), fit);
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
        _accelerator.Dispose();
        _context.Dispose();
    }
}
