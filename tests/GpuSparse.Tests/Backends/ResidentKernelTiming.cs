using GpuSparse.Backends;
using GpuSparse.Model;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// <see cref="ResidentSession{T}.KernelTime"/> on a backend's engine: zero with <see cref="ResidentSession{T}.MeasureKernelTime"/>
/// off; with it on, positive and within the call's own wall time (it leaves out staging, copies and waits), and the
/// results the same bits as without it. Bound to the CPU accelerator (<see cref="ResidentSessionEngineTests"/>) and to
/// CUDA (<see cref="IlgpuCudaResidentTimingTests"/>).
/// </summary>
public static class ResidentKernelTiming
{
    private const int Count = 6, Samples = 12, Features = 5;

    /// <summary>Every engine a backend can be set to (all but <see cref="DeviceEngine.Auto"/>, which picks one of them).</summary>
    public static TheoryData<DeviceEngine> Engines => [.. Enum.GetValues<DeviceEngine>().Where(engine => engine != DeviceEngine.Auto)];

    internal static void Check(IlgpuBackend backend)
    {
        var random = new Random(41);
        bool shared = backend.Engine == DeviceEngine.SharedGramCoordinateDescent;
        var x = ResidentSessionTests.RandomValues<double>(random, (shared ? 1 : Count) * Samples * Features);
        var y = ResidentSessionTests.RandomValues<double>(random, Count * Samples);
        var lambdas = Enumerable.Range(0, Count).Select(k => 0.01 + 0.01 * k).ToArray();
        var ratios = Enumerable.Repeat(0.5, Count).ToArray();
        var options = new SolverOptions { Tolerance = 1e-8 };
        using var session = shared
            ? ResidentSession<double>.WithSharedDesign(backend, x, Features, Count, new ResidentOptions(), options)
            : ResidentSession<double>.WithDesignPerProblem(backend, x, Count, Samples, Features, new ResidentOptions(), options);
        var plain = new ResidentSessionTests.Output(Count, Features);
        session.Solve(y, lambdas, ratios, plain.Span);
        Assert.Equal(TimeSpan.Zero, session.KernelTime);

        session.ResetWarmStarts();
        session.MeasureKernelTime = true;
        var timed = new ResidentSessionTests.Output(Count, Features);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        session.Solve(y, lambdas, ratios, timed.Span);
        var wall = clock.Elapsed;
        string where = $"{backend.Name}, {backend.Engine}";
        Assert.True(session.KernelTime > TimeSpan.Zero, $"{where}: kernel time {session.KernelTime}");
        Assert.True(session.KernelTime <= wall, $"{where}: kernel time {session.KernelTime} beyond the call's {wall}");
        Assert.Equal(plain.Coefficients, timed.Coefficients);
        Assert.Equal(plain.Gaps, timed.Gaps);
        Assert.Equal(plain.Iterations, timed.Iterations);
        Assert.Equal(plain.Statuses, timed.Statuses);
    }
}

/// <summary><see cref="ResidentKernelTiming.Check"/> on a CUDA device, every engine: skipped without one.</summary>
public sealed class IlgpuCudaResidentTimingTests
{
    [CudaTheory]
    [MemberData(nameof(ResidentKernelTiming.Engines), MemberType = typeof(ResidentKernelTiming))]
    public void KernelTime_IsMeasuredOnRequestAndChangesNoResult(DeviceEngine engine)
    {
        using var backend = IlgpuBackend.CreateCuda().With(engine);
        ResidentKernelTiming.Check(backend);
    }
}
