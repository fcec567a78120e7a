using BenchmarkDotNet.Attributes;
using GpuSparse.Backends;
using GpuSparse.Model;

namespace GpuSparse.Benchmarks;

/// <summary>
/// One batch solve, end to end (validation, preparation, iterations, certificates, raw-scale results), per
/// backend, precision and workload. The accuracy reached (worst and median gap/f) is measured once in the
/// global setup and shown in the <see cref="AccuracyColumn"/>s.
/// </summary>
[MemoryDiagnoser]
public class BatchSolveBenchmarks
{
    private ISolverBackend _backend = null!;
    private ProblemBatch<double>? _double;
    private ProblemBatch<float>? _single;
    private SolverOptions _options = null!;

    /// <summary>The backend, by its <c>--backend</c> name: <c>cd</c> (Gram coordinate descent), <c>reference</c> (managed FISTA), …</summary>
    [ParamsSource(nameof(Backends))]
    public string Backend { get; set; } = "cd";

    /// <summary>The backends benchmarked: <c>cd,reference</c>, or those named in $GPUSPARSE_BENCH_BACKENDS.</summary>
    public static IEnumerable<string> Backends => Selection.Backends("cd", "reference");

    /// <summary>Working precision: <c>double</c> or <c>float</c>.</summary>
    [Params("double", "float")]
    public string Precision { get; set; } = "double";

    /// <summary>The workload (K problems of n × p, see <see cref="Workload.All"/>).</summary>
    [ParamsSource(nameof(Workloads))]
    public Workload Workload { get; set; } = Workload.All[0];

    /// <summary>
    /// Relative gap tolerance (scikit-learn's rule: gap ≤ tol·‖y_c‖²/n); 1e-8 gives gap/f ≤ 1e-6 on these workloads.
    /// float32 rows use at least 1e-7, the floor float32 iterates can certify.
    /// </summary>
    [Params(1e-8)]
    public double Tolerance { get; set; }

    /// <summary>
    /// The workloads benchmarked: all of <see cref="Workload.All"/>, or those named (comma-separated) in
    /// $GPUSPARSE_BENCH_WORKLOADS (the smoke job and the peer comparison choose theirs that way).
    /// </summary>
    public static IEnumerable<Workload> Workloads => Selection.Selected("GPUSPARSE_BENCH_WORKLOADS", Workload.All, w => w.Name);

    /// <summary>Generates the data, solves once and records the accuracy reached.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _backend = BackendRegistry.Create(Backend);
        // float32 iterates certify gaps down to about 1e-7 of the null objective (README), not below.
        double tolerance = Precision == "float" ? Math.Max(Tolerance, 1e-7) : Tolerance;
        _options = new SolverOptions { Tolerance = tolerance, MaxIterations = 100_000 };
        if (Precision == "float")
            _single = Workload.Create<float>();
        else
            _double = Workload.Create<double>();
        var result = Solve();
        AccuracyColumn.Record(AccuracyColumn.Key($"{nameof(BatchSolveBenchmarks)}.{nameof(Solve)}",
            (nameof(Backend), Backend), (nameof(Precision), Precision), (nameof(Workload), Workload), (nameof(Tolerance), Tolerance)), result);
    }

    /// <summary>Releases the backend.</summary>
    [GlobalCleanup]
    public void Cleanup() => _backend.Dispose();

    /// <summary>Solves the whole batch.</summary>
    [Benchmark]
    public BatchResult Solve() => _single is not null
        ? _backend.Solve(_single, _options)
        : _backend.Solve(_double!, _options);
}
