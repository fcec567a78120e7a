using BenchmarkDotNet.Attributes;
using GpuSparse.Data;
using GpuSparse.Reference;
using GpuSparse.Solvers;
using GpuSparse.Sweeps;

namespace GpuSparse.Benchmarks.Sweeps;

/// <summary>
/// The peers' sweep workloads (shared/peers/time_peers.py): a 100-λ Lasso path (scikit-learn grid, eps 1e-3) and
/// 5-fold × 100-λ cross-validation (contiguous folds, LassoCV's) on the diabetes data and on the portable
/// problem(2000, 500, seed 3,000,000, k 20, noise 1), on the reference backend with strong-rule screening
/// (the unscreened path's work is compared in benchmarks/RESULTS.md from the sweep's own work counters).
/// </summary>
[MemoryDiagnoser]
public class SweepBenchmarks
{
    private double[] _x = [];
    private double[] _y = [];
    private int _p;
    private int[] _folds = [];
    private ReferenceBackend _backend = null!;

    /// <summary>The data set: <c>diabetes_442x10</c> or <c>synth_2000x500</c>.</summary>
    [ParamsSource(nameof(Sets))]
    public string Set { get; set; } = "";

    /// <summary>Both data sets, or those named in $GPUSPARSE_BENCH_SWEEP_SETS (the smoke job keeps the small one).</summary>
    public static IEnumerable<string> Sets => BatchSolveBenchmarks.Selected("GPUSPARSE_BENCH_SWEEP_SETS", ["diabetes_442x10", "synth_2000x500"], s => s);

    /// <summary>The relative duality-gap tolerance of every step (scikit-learn's default 1e-4, and a tight 1e-8).</summary>
    [Params(1e-4, 1e-8)]
    public double Tolerance { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (Set == "diabetes_442x10")
        {
            string folder = Path.Combine(AppContext.BaseDirectory, "Data", "diabetes");
            _x = IO.NpyReader.Read(Path.Combine(folder, "X.npy")).ToDouble();
            _y = IO.NpyReader.Read(Path.Combine(folder, "y.npy")).ToDouble();
            _p = 10;
        }
        else
        {
            var problem = PortableGenerator.Problem(2000, 500, 3_000_000, kNonzero: 20, noise: 1.0);
            (_x, _y, _p) = (problem.X, problem.Y, 500);
        }
        _folds = Folds.Contiguous(_y.Length, 5);
        _backend = new ReferenceBackend();
    }

    [GlobalCleanup]
    public void Cleanup() => _backend.Dispose();

    private SweepOptions Options => new()
    {
        Grid = GridConvention.ScikitLearn,
        Averaging = CvAveraging.Unweighted,
        Path = new PathOptions { Solver = new SolverOptions { Tolerance = Tolerance, MaxIterations = 100_000 } },
    };

    /// <summary>One 100-λ path, warm-started.</summary>
    [Benchmark]
    public PathResult Path100() => PathSolver.Solve<double>(_backend, _x, _p, [_y], Options);

    /// <summary>5 folds × 100 λ plus the full-data path, all advancing together.</summary>
    [Benchmark]
    public CrossValidationResult Cv5x100() => CrossValidation.Run<double>(_backend, _x, _p, [_y], _folds, Options);
}
