using BenchmarkDotNet.Attributes;
using GpuSparse.Backends;
using GpuSparse.Model;

namespace GpuSparse.Benchmarks;

/// <summary>
/// The host side of a resident-session call, on one thread and on every core side by side (<see cref="Threads"/>; 0 is
/// every core), float64 on one shared design (<see cref="ResidentWorkload"/>), for two <see cref="Workload"/>s: K =
/// 100,000 problems of 64 × 32 (large K), and K = 1,000 of 16 × 8 (the warm call of <see cref="ResidentSessionBenchmarks"/>,
/// under the 2 MiB that a split needs: one range on any thread count). <see cref="Stage"/> is what a call does before
/// its upload: each problem's y, λ and r validated, y centred into the page-locked staging (large K: 51.2 MB of y read,
/// 54.8 MB of y_c and scalars written). <see cref="Unpack"/> is what it does after its download: each problem's returned
/// iterate put back on the raw scale with its intercept, gap, iterations and status into the caller's arrays (large K:
/// 28 MB of results read, 28 MB written). Neither step touches the device.
/// </summary>
/// <remarks>
/// No solve runs (one on the CPU accelerator takes minutes at large K): <see cref="Unpack"/> reads the results section as
/// the setup's staging left it, every problem active (reported as cancelled at iteration 0) with a zero iterate. Its work
/// per problem is that of a solved one (an invalid problem's is less) and does not depend on the values. On a shared
/// machine the least of the iterations (Min) is the figure to compare: the load only ever adds to it.
/// </remarks>
[MemoryDiagnoser]
[MinColumn]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 15)]
public class ResidentStagingBenchmarks
{
    private const double Tolerance = 1e-6;

    // K, n, p of each workload, and whether every core splits it into one range per core
    private static readonly Dictionary<string, (int Problems, int Samples, int Features, bool Splits)> Shapes = new()
    {
        ["100,000 of 64 × 32"] = (100_000, 64, 32, true),
        ["1,000 of 16 × 8"] = (1_000, 16, 8, false),
    };

    private IlgpuBackend _backend = null!;
    private ResidentSession<double> _session = null!;
    private ResidentWorkload _workload = null!;

    /// <summary>The workloads by name: K problems of n × p.</summary>
    public static IEnumerable<string> Workloads => Shapes.Keys;

    /// <summary>K problems of n × p.</summary>
    [ParamsSource(nameof(Workloads))]
    public string Workload { get; set; } = "";

    /// <summary>Staging threads: 1, or 0 for every core (<see cref="ResidentSession{T}.StagingThreads"/>).</summary>
    [Params(1, 0)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var shape = Shapes[Workload];
        _workload = new ResidentWorkload(shape.Problems, shape.Samples, shape.Features);
        _backend = IlgpuBackend.CreateCpu();
        _session = _workload.Open(_backend, new SolverOptions { Tolerance = Tolerance });
        _session.StagingThreads = Threads == 0 ? null : Threads;
        Stage();
        // one range on one thread (and for a call too small to split), one per core on every core
        if (_session.StagingRanges != (Threads == 1 || !shape.Splits ? 1 : Environment.ProcessorCount))
            throw new InvalidOperationException($"staged in {_session.StagingRanges} ranges");
    }

    /// <summary>Validation and staging of every problem's y, λ and r (no explicit starts), host side only.</summary>
    [Benchmark]
    public void Stage() => _session.StageAll(_workload.Responses, _workload.Lambdas, _workload.Ratios, default, Tolerance);

    /// <summary>Every problem's downloaded result written into the caller's arrays, host side only.</summary>
    [Benchmark]
    public void Unpack() => _session.UnpackAll(_workload.Output, 0);

    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Dispose();
        _backend.Dispose();
    }
}
