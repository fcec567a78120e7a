using BenchmarkDotNet.Attributes;
using GpuSparse.Backends;
using GpuSparse.Data;
using GpuSparse.Engines;
using GpuSparse.Model;

namespace GpuSparse.Benchmarks;

/// <summary>
/// The share of <see cref="GroupPolish"/> (Newton steps on a converged group Lasso's nonzero groups, on the host)
/// in a batch solve: the same group-Lasso batch solved with the polish on and off, on the ILGPU CPU accelerator
/// (<c>cpu</c>, a device batch whose results are built after one download) and on host coordinate descent
/// (<c>cd</c>, one problem per worker). The data are the portable generator's at its α_k, in groups of consecutive
/// features.
/// </summary>
[MemoryDiagnoser]
public class GroupPolishBenchmarks
{
    private ISolverBackend _backend = null!;
    private ProblemBatch<double> _batch = null!;
    private readonly SolverOptions _options = new() { Tolerance = 1e-8, MaxIterations = 100_000 };

    /// <summary>A group-Lasso workload: K problems of n × p in groups of <c>Group</c> consecutive features.</summary>
    public sealed record Shape(string Name, int K, int N, int P, int Group)
    {
        /// <inheritdoc />
        public override string ToString() => Name;
    }

    /// <summary>K = 1000 of 64 × 32 in groups of 4, and a wider shape (K = 200 of 128 × 128 in groups of 8).</summary>
    public static IEnumerable<Shape> Shapes { get; } =
    [
        new("K1000_n64_p32_g4", 1000, 64, 32, 4),
        new("K200_n128_p128_g8", 200, 128, 128, 8),
    ];

    /// <summary>The backend, by its <c>--backend</c> name.</summary>
    [Params("cpu", "cd")]
    public string Backend { get; set; } = "cd";

    /// <summary>The workload.</summary>
    [ParamsSource(nameof(Shapes))]
    public Shape Workload { get; set; } = null!;

    /// <summary>Whether converged problems are polished (<see cref="GroupPolish.Enabled"/>).</summary>
    [Params(true, false)]
    public bool Polish { get; set; }

    /// <summary>Generates the batch and solves it once (kernel compilation included).</summary>
    [GlobalSetup]
    public void Setup()
    {
        GroupPolish.Enabled = Polish;
        _backend = BackendRegistry.Create(Backend);
        var w = PortableGenerator.Batch(Workload.K, Workload.N, Workload.P);
        int[] groups = [.. Enumerable.Range(0, Workload.P).Select(j => j / Workload.Group)];
        var settings = w.Alphas.Select(alpha => ProblemSettings.Lasso(alpha) with { Groups = groups }).ToArray();
        _batch = ProblemBatch<double>.WithDesignPerProblem(w.X, Workload.N, Workload.P, w.Y, settings);
        var result = Solve();
        // how much there is to polish: converged problems and their nonzero coefficients (BenchmarkDotNet's log)
        int converged = result.CountWith(ProblemStatus.Converged);
        double nonzero = result.Problems.Average(r => r.Coefficients.Count(c => c != 0));
        Console.WriteLine($"// {Backend} {Workload}: {converged} of {Workload.K} converged, {nonzero:F1} nonzero coefficients on average");
    }

    /// <summary>Releases the backend and restores the polish.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _backend.Dispose();
        GroupPolish.Enabled = true;
    }

    /// <summary>Solves the whole batch.</summary>
    [Benchmark]
    public BatchResult Solve() => _backend.Solve(_batch, _options);
}
