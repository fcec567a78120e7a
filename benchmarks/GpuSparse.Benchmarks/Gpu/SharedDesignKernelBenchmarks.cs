using BenchmarkDotNet.Attributes;
using GpuSparse.Backends;
using GpuSparse.Model;

namespace GpuSparse.Benchmarks.Gpu;

/// <summary>
/// Lasso sweeps on one shared X (over y and λ), float64, tol 1e-6, on ILGPU's CPU accelerator (warps of 4, groups of up
/// to 16 threads: W = 4 problems a group for the shared kernel): the per-problem Gram kernel (G formed by every problem's
/// warp) against the shared-design kernel (G formed once per group), on K = 1000 of 64 × 32 (X staged in the group's
/// shared memory) and K = 256 of 400 × 32 (X, 100 KB, beyond 48 KB: read from global memory). The CPU accelerator
/// emulates every device thread on an OS thread, so these times say how the two compare in emulation, not on a GPU.
/// </summary>
public class SharedDesignKernelBenchmarks
{
    private const int Features = 32;
    private IlgpuBackend _backend = null!;
    private ProblemBatch<double> _batch = null!;
    private readonly SolverOptions _options = new() { Tolerance = 1e-6 };

    [Params(DeviceEngine.GramCoordinateDescent, DeviceEngine.SharedGramCoordinateDescent)]
    public DeviceEngine Engine { get; set; }

    /// <summary>The sweep: K problems of n × 32.</summary>
    [ParamsSource(nameof(Sweeps))]
    public SweepShape Sweep { get; set; } = null!;

    public static IEnumerable<SweepShape> Sweeps => [new(1000, 64), new(256, 400)];

    /// <summary>K problems of n × 32 on one X.</summary>
    public sealed record SweepShape(int Problems, int Samples)
    {
        public override string ToString() => $"K{Problems}_n{Samples}";
    }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var (problems, samples) = (Sweep.Problems, Sweep.Samples);
        var x = new double[samples * Features];
        for (int e = 0; e < x.Length; e++)
            x[e] = 2 * random.NextDouble() - 1;
        var responses = new ReadOnlyMemory<double>[problems];
        for (int k = 0; k < problems; k++)
        {
            var y = new double[samples];
            for (int i = 0; i < samples; i++)
                y[i] = x[i * Features] - 0.5 * x[i * Features + 1 + k % 7] + 0.1 * (2 * random.NextDouble() - 1);
            responses[k] = y;
        }
        var settings = Enumerable.Range(0, problems).Select(k => ProblemSettings.Lasso(0.005 + 0.001 * (k % 50))).ToArray();
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
