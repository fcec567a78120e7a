using BenchmarkDotNet.Attributes;
using GpuSparse.Model;
using GpuSparse.Preparation;

namespace GpuSparse.Benchmarks;

/// <summary>
/// The backend-independent part of a solve alone: validation, centring, working copies of X (what
/// <see cref="BatchSolveBenchmarks"/> rows spend before the first iteration), so that the split is measured.
/// </summary>
[MemoryDiagnoser]
public class PreparationBenchmarks
{
    private ProblemBatch<double> _batch = null!;
    private PreparationCache<double> _cache = null!;

    /// <summary>The workload (see <see cref="Workload.All"/>).</summary>
    [ParamsSource(nameof(Workloads))]
    public Workload Workload { get; set; } = Workload.All[0];

    /// <summary>The workloads of <see cref="BatchSolveBenchmarks.Workloads"/>.</summary>
    public static IEnumerable<Workload> Workloads => BatchSolveBenchmarks.Workloads;

    /// <summary>Generates the data.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _batch = Workload.Create<double>();
        _cache = new PreparationCache<double>(_batch);
    }

    /// <summary>Prepares every problem on one thread, dropping each (as the cd backend's workers do).</summary>
    [Benchmark]
    public int PrepareEachOnOneThread()
    {
        int prepared = 0;
        for (int k = 0; k < _batch.Count; k++)
            prepared += _cache.Prepare(k, new SolverOptions().Tolerance).Problem is null ? 0 : 1;
        return prepared;
    }
}
