using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Kernels.OnChip;
using GpuSparse.Model;
using GpuSparse.Preparation;
using ILGPU.Runtime.CPU;
using Xunit;
using Xunit.Abstractions;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// The shared-design Gram kernel (a group of W warps shares G and X, a warp per problem) and the per-problem Gram
/// kernel of the same warp size on ILGPU's CPU accelerator: warps of 4 (W = 4, the default device, and W = 2) and of
/// 32 (W = 1 and W = 2, CUDA's warp); X placed by shape (staged where it fits), and read from global memory on every
/// shape (warps of 4 with W = 4, of 32 with W = 2).
/// </summary>
public sealed class SharedGramBackendsFixture : IDisposable
{
    private readonly Dictionary<string, IlgpuBackend> _backends = new()
    {
        ["per-problem, warp 4"] = IlgpuBackend.CreateCpu().With(DeviceEngine.GramCoordinateDescent),
        ["shared, warp 4, W 4"] = IlgpuBackend.CreateCpu().With(DeviceEngine.SharedGramCoordinateDescent),
        ["shared, warp 4, W 2"] = IlgpuBackend.CreateCpu(new CPUDevice(numThreadsPerWarp: 4, numWarpsPerMultiprocessor: 2, numMultiprocessors: 1))
            .With(DeviceEngine.SharedGramCoordinateDescent),
        ["per-problem, warp 32"] = IlgpuBackend.CreateCpu(IlgpuDevices.CudaWarp).With(DeviceEngine.GramCoordinateDescent),
        ["shared, warp 32, W 1"] = IlgpuBackend.CreateCpu(IlgpuDevices.CudaWarp).With(DeviceEngine.SharedGramCoordinateDescent),
        ["shared, warp 32, W 2"] = IlgpuBackend.CreateCpu(new CPUDevice(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 2, numMultiprocessors: 1))
            .With(DeviceEngine.SharedGramCoordinateDescent),
        // X_w read from global memory on every shape, also where it would fit a group's shared memory
        ["global, warp 4, W 4"] = FromGlobal(IlgpuBackend.CreateCpu()),
        ["global, warp 32, W 2"] = FromGlobal(IlgpuBackend.CreateCpu(new CPUDevice(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 2, numMultiprocessors: 1))),
    };

    private static IlgpuBackend FromGlobal(IlgpuBackend backend)
    {
        backend.SharedDesignPlacement = DesignPlacement.GlobalMemory;
        return backend.With(DeviceEngine.SharedGramCoordinateDescent);
    }

    public IlgpuBackend this[string name] => _backends[name];

    /// <summary>The per-problem kernel's backend of the warp size of shared-kernel backend <paramref name="shared"/>.</summary>
    public IlgpuBackend PerProblemFor(string shared) => _backends[shared.Contains("warp 4", StringComparison.Ordinal) ? "per-problem, warp 4" : "per-problem, warp 32"];

    /// <summary>The backend of X-from-global backend <paramref name="global"/>'s device whose placement goes by shape (staged where X fits).</summary>
    public IlgpuBackend ByShapeFor(string global) => _backends[global.Replace("global", "shared", StringComparison.Ordinal)];

    public void Dispose()
    {
        foreach (var backend in _backends.Values)
            backend.Dispose();
    }
}

/// <summary>
/// The shared-design kernel, X staged or read from global memory, against the per-problem Gram kernel of the same warp
/// size (and the two placements against each other where both apply): every result bit-identical
/// (statuses, sweep counts, messages, coefficients, intercepts, gaps, objectives), since G, c and ‖y_c‖² are summed
/// in the same order from the same products and the solve is the same code; and against the host engine of the same
/// algorithm (the <c>cd</c> backend) within 1e-12 relative in float64 and 1e-6 in float32, as the per-problem kernel
/// (<see cref="IlgpuCpuGramAgreementTests"/>).
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuSharedGramAgreementTests(SharedGramBackendsFixture backends, ITestOutputHelper output)
    : IClassFixture<SharedGramBackendsFixture>
{
    private const double Float64Relative = 1e-12;
    private const double Float32Relative = 1e-6;

    public static TheoryData<string> Shared => ["shared, warp 4, W 4", "shared, warp 4, W 2", "shared, warp 32, W 1", "shared, warp 32, W 2"];

    /// <summary>Groups of more than one warp (warps of 32 are emulated by 32 threads each: the suite's time).</summary>
    public static TheoryData<string> Grouped => ["shared, warp 4, W 4", "shared, warp 4, W 2", "shared, warp 32, W 2"];

    /// <summary>The backends that read X_w from global memory whatever the shape (warps of 4 and of 32).</summary>
    public static TheoryData<string> Global => ["global, warp 4, W 4", "global, warp 32, W 2"];

    /// <summary><see cref="Grouped"/> and <see cref="Global"/>: on the shapes X fits, X staged and X from global memory.</summary>
    public static TheoryData<string> GroupedOrGlobal => [.. ((IEnumerable<object[]>)Grouped).Concat(Global).Select(row => (string)row[0])];

    private static SolverOptions Options(double tolerance) => new() { Tolerance = tolerance, MaxIterations = 300, CheckInterval = 4 };

    /// <summary>A sweep: one X, every problem prepared on the same X_w (same intercept, standardization, no unpenalised feature).</summary>
    private static ProblemSettings[] Sweep(int count, Func<int, ProblemSettings> settings) => [.. Enumerable.Range(0, count).Select(settings)];

    private static ProblemSettings Mix(int k, double lambda) => (k % 3) switch
    {
        0 => ProblemSettings.Lasso(lambda),
        1 => ProblemSettings.ElasticNet(lambda, 0.5),
        _ => ProblemSettings.ElasticNet(lambda, 0.9),
    };

    [Theory]
    [MemberData(nameof(GroupedOrGlobal))]
    public void MixedSettings_Float64_MatchThePerProblemKernel(string shared) => Compare(shared, "mixed settings",
        TestProblems.Shared<double>(20, 7, TestProblems.Mixed(24, 7, seed: 1), seed: 2), Options(1e-8), Float64Relative);

    [Theory]
    [MemberData(nameof(GroupedOrGlobal))]
    public void Float32_MatchesThePerProblemKernel(string shared) => Compare(shared, "float32 sweep",
        TestProblems.Shared<float>(20, 7, Sweep(10, k => Mix(k, 0.02 + 0.03 * k)), seed: 8), Options(1e-6), Float32Relative);

    [Theory]
    [MemberData(nameof(Shared))]
    public void Shapes_MatchThePerProblemKernel(string shared)
    {
        // p = 1, 7, around a warp of 32 and the largest; n below and above p; K = 1 and K = 7 (no multiple of W = 2, 4);
        // warps of 32 (emulated by 32 threads) on the shapes around their width only, to keep the suite's time
        bool wide = shared.Contains("warp 32", StringComparison.Ordinal);
        foreach (int p in wide ? new[] { 1, 33, 64 } : [1, 7, 32, 33, 64])
            foreach (int n in wide ? new[] { p / 2 + 9 } : [Math.Max(1, p / 2), p + 9])
                foreach (int count in wide ? new[] { 7 } : [1, 7])
                {
                    var settings = Sweep(count, k => Mix(k, 0.03 + 0.05 * k) with { Positive = k == 5 });
                    if (SharedGramCoordinateDescentKernel.Warps(n, p, 4, 12, sizeof(double), DesignPlacement.SharedMemory) > 0)
                        Compare(shared, $"n = {n}, p = {p}, K = {count}, float64",
                            TestProblems.Shared<double>(n, p, settings, seed: 7 * n + p, zeroColumn: p > 2), Options(1e-7) with { MaxIterations = 40 },
                            Float64Relative);
                    else
                        // 64 × 73 in float64 does not fit 48 KB: float32 does
                        Compare(shared, $"n = {n}, p = {p}, K = {count}, float32",
                            TestProblems.Shared<float>(n, p, settings, seed: 7 * n + p, zeroColumn: true), Options(1e-5) with { MaxIterations = 40 },
                            Float32Relative);
                }
    }

    [Theory]
    [MemberData(nameof(GroupedOrGlobal))]
    public void BelowTheTrustedTolerance_TheResidualChecksFromXMatch(string shared) =>
        // tol 1e-13 < GramDualityGap.TrustedTolerance: every check forms R from X (the group's copy in shared memory, or X in global memory)
        Compare(shared, "tolerance 1e-13 (residual certificate)",
            TestProblems.Shared<double>(15, 5, Sweep(7, k => Mix(k, 0.01 + 0.02 * k)), seed: 10), Options(1e-13) with { MaxIterations = 2000 },
            Float64Relative);

    [Theory]
    [MemberData(nameof(Grouped))]
    public void ProblemsAtTheSweepLimitNextToConvergedOnes_Match(string shared)
    {
        // small λ converge slowly: with 12 sweeps some of the group stop at the limit, the others converge
        var batch = TestProblems.Shared<double>(30, 12, Sweep(11, k => Mix(k, k % 2 == 0 ? 0.5 : 1e-4)), seed: 31);
        var options = Options(1e-10) with { MaxIterations = 12, CheckInterval = 2 };
        var results = Compare(shared, "sweep limit", batch, options, Float64Relative);
        Assert.Contains(results.Problems, r => r.Status == ProblemStatus.MaxIterations);
        Assert.Contains(results.Problems, r => r.Status == ProblemStatus.Converged);
    }

    [Theory]
    [MemberData(nameof(Shared))]
    public void AnInvalidProblemInAGroupLeavesTheOthersBitIdentical(string shared)
    {
        int n = 12, p = 6, count = 8;
        var settings = Sweep(count, k => Mix(k, 0.02 + 0.04 * k));
        var batch = TestProblems.Shared<double>(n, p, settings, seed: 51);
        var x = batch.Design(0);
        var responses = Enumerable.Range(0, count).Select(k => batch.Response(k)).ToArray();
        // problem 2's y has a NaN: it is refused, its warp's slot skipped while the group's other warps solve
        var poisoned = responses[2].ToArray();
        poisoned[4] = double.NaN;
        responses[2] = poisoned;
        var withNaN = ProblemBatch<double>.WithSharedDesign(x, p, responses, settings);
        var actual = backends[shared].Solve(withNaN, Options(1e-10));
        var clean = backends[shared].Solve(batch, Options(1e-10));
        Assert.Equal(ProblemStatus.Invalid, actual[2].Status);
        for (int k = 0; k < count; k++)
            if (k != 2)
                AssertBitIdentical(k, clean[k], actual[k]);
        AssertSameResults(backends.PerProblemFor(shared).Solve(withNaN, Options(1e-10)), actual);
    }

    [Theory]
    [MemberData(nameof(Shared))]
    public void ANaNInOneWorkingResponseDivergesThatProblemAtSweepZeroAndLeavesItsGroupBitIdentical(string shared)
    {
        // valid input cannot diverge: a prepared problem is broken the way a bug or an overflow would break it
        var options = Options(1e-10);
        var batch = TestProblems.Shared<double>(12, 6, Sweep(5, k => Mix(k, 0.02 + 0.04 * k)), seed: 81);
        var clean = BatchPreparation.Prepare(batch, options).Problems.Select(problem => problem!).ToArray();
        Assert.All(clean, problem => Assert.Same(clean[0].Design, problem.Design));
        var broken = (PreparedProblem<double>[])clean.Clone();
        var response = (double[])clean[2].Response.Clone();
        response[3] = double.NaN;
        var c = clean[2];
        broken[2] = new(c.Index, c.Design, response, c.ResponseMean, c.L1, c.L2, c.Positive, c.Initial, c.NullObjective, c.GapTolerance,
            c.FitIntercept, c.BasisDotResponse);
        var expected = SolveOnDevice(shared, clean, options);
        var actual = SolveOnDevice(shared, broken, options);
        Assert.Equal(ProblemStatus.Diverged, actual[2].Status);
        Assert.Equal(0, actual[2].Iterations);
        Assert.Contains("at sweep 0", actual[2].Message);
        for (int k = 0; k < clean.Length; k++)
            if (k != 2)
                AssertBitIdentical(k, expected[k], actual[k]);
    }

    // The prepared problems (all on one prepared design) solved by a device batch of the shared-design engine.
    private ProblemResult[] SolveOnDevice(string shared, PreparedProblem<double>[] problems, SolverOptions options)
    {
        var backend = backends[shared];
        var design = problems[0].Design;
        using var device = new DeviceBatch<double>(backend.Accelerator, backend.Kernels, problems.Length, design.Samples, design.Features,
            designPerProblem: false, positive: false, engine: DeviceEngine.SharedGramCoordinateDescent);
        device.Load(problems);
        int iteration = device.Run(options, null, CancellationToken.None);
        var results = new ProblemResult[problems.Length];
        device.Collect(problems, iteration, results);
        return results;
    }

    [Fact]
    public void AutoPicksTheSharedKernelForOneSharedDesignAndThePerProblemKernelOtherwise()
    {
        using var backend = IlgpuBackend.CreateCpu();
        var settings = Sweep(6, k => ProblemSettings.Lasso(0.05 + 0.05 * k));
        backend.Solve(TestProblems.PerProblem<double>([9, 9], 5, settings, seed: 61), Options(1e-8));
        Assert.DoesNotContain(backend.Kernels.Loaded, method => method.DeclaringType == typeof(SharedGramCoordinateDescentKernel));
        backend.Solve(TestProblems.Shared<double>(9, 5, settings, seed: 63), Options(1e-8));
        Assert.Contains(backend.Kernels.Loaded, method => Placement(method) == typeof(StagedDesign));
        Assert.DoesNotContain(backend.Kernels.Loaded, method => Placement(method) == typeof(GlobalDesign));
        // 64 × 64 in float64: X and G exceed 48 KB, G alone does not: X is read from global memory
        backend.Solve(TestProblems.Shared<double>(64, 64, Sweep(2, k => ProblemSettings.Lasso(0.1)), seed: 62), Options(1e-6) with { MaxIterations = 5 });
        Assert.Contains(backend.Kernels.Loaded, method => Placement(method) == typeof(GlobalDesign));
    }

    // The placement type argument of a loaded shared-design kernel (null for the other kernels).
    private static Type? Placement(System.Reflection.MethodInfo method) =>
        method.DeclaringType == typeof(SharedGramCoordinateDescentKernel) ? method.GetGenericArguments()[^1] : null;

    [Fact]
    public void AutoPicksThePlacementByShape()
    {
        // (n, p, bytes, lanes, group threads): X staged while X_w, G and one warp's vectors fit 48 KB, else from global memory
        var cases = new (int N, int P, int Bytes, int Lanes, int Threads, DesignPlacement Expected)[]
        {
            (64, 32, 8, 32, 1024, DesignPlacement.SharedMemory),
            (167, 32, 8, 32, 1024, DesignPlacement.SharedMemory),
            (168, 32, 8, 32, 1024, DesignPlacement.GlobalMemory),
            (1000, 32, 8, 32, 1024, DesignPlacement.GlobalMemory),
            (64, 64, 8, 32, 1024, DesignPlacement.GlobalMemory),
            (400, 64, 8, 32, 1024, DesignPlacement.GlobalMemory),
            (200, 33, 8, 32, 1024, DesignPlacement.GlobalMemory),
            (700, 16, 4, 32, 1024, DesignPlacement.SharedMemory),
            (800, 16, 4, 32, 1024, DesignPlacement.GlobalMemory),
            (6200, 1, 8, 4, 16, DesignPlacement.GlobalMemory),
            (20, 7, 8, 4, 16, DesignPlacement.SharedMemory),
        };
        foreach (var (n, p, bytes, lanes, threads, expected) in cases)
        {
            string shape = $"{n} × {p}, {bytes} bytes, warps of {lanes}";
            Assert.True(DeviceEngine.SharedGramCoordinateDescent == DeviceEngines.ForShape(DeviceEngine.Auto, DeviceEngine.GramCoordinateDescent,
                n, p, lanes, threads, bytes, designPerProblem: false), shape);
            Assert.True(DeviceEngine.GramCoordinateDescent == DeviceEngines.ForShape(DeviceEngine.Auto, DeviceEngine.GramCoordinateDescent,
                n, p, lanes, threads, bytes, designPerProblem: true), shape);
            Assert.True(expected == SharedGramCoordinateDescentKernel.Placement(n, p, lanes, threads, bytes), shape);
            int warps = SharedGramCoordinateDescentKernel.Warps(n, p, lanes, threads, bytes, expected);
            Assert.InRange(warps, 1, Math.Min(SharedGramCoordinateDescentKernel.MaxWarps, threads / lanes));
            Assert.True(SharedGramCoordinateDescentKernel.SharedDoubles(warps, n, p, bytes, expected) * 8 <= SharedGramCoordinateDescentKernel.MaxSharedBytes, shape);
        }
        // p = 64 in float64 from global memory: G (16.6 KB) and 7 warps' vectors (4 KB each) fit 48 KB, not 8
        Assert.Equal(7, SharedGramCoordinateDescentKernel.Warps(400, 64, 32, 1024, 8, DesignPlacement.GlobalMemory));
        Assert.Equal(0, SharedGramCoordinateDescentKernel.Warps(400, 64, 32, 1024, 8, DesignPlacement.SharedMemory));
        Assert.Null(SharedGramCoordinateDescentKernel.Placement(10, 65, 32, 1024, 8));
    }

    [Fact]
    public void TheSharedKernelAskedForWhereItCannotRunIsRefused()
    {
        var backend = backends["shared, warp 4, W 4"];
        var settings = Sweep(2, k => ProblemSettings.Lasso(0.1));
        var perProblem = Assert.Throws<NotSupportedException>(() => backend.Solve(TestProblems.PerProblem<double>([9], 5, settings, seed: 71), Options(1e-8)));
        Assert.Contains("one shared design", perProblem.Message);
        // X staged forced on a design it does not fit
        using var staged = IlgpuBackend.CreateCpu().With(DeviceEngine.SharedGramCoordinateDescent);
        staged.SharedDesignPlacement = DesignPlacement.SharedMemory;
        var tooLarge = Assert.Throws<NotSupportedException>(() => staged.Solve(TestProblems.Shared<double>(64, 64, settings, seed: 72), Options(1e-8)));
        Assert.Contains("64 × 64", tooLarge.Message);
    }

    [Theory]
    [MemberData(nameof(Global))]
    public void TallShapes_XBeyondSharedMemory_MatchThePerProblemKernel(string global)
    {
        // X_w beyond 48 KB with G: p = 1, 7, 33 and 64 (float64), 16 (float32); K = 1 and 7 (no multiple of W); warps of
        // 32 (emulated by 32 threads each) on the two widest shapes only, to keep the suite's time
        bool wide = global.Contains("warp 32", StringComparison.Ordinal);
        (int N, int P, int Bytes)[] shapes = wide ? [(200, 33, 8), (400, 64, 8)] : [(6200, 1, 8), (900, 7, 8), (200, 33, 8), (400, 64, 8), (800, 16, 4)];
        foreach (var (n, p, bytes) in shapes)
        {
            Assert.Equal(DesignPlacement.GlobalMemory, SharedGramCoordinateDescentKernel.Placement(n, p, 32, 1024, bytes));
            foreach (int count in wide ? new[] { 7 } : [1, 7])
            {
                var settings = Sweep(count, k => Mix(k, 0.03 + 0.05 * k) with { Positive = k == 5 });
                var options = Options(bytes == 8 ? 1e-7 : 1e-5) with { MaxIterations = 30 };
                string scenario = $"{n} × {p}, K = {count}, float{8 * bytes}";
                // the by-shape backend of the same device (compared too) reads X from global memory on these shapes as well
                if (bytes == 8)
                    Compare(global, scenario, TestProblems.Shared<double>(n, p, settings, seed: 7 * n + p, zeroColumn: p > 2), options,
                        Float64Relative);
                else
                    Compare(global, scenario, TestProblems.Shared<float>(n, p, settings, seed: 7 * n + p, zeroColumn: true), options,
                        Float32Relative);
            }
        }
        Assert.Contains(backends.ByShapeFor(global).Kernels.Loaded, method => Placement(method) == typeof(GlobalDesign));
    }

    [Theory]
    [MemberData(nameof(Global))]
    public void TallShape_ResidualChecksFromGlobalX_SweepLimit_AndAnInvalidProblem_Match(string global)
    {
        // 900 × 7 (X 50 KB): tol 1e-13 forms every check's R from X in global memory; 4 sweeps leave small λ at the limit
        int n = 900, p = 7, count = 9;
        var settings = Sweep(count, k => Mix(k, k % 2 == 0 ? 0.3 : 1e-5));
        var batch = TestProblems.Shared<double>(n, p, settings, seed: 91);
        var limited = Compare(global, "900 × 7, tolerance 1e-13, 4 sweeps", batch, Options(1e-13) with { MaxIterations = 4, CheckInterval = 2 },
            Float64Relative);
        Assert.Contains(limited.Problems, r => r.Status == ProblemStatus.MaxIterations);
        Assert.Contains(limited.Problems, r => r.Status == ProblemStatus.Converged);
        // problem 2's y has a NaN: refused, its slot in the group skipped, the others bit-identical
        var responses = Enumerable.Range(0, count).Select(k => batch.Response(k)).ToArray();
        var poisoned = responses[2].ToArray();
        poisoned[4] = double.NaN;
        responses[2] = poisoned;
        var withNaN = ProblemBatch<double>.WithSharedDesign(batch.Design(0), p, responses, settings);
        var options = Options(1e-10) with { MaxIterations = 60 };
        var actual = backends[global].Solve(withNaN, options);
        var clean = backends[global].Solve(batch, options);
        Assert.Equal(ProblemStatus.Invalid, actual[2].Status);
        for (int k = 0; k < count; k++)
            if (k != 2)
                AssertBitIdentical(k, clean[k], actual[k]);
        AssertSameResults(backends.PerProblemFor(global).Solve(withNaN, options), actual);
    }

    [Theory]
    // 900 × 7 in float64: the session's engine reads X from global memory by shape, as the batch solve's
    [InlineData("shared, warp 4, W 4", 900)]
    // 20 × 7: X from global memory forced on the session, X staged by shape in the batch solve of the same device
    [InlineData("global, warp 4, W 4", 20)]
    public void AResidentSessionWithXFromGlobalMemory_EqualsTheBatchSolve(string name, int n)
    {
        var backend = backends[name];
        int p = 7, count = 5;
        var batch = TestProblems.Shared<double>(n, p, Sweep(count, k => ProblemSettings.ElasticNet(0.02 + 0.03 * k, k % 2 == 0 ? 1 : 0.5)), seed: 93);
        var y = Enumerable.Range(0, count).SelectMany(k => batch.Response(k).ToArray()).ToArray();
        var lambdas = Enumerable.Range(0, count).Select(k => batch.Settings(k).Lambda).ToArray();
        var ratios = Enumerable.Range(0, count).Select(k => batch.Settings(k).L1Ratio).ToArray();
        var options = Options(1e-9);
        using var session = ResidentSession<double>.WithSharedDesign(backend, batch.Design(0).Span, p, count, new ResidentOptions(), options);
        var output = new ResidentSessionTests.Output(count, p);
        session.Solve(y, lambdas, ratios, output.Span);
        var expected = (name.StartsWith("global", StringComparison.Ordinal) ? backends.ByShapeFor(name) : backend).Solve(batch, options);
        Assert.Contains(backend.Kernels.Loaded, method => Placement(method) == typeof(GlobalDesign) && method.GetGenericArguments()[3].Name.StartsWith("ResidentStart", StringComparison.Ordinal));
        for (int k = 0; k < count; k++)
        {
            Assert.Equal(expected[k].Status, output.Statuses[k]);
            Assert.Equal(expected[k].Iterations, output.Iterations[k]);
            Assert.Equal(expected[k].Coefficients, output.Coefficients.AsSpan(k * p, p).ToArray());
            Assert.Equal(expected[k].Intercept, output.Intercepts[k]);
            Assert.Equal(expected[k].DualityGap, output.Gaps[k]);
        }
    }

    // The shared kernel's results equal the per-problem kernel's of the same warp size bit for bit, and agree with the
    // cd backend within the per-problem kernel's bound.
    // An X-from-global backend's equal those of the same device's by-shape backend bit for bit too (X staged where it fits).
    private BatchResult Compare<T>(string shared, string scenario, ProblemBatch<T> batch, SolverOptions options, double relative)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var actual = backends[shared].Solve(batch, options);
        AssertSameResults(backends.PerProblemFor(shared).Solve(batch, options), actual);
        if (shared.StartsWith("global", StringComparison.Ordinal))
            AssertSameResults(backends.ByShapeFor(shared).Solve(batch, options), actual);
        using var cd = new CoordinateDescentBackend();
        var report = Agreement.Compare(shared, cd.Solve(batch, options), actual, relative);
        output.WriteLine($"{shared}, {scenario}: bit-identical to the per-problem kernel; against cd: {report}");
        return actual;
    }

    private static void AssertSameResults(BatchResult expected, BatchResult actual)
    {
        Assert.Equal(expected.Problems.Count, actual.Problems.Count);
        for (int k = 0; k < expected.Problems.Count; k++)
            AssertBitIdentical(k, expected[k], actual[k]);
    }

    private static void AssertBitIdentical(int k, ProblemResult expected, ProblemResult actual)
    {
        Assert.True(expected.Status == actual.Status, $"problem {k}: {actual.Status}, per-problem kernel {expected.Status}");
        Assert.True(expected.Iterations == actual.Iterations, $"problem {k}: {actual.Iterations} sweeps, per-problem kernel {expected.Iterations}");
        Assert.Equal(expected.Message, actual.Message);
        Assert.Equal(expected.Coefficients, actual.Coefficients);
        Assert.Equal(expected.Intercept, actual.Intercept);
        Assert.Equal(expected.DualityGap, actual.DualityGap);
        Assert.Equal(expected.Objective, actual.Objective);
    }
}
