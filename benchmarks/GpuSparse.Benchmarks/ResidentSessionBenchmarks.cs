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
    private IlgpuBackend _backend = null!;
    private ResidentSession<double> _session = null!;
    private readonly ResidentWorkload _workload = new(problems: 1000, samples: 16, features: 8);

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
        _backend = Backend == "cuda" ? IlgpuBackend.CreateCuda() : IlgpuBackend.CreateCpu();
        _backend.Engine = Engine;
        _session = _workload.Open(_backend, new SolverOptions { Tolerance = 1e-6 });
        // the cold solve (and kernel compilation) happens here; measured calls start from its solutions
        Solve();
    }

    [Benchmark]
    public void Solve() => _workload.Solve(_session);

    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Dispose();
        _backend.Dispose();
    }
}
