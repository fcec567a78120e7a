using BenchmarkDotNet.Attributes;
using GpuSparse.Backends;
using GpuSparse.Preparation;

namespace GpuSparse.Benchmarks;

/// <summary>
/// Host staging of the ILGPU backend: K = 100,000 prepared problems of 64 × 32 (float64, each its own design)
/// loaded into one device batch on the CPU accelerator (bulk copies into page-locked arrays, then the uploads,
/// which are host copies on this accelerator and DMA on CUDA), against the element-wise stride-K scatter into the
/// problem-minor layout that the backend did before (<see cref="ElementwiseScatter"/>, the same loops, into a
/// plain array). Problem bytes per operation: K·(n·p + n + 3p)·8 = 1.766 GB (X, y, l1, l2, β₀). The staging copy
/// alone (<see cref="StagingCopy"/>: caller's arrays → page-locked arrays, in ranges of ≥ 1 MiB) runs on one thread and
/// on every core side by side (<see cref="Threads"/>; 0 is every core), for the cost model's per-core rate.
/// </summary>
/// <remarks>
/// The prepared problems are built directly (random working designs, step fixed), so that neither preparation
/// nor the power iteration for L is timed: only what staging does with the bytes.
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class StagingBenchmarks
{
    private const int Problems = 100_000, Samples = 64, Features = 32;
    private IlgpuBackend _backend = null!;
    private DeviceBatch<double> _device = null!;
    private PreparedProblem<double>[] _problems = null!;
    private double[] _scattered = null!, _scatteredResponse = null!, _scatteredL1 = null!, _scatteredL2 = null!, _scatteredBeta = null!;

    /// <summary>Bytes of problem data staged per operation.</summary>
    public const long ProblemBytes = (long)Problems * (Samples * Features + Samples + 3 * Features) * sizeof(double);

    /// <summary>Staging threads: 1, or 0 for every core (<see cref="DeviceBatch{T}.StagingThreads"/>).</summary>
    [Params(1, 0)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _problems = new PreparedProblem<double>[Problems];
        for (int k = 0; k < Problems; k++)
        {
            var x = new double[Samples * Features];
            for (int e = 0; e < x.Length; e++)
                x[e] = random.NextDouble() - 0.5;
            var design = new PreparedDesign<double>(x, Samples, Features, new double[Features],
                [.. Enumerable.Repeat(1.0, Features)], [.. Enumerable.Repeat(true, Features)], new Lazy<double>(1.0), null);
            var y = new double[Samples];
            for (int i = 0; i < Samples; i++)
                y[i] = random.NextDouble();
            _problems[k] = new PreparedProblem<double>(k, design, y, 0, [.. Enumerable.Repeat(0.01, Features)],
                new double[Features], false, new double[Features], 0.5, 1e-4, true, []);
        }
        _backend = IlgpuBackend.CreateCpu();
        _device = new DeviceBatch<double>(_backend.Accelerator, _backend.Kernels, Problems, Samples, Features, true, false)
        {
            StagingThreads = Threads == 0 ? null : Threads,
        };
        _scattered = new double[(long)Problems * Samples * Features];
        _scatteredResponse = new double[Problems * Samples];
        _scatteredL1 = new double[Problems * Features];
        _scatteredL2 = new double[Problems * Features];
        _scatteredBeta = new double[Problems * Features];
    }

    /// <summary>The backend's staging: bulk copies into page-locked arrays and the uploads.</summary>
    [Benchmark]
    public void BulkStaging() => _device.Load(_problems);

    /// <summary>The staging copy alone (caller's arrays → page-locked arrays, each problem checked in the same pass), no upload.</summary>
    [Benchmark]
    public void StagingCopy()
    {
        _device.Begin(Problems);
        _device.StageProblems(_problems);
    }

    /// <summary>The stride-K scatter DeviceBatch did before (element e of problem k at e·K + k), host side only.</summary>
    [Benchmark(Baseline = true)]
    public void ElementwiseScatter()
    {
        int count = Problems;
        for (int k = 0; k < count; k++)
        {
            var problem = _problems[k];
            var x = problem.Design.Values;
            for (int e = 0; e < x.Length; e++)
                _scattered[(long)e * count + k] = x[e];
            for (int i = 0; i < Samples; i++)
                _scatteredResponse[i * count + k] = problem.Response[i];
            for (int j = 0; j < Features; j++)
            {
                _scatteredL1[j * count + k] = problem.L1[j];
                _scatteredL2[j * count + k] = problem.L2[j];
                _scatteredBeta[j * count + k] = problem.Initial[j];
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _device.Dispose();
        _backend.Dispose();
    }
}
