using BenchmarkDotNet.Attributes;
using GpuSparse.Backends;
using GpuSparse.Model;

namespace GpuSparse.Benchmarks;

/// <summary>
/// The steady-state host overhead of one resident-session call: K = 1000 Lasso problems of 16 × 8 sharing a
/// design, each warm-started from its previous solution on unchanged responses, so every problem converges at
/// the first gap check and a call is staging, one gap launch (or one coordinate-descent launch with its check), and
/// collection. Per ILGPU backend (CUDA only where a device exists) and device engine: ISTA/FISTA's kernels, or
/// coordinate descent on G (what auto runs for p ≤ 64).
/// </summary>
[MemoryDiagnoser]
public class ResidentSessionBenchmarks
{
    private const int Problems = 1000, Samples = 16, Features = 8;
    private IlgpuBackend _backend = null!;
    private ResidentSession<double> _session = null!;
    private double[] _responses = null!, _lambdas = null!, _ratios = null!;
    private double[] _coefficients = null!, _intercepts = null!, _gaps = null!;
    private int[] _iterations = null!;
    private ProblemStatus[] _statuses = null!;

    /// <summary>The ILGPU backends: CUDA only where ILGPU finds a device.</summary>
    public static IEnumerable<string> Backends => IlgpuBackend.IsCudaAvailable ? ["cpu", "cuda"] : ["cpu"];

    /// <summary>The backend by its <see cref="BackendRegistry"/> name.</summary>
    [ParamsSource(nameof(Backends))]
    public string Backend { get; set; } = "";

    [Params(DeviceEngine.ProximalGradient, DeviceEngine.GramCoordinateDescent)]
    public DeviceEngine Engine { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var x = new double[Samples * Features];
        for (int e = 0; e < x.Length; e++)
            x[e] = 2 * random.NextDouble() - 1;
        _responses = new double[Problems * Samples];
        for (int k = 0; k < Problems; k++)
            for (int i = 0; i < Samples; i++)
                _responses[k * Samples + i] = x[i * Features] - 0.5 * x[i * Features + 1] + 0.1 * (2 * random.NextDouble() - 1);
        _lambdas = [.. Enumerable.Range(0, Problems).Select(k => 0.01 + 0.001 * (k % 50))];
        _ratios = [.. Enumerable.Repeat(1.0, Problems)];
        _coefficients = new double[Problems * Features];
        _intercepts = new double[Problems];
        _gaps = new double[Problems];
        _iterations = new int[Problems];
        _statuses = new ProblemStatus[Problems];
        _backend = Backend == "cuda" ? IlgpuBackend.CreateCuda() : IlgpuBackend.CreateCpu();
        _backend.Engine = Engine;
        _session = ResidentSession<double>.WithSharedDesign(_backend, x, Features, Problems, new ResidentOptions(),
            new SolverOptions { Tolerance = 1e-6 });
        // the cold solve (and kernel compilation) happens here; measured calls start from its solutions
        Solve();
    }

    [Benchmark]
    public void Solve() => _session.Solve(_responses, _lambdas, _ratios,
        new ResidentOutput(_coefficients, _intercepts, _gaps, _iterations, _statuses));

    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Dispose();
        _backend.Dispose();
    }
}
