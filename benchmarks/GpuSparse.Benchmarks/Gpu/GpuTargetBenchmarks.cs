using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using GpuSparse.Backends;
using GpuSparse.Model;

namespace GpuSparse.Benchmarks.Gpu;

/// <summary>
/// Issue 16's GPU targets, one row each (<see cref="GpuTarget.Full"/> when $GPUSPARSE_BENCH_GPU_TARGETS is
/// <c>all</c>, else the <see cref="GpuTarget.Scaled"/> versions), on CUDA where ILGPU finds a device and on the
/// ILGPU CPU accelerator otherwise. Few, single-invocation iterations: a full-size solve takes 10 ms to seconds.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Columns))]
[WarmupCount(1), IterationCount(3), InvocationCount(1, 1)]
public class GpuTargetBenchmarks
{
    private IlgpuBackend _backend = null!;
    private ProblemBatch<double>? _batch;
    private ResidentSession<double>? _session64;
    private ResidentSession<float>? _session32;
    private double[] _responses64 = [];
    private float[] _responses32 = [];
    private double[] _lambdas = [], _ratios = [];
    private double[] _coefficients = [], _intercepts = [], _gaps = [];
    private int[] _iterations = [];
    private ProblemStatus[] _statuses = [];
    private TimeSpan _leastKernelTime = TimeSpan.MaxValue;

    /// <summary>The targets benchmarked.</summary>
    public static IEnumerable<GpuTarget> Targets =>
        Environment.GetEnvironmentVariable("GPUSPARSE_BENCH_GPU_TARGETS") == "all" ? GpuTarget.Full : GpuTarget.Scaled;

    /// <summary>The target of the row.</summary>
    [ParamsSource(nameof(Targets))]
    public GpuTarget Target { get; set; } = GpuTarget.Scaled[0];

    /// <summary>Generates the data, opens the backend (and the session), solves once outside the measurement.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _backend = IlgpuBackend.IsCudaAvailable ? IlgpuBackend.CreateCuda() : IlgpuBackend.CreateCpu();
        var options = new SolverOptions { Tolerance = Target.Tolerance };
        int k = Target.Problems, n = Target.Workload.N, p = Target.Workload.P;
        _coefficients = new double[(long)k * p];
        _intercepts = new double[k];
        _gaps = new double[k];
        _iterations = new int[k];
        _statuses = new ProblemStatus[k];
        if (Target.Single)
        {
            var (x, y, lambdas, ratios) = Target.Create<float>();
            (_responses32, _lambdas, _ratios) = (y, lambdas, ratios);
            _session32 = ResidentSession<float>.WithDesignPerProblem(_backend, x, k, n, p, new ResidentOptions(), options);
        }
        else
        {
            var (x, y, lambdas, ratios) = Target.Create<double>();
            (_responses64, _lambdas, _ratios) = (y, lambdas, ratios);
            if (Target.Mode == TargetMode.Resident)
                _session64 = ResidentSession<double>.WithDesignPerProblem(_backend, x, k, n, p, new ResidentOptions(), options);
            else
                _batch = ProblemBatch<double>.WithDesignPerProblem(x, n, p, y,
                    [.. lambdas.Select((lambda, e) => ProblemSettings.ElasticNet(lambda, ratios[e]))]);
        }
        // resident calls time their kernels (the least over the calls is recorded for the share of the binding resource)
        if (_session64 is not null)
            _session64.MeasureKernelTime = true;
        if (_session32 is not null)
            _session32.MeasureKernelTime = true;
        // kernels compiled and buffers allocated outside the measurement; the accuracy of the solve recorded
        if (_batch is not null)
            AccuracyColumn.Record(AccuracyColumn.Key($"{nameof(GpuTargetBenchmarks)}.{nameof(Solve)}", (nameof(Target), Target)),
                _backend.Solve(_batch, options));
        else
            Solve();
    }

    /// <summary>Every measured resident call starts cold, as a fresh solve would.</summary>
    [IterationSetup]
    public void ResetWarmStarts()
    {
        _session64?.ResetWarmStarts();
        _session32?.ResetWarmStarts();
    }

    /// <summary>One solve of all K problems (host to host), or one resident call.</summary>
    [Benchmark]
    public int Solve()
    {
        var output = new ResidentOutput(_coefficients, _intercepts, _gaps, _iterations, _statuses);
        if (_batch is not null)
            return _backend.Solve(_batch, new SolverOptions { Tolerance = Target.Tolerance }).CountWith(ProblemStatus.Converged);
        if (_session32 is not null)
            _session32.Solve(_responses32, _lambdas, _ratios, output);
        else
            _session64!.Solve(_responses64, _lambdas, _ratios, output);
        var kernelTime = _session32?.KernelTime ?? _session64!.KernelTime;
        if (kernelTime < _leastKernelTime)
            _leastKernelTime = kernelTime;
        return _iterations[0];
    }

    /// <summary>Releases the session and the backend, and the host arrays (several GB at full size).</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        if (_leastKernelTime != TimeSpan.MaxValue)
            GpuTargetColumn.RecordKernelTime(Target, _leastKernelTime, _backend.Name);
        _session64?.Dispose();
        _session32?.Dispose();
        _backend.Dispose();
        (_batch, _session64, _session32) = (null, null, null);
        (_responses64, _responses32, _coefficients) = ([], [], []);
    }

    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(GpuTargetColumn.All);
    }
}
