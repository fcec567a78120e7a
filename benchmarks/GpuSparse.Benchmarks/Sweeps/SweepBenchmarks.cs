using BenchmarkDotNet.Attributes;
using GpuSparse.Backends;
using GpuSparse.Data;
using GpuSparse.Model;
using GpuSparse.Sweeps;

namespace GpuSparse.Benchmarks.Sweeps;

/// <summary>
/// The peers' sweep workloads (shared/peers/time_peers.py): a 100-λ Lasso path (scikit-learn grid, eps 1e-3) and
/// 5-fold × 100-λ cross-validation (contiguous folds, LassoCV's) on the diabetes data and on the portable
/// problem(2000, 500, seed 3,000,000, k 20, noise 1), per backend, with strong-rule screening (the unscreened
/// path's work is compared in benchmarks/RESULTS.md from the sweep's own work counters). The accuracy reached
/// (gap/f over every (path, λ) entry) is measured once in the global setup and shown in the <see cref="AccuracyColumn"/>s.
/// </summary>
[MemoryDiagnoser]
public class SweepBenchmarks
{
    private double[] _x = [];
    private double[] _y = [];
    private int _p;
    private int[] _folds = [];
    private ISolverBackend _backend = null!;

    /// <summary>The backend, by its <c>--backend</c> name.</summary>
    [ParamsSource(nameof(Backends))]
    public string Backend { get; set; } = "cd";

    /// <summary>The backends benchmarked: <c>cd</c>, or those named in $GPUSPARSE_BENCH_BACKENDS.</summary>
    public static IEnumerable<string> Backends => Selection.Backends("cd");

    /// <summary>The data set: <c>diabetes_442x10</c> or <c>synth_2000x500</c>.</summary>
    [ParamsSource(nameof(Sets))]
    public string Set { get; set; } = "";

    /// <summary>Both data sets, or those named in $GPUSPARSE_BENCH_SWEEP_SETS (the smoke job keeps the small one).</summary>
    public static IEnumerable<string> Sets => Selection.Selected("GPUSPARSE_BENCH_SWEEP_SETS", ["diabetes_442x10", "synth_2000x500"], s => s);

    /// <summary>The relative duality-gap tolerance of every step: scikit-learn's default 1e-4 and 1e-8 as the peers ran them, and 1e-6 and 1e-10, which reach their accuracy (sklearn stops below its tolerance).</summary>
    [Params(1e-4, 1e-6, 1e-8, 1e-10)]
    public double Tolerance { get; set; }

    /// <summary>Loads the data, solves the path once and records the accuracy reached.</summary>
    [GlobalSetup(Target = nameof(Path100))]
    public void SetupPath()
    {
        Setup();
        AccuracyColumn.Record(Key(nameof(Path100)), Path100());
    }

    /// <summary>Loads the data, cross-validates once and records the accuracy of every path solved (folds and refit).</summary>
    [GlobalSetup(Target = nameof(Cv5x100))]
    public void SetupCv()
    {
        Setup();
        AccuracyColumn.Record(Key(nameof(Cv5x100)), Cv5x100().Paths);
    }

    private void Setup()
    {
        (_x, _y, _p) = Load(Set);
        _folds = Folds.Contiguous(_y.Length, 5);
        _backend = BackendRegistry.Create(Backend);
    }

    /// <summary>The data of a set: the diabetes data shipped with the benchmarks, or the peers' portable problem.</summary>
    internal static (double[] X, double[] Y, int P) Load(string set)
    {
        if (set == "diabetes_442x10")
        {
            string folder = Path.Combine(AppContext.BaseDirectory, "Data", "diabetes");
            return (IO.NpyReader.Read(Path.Combine(folder, "X.npy")).ToDouble(), IO.NpyReader.Read(Path.Combine(folder, "y.npy")).ToDouble(), 10);
        }
        var problem = PortableGenerator.Problem(2000, 500, 3_000_000, kNonzero: 20, noise: 1.0);
        return (problem.X, problem.Y, 500);
    }

    private string Key(string method) => AccuracyColumn.Key($"{nameof(SweepBenchmarks)}.{method}",
        (nameof(Backend), Backend), (nameof(Set), Set), (nameof(Tolerance), Tolerance));

    /// <summary>Releases the backend.</summary>
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
