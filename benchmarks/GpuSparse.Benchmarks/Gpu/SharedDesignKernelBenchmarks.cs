using BenchmarkDotNet.Attributes;
using GpuSparse.Backends;
using GpuSparse.Model;

namespace GpuSparse.Benchmarks.Gpu;

/// <summary>
/// K = 1000 Lasso problems of 64 × 32 on one shared X (a sweep over y and λ), float64, tol 1e-6, on ILGPU's CPU
/// accelerator (warps of 4, groups of up to 16 threads: W = 4 problems a group): the per-problem Gram kernel (G formed
/// by every problem's warp) against the shared-design kernel (G formed once per group). The CPU accelerator emulates
/// every device thread on an OS thread, so these times say how the two compare in emulation, not on a GPU.
/// </summary>
public class SharedDesignKernelBenchmarks
{
    private const int Problems = 1000, Samples = 64, Features = 32;
    private IlgpuBackend _backend = null!;
    private ProblemBatch<double> _batch = null!;
    private readonly SolverOptions _options = new() { Tolerance = 1e-6 };

    [Params(DeviceEngine.GramCoordinateDescent, DeviceEngine.SharedGramCoordinateDescent)]
    public DeviceEngine Engine { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var x = new double[Samples * Features];
        for (int e = 0; e < x.Length; e++)
            x[e] = 2 * random.NextDouble() - 1;
        var responses = new ReadOnlyMemory<double>[Problems];
        for (int k = 0; k < Problems; k++)
        {
            var y = new double[Samples];
            for (int i = 0; i < Samples; i++)
                y[i] = x[i * Features] - 0.5 * x[i * Features + 1 + k % 7] + 0.1 * (2 * random.NextDouble() - 1);
            responses[k] = y;
        }
        var settings = Enumerable.Range(0, Problems).Select(k => ProblemSettings.Lasso(0.005 + 0.001 * (k % 50))).ToArray();
        _batch = ProblemBatch<double>.WithSharedDesign(x, Features, responses, settings);
        _backend = IlgpuBackend.CreateCpu();
        _backend.Engine = Engine;
        // kernel compilation happens here
        Solve();
    }

    [Benchmark]
    public BatchResult Solve() => _backend.Solve(_batch, _options);

    [GlobalCleanup]
    public void Cleanup() => _backend.Dispose();
}
