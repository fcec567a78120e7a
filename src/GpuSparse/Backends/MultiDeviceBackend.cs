using System.Diagnostics;
using System.Numerics;
using GpuSparse.Model;

namespace GpuSparse.Backends;

/// <summary>
/// Solves a batch on several devices of one kind at once (several CUDA GPUs; several ILGPU CPU accelerators in
/// tests): the batch is cut into contiguous parts, one per device, sized in proportion to each device's measured
/// throughput, the parts are solved concurrently, and the results are returned in input order. Each problem is
/// solved exactly as it would be alone on one device of that kind, so the results are bit-identical to a
/// single-device solve of the whole batch.
/// </summary>
/// <remarks>
/// Throughput is measured on every solve (problems per second of each device's part) and kept as an exponential
/// average; the first solve splits evenly. A batch solved in windows (the CLI's streamed solve) thus balances from
/// its second window on. Messages naming a problem name its index in the whole batch.
/// </remarks>
public sealed class MultiDeviceBackend : ISolverBackend
{
    private readonly ISolverBackend[] _devices;
    private readonly double[] _rates;
    private readonly object _gate = new();
    private readonly bool[] _measured;

    /// <summary>Composes <paramref name="devices"/> (of one kind, at least one); they are disposed with this backend.</summary>
    /// <exception cref="ArgumentException">No devices, or devices of different kinds (their results would differ).</exception>
    public MultiDeviceBackend(IReadOnlyList<ISolverBackend> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        if (devices.Count == 0)
            throw new ArgumentException("at least one device is needed", nameof(devices));
        if (devices.Any(d => d.Name != devices[0].Name))
            throw new ArgumentException($"devices of one kind only (got {string.Join(", ", devices.Select(d => d.Name))})", nameof(devices));
        _devices = [.. devices];
        _rates = [.. devices.Select(_ => 1.0)];
        _measured = new bool[devices.Count];
    }

    /// <summary>The kind of the devices (<c>cuda</c>, <c>cpu</c>): the results are those of one such device.</summary>
    public string Name => _devices[0].Name;

    /// <summary>What one device runs.</summary>
    public BackendCapabilities Capabilities => _devices[0].Capabilities;

    /// <inheritdoc />
    public SolverAlgorithm AlgorithmFor(SolverAlgorithm algorithm, int features) => _devices[0].AlgorithmFor(algorithm, features);

    /// <summary>The number of devices.</summary>
    public int DeviceCount => _devices.Length;

    /// <summary>
    /// Each device's measured throughput in problems per second; a device not measured yet counts as the mean of those
    /// that were (1 for every device before the first solve, an even split).
    /// </summary>
    public IReadOnlyList<double> Throughput
    {
        get
        {
            lock (_gate)
            {
                var known = _rates.Where((_, d) => _measured[d]).DefaultIfEmpty(1.0).Average();
                return [.. _rates.Select((rate, d) => _measured[d] ? rate : known)];
            }
        }
    }

    /// <inheritdoc />
    public BatchResult Solve<T>(ProblemBatch<T> batch, SolverOptions options, IProgress<SolveProgress>? progress = null,
        CancellationToken cancellationToken = default) where T : unmanaged, IFloatingPointIeee754<T>
    {
        BatchDriver.Validate(this, batch, options);
        var clock = Stopwatch.StartNew();
        var counts = Split(batch.Count, Throughput);
        var starts = new int[counts.Length + 1];
        for (int d = 0; d < counts.Length; d++)
            starts[d + 1] = starts[d] + counts[d];
        // Progress of the whole batch: the sum of what each device has finished.
        var finished = new int[counts.Length];
        var parts = new BatchResult?[counts.Length];
        var seconds = new double[counts.Length];
        try
        {
            Parallel.For(0, counts.Length, new ParallelOptions { MaxDegreeOfParallelism = counts.Length }, d =>
            {
                if (counts[d] == 0)
                    return;
                var part = Part(batch, starts[d], counts[d]);
                var report = progress is null ? null : new Progress(value =>
                {
                    Volatile.Write(ref finished[d], value.Finished);
                    progress.Report(new SolveProgress(finished.Sum(), batch.Count, clock.Elapsed));
                });
                var device = Stopwatch.StartNew();
                parts[d] = _devices[d].Solve(part, options, report, cancellationToken);
                seconds[d] = device.Elapsed.TotalSeconds;
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            // A device's own failure (out of memory, a lost device), as one device would throw it.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        lock (_gate)
        {
            // A cancelled solve's times say nothing of throughput.
            if (!cancellationToken.IsCancellationRequested)
                for (int d = 0; d < counts.Length; d++)
                    if (counts[d] > 0)
                    {
                        double rate = counts[d] / Math.Max(seconds[d], 1e-6);
                        // The first measurement replaces the even guess; later ones are averaged in.
                        _rates[d] = _measured[d] ? 0.5 * _rates[d] + 0.5 * rate : rate;
                        _measured[d] = true;
                    }
        }
        var problems = new List<ProblemResult>(batch.Count);
        for (int d = 0; d < counts.Length; d++)
            if (parts[d] is { } part)
                problems.AddRange(ProblemNumbering.Renumbered(part.Problems, starts[d]));
        return new BatchResult(problems, Name, clock.Elapsed);
    }

    /// <summary>
    /// Problems per device for a batch of <paramref name="count"/>, in proportion to <paramref name="rates"/>
    /// (largest remainders get the problems left over), every count ≥ 0 and summing to <paramref name="count"/>.
    /// </summary>
    internal static int[] Split(int count, IReadOnlyList<double> rates)
    {
        double total = rates.Sum();
        var shares = rates.Select(rate => count * rate / total).ToArray();
        var counts = shares.Select(s => (int)Math.Floor(s)).ToArray();
        int left = count - counts.Sum();
        foreach (int d in Enumerable.Range(0, counts.Length).OrderByDescending(d => shares[d] - counts[d]).ThenBy(d => d).Take(left))
            counts[d]++;
        return counts;
    }

    // Problems [start, start + count) of the batch, sharing its memory.
    private static ProblemBatch<T> Part<T>(ProblemBatch<T> batch, int start, int count) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var indices = Enumerable.Range(start, count);
        var responses = indices.Select(batch.Response).ToArray();
        var settings = indices.Select(batch.Settings).ToArray();
        return batch.Layout == BatchLayout.SharedDesign
            ? ProblemBatch<T>.WithSharedDesign(batch.Design(0), batch.Features, responses, settings)
            : ProblemBatch<T>.WithDesignPerProblem(indices.Select(batch.Design).ToArray(), batch.Features, responses, settings);
    }

    private sealed class Progress(Action<SolveProgress> report) : IProgress<SolveProgress>
    {
        public void Report(SolveProgress value) => report(value);
    }

    /// <summary>Disposes every device.</summary>
    public void Dispose()
    {
        foreach (var device in _devices)
            device.Dispose();
    }
}
