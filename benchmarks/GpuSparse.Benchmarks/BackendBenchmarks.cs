using BenchmarkDotNet.Attributes;
using GpuSparse.Backends;
using GpuSparse.Model;

namespace GpuSparse.Benchmarks;

/// <summary>
/// K = 1000 Lasso problems of 64 × 32 (each with its own design) solved to a relative gap of 1e-6 by each
/// backend: the managed reference path, ILGPU's CPU accelerator and, where a device exists, CUDA.
/// </summary>
[MemoryDiagnoser]
public class BackendBenchmarks
{
    private const int Problems = 1000, Samples = 64, Features = 32;
    private ISolverBackend _backend = null!;
    private ProblemBatch<double> _batch = null!;
    private readonly SolverOptions _options = new() { Tolerance = 1e-6 };

    /// <summary>The backends to compare: CUDA only where ILGPU finds a device.</summary>
    public static IEnumerable<string> Backends => IlgpuBackend.IsCudaAvailable ? ["reference", "cpu", "cuda"] : ["reference", "cpu"];

    /// <summary>The backend by its <see cref="BackendRegistry"/> name.</summary>
    [ParamsSource(nameof(Backends))]
    public string Backend { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var x = new double[Problems * Samples * Features];
        var y = new double[Problems * Samples];
        for (int e = 0; e < x.Length; e++)
            x[e] = 2 * random.NextDouble() - 1;
        for (int k = 0; k < Problems; k++)
            for (int i = 0; i < Samples; i++)
            {
                int row = (k * Samples + i) * Features;
                y[k * Samples + i] = x[row] - 0.5 * x[row + 1] + 0.25 * x[row + 2] + 0.1 * (2 * random.NextDouble() - 1);
            }
        var settings = Enumerable.Range(0, Problems).Select(k => ProblemSettings.Lasso(0.01 + 0.001 * (k % 50))).ToArray();
        _batch = ProblemBatch<double>.WithDesignPerProblem(x, Samples, Features, y, settings);
        _backend = BackendRegistry.Create(Backend);
        // compile the kernels outside the measurement
        _backend.Solve(_batch, _options with { MaxIterations = 1 });
    }

    [Benchmark]
    public BatchResult Solve() => _backend.Solve(_batch, _options);

    [GlobalCleanup]
    public void Cleanup() => _backend.Dispose();
}
