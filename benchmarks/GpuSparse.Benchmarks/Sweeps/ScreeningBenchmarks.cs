using BenchmarkDotNet.Attributes;
using GpuSparse.Backends;
using GpuSparse.Model;
using GpuSparse.Sweeps;

namespace GpuSparse.Benchmarks.Sweeps;

/// <summary>
/// What strong-rule screening saves: the 100-λ path of <see cref="SweepBenchmarks"/> on the portable problem
/// (2000 × 500, 20 true features) with screening on and off, on the path engine of the <c>cd</c> backend, at tol
/// 1e-8. Both give the same solutions (tests); the accuracy columns show the same accuracy reached.
/// </summary>
[MemoryDiagnoser]
public class ScreeningBenchmarks
{
    private double[] _x = [];
    private double[] _y = [];
    private ISolverBackend _backend = null!;

    /// <summary>Strong rules with the KKT check on, or every feature solved at every step.</summary>
    [Params(true, false)]
    public bool Screening { get; set; }

    /// <summary>Generates the problem, solves the path once and records the accuracy reached.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_x, _y, _) = SweepBenchmarks.Load("synth_2000x500");
        _backend = BackendRegistry.Create("cd");
        AccuracyColumn.Record(AccuracyColumn.Key($"{nameof(ScreeningBenchmarks)}.{nameof(Path100)}", (nameof(Screening), Screening)), Path100());
    }

    /// <summary>Releases the backend.</summary>
    [GlobalCleanup]
    public void Cleanup() => _backend.Dispose();

    /// <summary>One 100-λ path on scikit-learn's grid.</summary>
    [Benchmark]
    public PathResult Path100() => PathSolver.Solve<double>(_backend, _x, 500, [_y], new SweepOptions
    {
        Grid = GridConvention.ScikitLearn,
        Path = new PathOptions { Screening = Screening, Solver = new SolverOptions { Tolerance = 1e-8, MaxIterations = 100_000 } },
    });
}
