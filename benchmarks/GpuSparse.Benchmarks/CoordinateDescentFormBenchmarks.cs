using BenchmarkDotNet.Attributes;
using GpuSparse.Backends;
using GpuSparse.Data;
using GpuSparse.Model;
using GpuSparse.Solvers;

namespace GpuSparse.Benchmarks;

/// <summary>
/// The two forms of the cd backend forced on the same batches, per shape: the measurements the choice of
/// <see cref="CoordinateDescent.ChooseForm"/> is fitted to (docs/engines.md). Each shape is a batch of about
/// 2·10⁸ multiply-adds of Gram forming plus sweeps (K between 20 and 20,000), Lasso at the generator's α_k,
/// float64, tol 1e-8; the ratio of the two forms' means of one shape is what the choice weighs.
/// </summary>
[MemoryDiagnoser]
public class CoordinateDescentFormBenchmarks
{
    private ProblemBatch<double> _batch = null!;
    private CoordinateDescentBackend _backend = null!;
    private static readonly SolverOptions Options = new() { Tolerance = 1e-8, MaxIterations = 100_000 };

    /// <summary>n × p, as "n×p".</summary>
    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "64x32";

    /// <summary>The shapes measured, or those named (comma-separated) in $GPUSPARSE_BENCH_SHAPES.</summary>
    public static IEnumerable<string> Shapes => Selection.Selected("GPUSPARSE_BENCH_SHAPES",
        ["64x24", "64x32", "64x40", "64x48", "200x30", "200x50", "500x50", "2000x30", "5000x60", "100x100", "500x200", "50x200"], s => s);

    /// <summary>The form every problem is solved in.</summary>
    [Params("Gram", "Residual")]
    public string Form { get; set; } = "Gram";

    /// <summary>Generates the batch.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var size = Shape.Split('x').Select(int.Parse).ToArray();
        int n = size[0], p = size[1];
        int count = (int)Math.Clamp(2e8 / ((double)n * p * p + 30.0 * n * p), 20, 20_000);
        var data = PortableGenerator.Batch(count, n, p);
        _batch = ProblemBatch<double>.WithDesignPerProblem(data.X, n, p, data.Y, [.. data.Alphas.Select(a => ProblemSettings.Lasso(a))]);
        _backend = new CoordinateDescentBackend { Form = Enum.Parse<CoordinateDescentForm>(Form) };
    }

    /// <summary>Solves the whole batch in the forced form.</summary>
    [Benchmark]
    public BatchResult Solve() => _backend.Solve(_batch, Options);
}
