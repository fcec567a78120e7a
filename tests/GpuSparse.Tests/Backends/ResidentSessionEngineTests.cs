using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Model;
using ILGPU.Runtime.CPU;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// A resident call expands each problem's start and carries it inside the solve kernel of its engine (the gap kernel of
/// ISTA/FISTA, the Gram coordinate-descent and register kernels): over a chain of calls (warm starts carried on the
/// device, an invalid problem, explicit starts, the iteration limit's best iterate, and cancelled calls, whose running
/// problems are carried after the solve) every call must equal <see cref="IlgpuBackend.Solve{T}"/> of the same problems,
/// warm-started from the coefficients returned before, bit for bit, on every engine, with warps of 4 and of 32 lanes
/// (CUDA's; the register kernel's chains at 4, see <see cref="Cases"/>), in float64 and float32.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class ResidentSessionEngineTests(ResidentSessionEngineTests.Backends backends) : IClassFixture<ResidentSessionEngineTests.Backends>
{
    private const int Count = 6, Samples = 12, Features = 5;

    /// <summary>One backend per engine and warp size, its kernels loaded once for the chains in both precisions.</summary>
    public sealed class Backends : IDisposable
    {
        private readonly Dictionary<(DeviceEngine, int), IlgpuBackend> _backends = [];

        public IlgpuBackend Get(DeviceEngine engine, int lanes)
        {
            lock (_backends)
            {
                if (!_backends.TryGetValue((engine, lanes), out var backend))
                {
                    // ⌈12/7⌉ = 2 warps a group for the register kernel, 2 problems a group for the shared-design kernel;
                    // the block kernel's 12 rows and 5 columns take one warp of 32 (its sums over several warps run
                    // here at warps of 4, and at 4 warps of 32 in IlgpuCpuBlockWarp32AgreementTests)
                    int warps = engine == DeviceEngine.BlockProximalGradient && lanes == 32 ? 1 : 2;
                    backend = IlgpuBackend.CreateCpu(new CPUDevice(numThreadsPerWarp: lanes, numWarpsPerMultiprocessor: warps, numMultiprocessors: 1))
                        .With(engine);
                    _backends.Add((engine, lanes), backend);
                }
                return backend;
            }
        }

        public void Dispose()
        {
            foreach (var backend in _backends.Values)
                backend.Dispose();
        }
    }

    public static TheoryData<DeviceEngine, int, bool> Cases
    {
        get
        {
            var cases = new TheoryData<DeviceEngine, int, bool>();
            foreach (var engine in new[] { DeviceEngine.ProximalGradient, DeviceEngine.BlockProximalGradient,
                DeviceEngine.GramCoordinateDescent, DeviceEngine.RegisterProximalGradient, DeviceEngine.SharedGramCoordinateDescent })
                foreach (int lanes in new[] { 4, 32 })
                    foreach (bool float32 in new[] { false, true })
                    {
                        // the register kernel runs its chains at warps of 4 only: at warps of 32 (64 emulated threads a
                        // group, each an OS thread meeting the others at every shuffle and barrier) a chain took 30 s
                        // (float32) and 85 s (float64) on 2 cores. Its start is ProblemStartHooks, run here at warps of
                        // 32 by the block and Gram kernels, and the register kernel itself at warps of 32 by
                        // IlgpuCpuRegisterAgreementTests
                        if (engine == DeviceEngine.RegisterProximalGradient && lanes == 32)
                            continue;
                        cases.Add(engine, lanes, float32);
                    }
            return cases;
        }
    }

    /// <summary>float64 standardized with an intercept; float32 non-negative without one.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void ChainedCalls_EqualFreshSolvesBitForBit(DeviceEngine engine, int lanes, bool float32)
    {
        var backend = backends.Get(engine, lanes);
        if (float32)
            Chain<float>(backend, new ResidentOptions { FitIntercept = false, Positive = true }, 1e-5);
        else
            Chain<double>(backend, new ResidentOptions { Standardize = true }, 1e-8);
    }

    private static void Chain<T>(IlgpuBackend backend, ResidentOptions structure, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(31);
        // the shared-design kernel runs one X for every problem; the others a design per problem
        bool shared = backend.Engine == DeviceEngine.SharedGramCoordinateDescent;
        var x = ResidentSessionTests.RandomValues<T>(random, (shared ? 1 : Count) * Samples * Features);
        var y = ResidentSessionTests.RandomValues<T>(random, Count * Samples);
        for (int k = 0; k < Count; k++)
            for (int i = 0; i < Samples; i++)
            {
                int row = ((shared ? 0 : k) * Samples + i) * Features;
                y[k * Samples + i] += T.CreateTruncating(1.5) * x[row] - T.CreateTruncating(0.8) * x[row + 1];
            }
        var lambdas = Enumerable.Range(0, Count).Select(k => 0.01 + 0.01 * k).ToArray();
        var ratios = Enumerable.Range(0, Count).Select(k => k % 2 == 0 ? 1.0 : 0.5).ToArray();
        var options = new SolverOptions { Tolerance = tolerance };
        using var session = shared
            ? ResidentSession<T>.WithSharedDesign(backend, x, Features, Count, structure, options)
            : ResidentSession<T>.WithDesignPerProblem(backend, x, Count, Samples, Features, structure, options);
        var output = new ResidentSessionTests.Output(Count, Features);
        double[]? returned = null;
        // (what the call changes, its options, its explicit starts, its cancellation)
        var calls = new (string Name, SolverOptions Options, bool Explicit, CancellationToken Cancel)[]
        {
            ("cold", options, false, default),
            ("warm, moved y, one problem invalid", options, false, default),
            ("explicit starts", options, true, default),
            ("iteration limit (best iterates)", new SolverOptions { Tolerance = 1e-14, MaxIterations = 3, CheckInterval = 1 }, false, default),
            ("cancelled before the first launch", new SolverOptions { Tolerance = 1e-14 }, false, new CancellationToken(canceled: true)),
            ("warm after the cancelled call", options, false, default),
        };
        int cancelled = 0, limited = 0;
        var previousY = y;
        foreach (var (name, callOptions, explicitStarts, cancel) in calls)
        {
            var callY = (T[])y.Clone();
            previousY = callY;
            if (name.Contains("invalid"))
                callY[2 * Samples + 3] = T.NaN;
            double[]? starts = explicitStarts ? ResidentSessionTests.RandomValues<double>(random, Count * Features) : null;
            session.Options = callOptions;
            session.Solve(callY, lambdas, ratios, output.Span, starts, cancel);
            var used = starts ?? returned;
            var settings = Enumerable.Range(0, Count).Select(k => new ProblemSettings
            {
                Lambda = lambdas[k], L1Ratio = ratios[k], FitIntercept = structure.FitIntercept, Standardize = structure.Standardize,
                Positive = structure.Positive, WarmStart = used?.AsSpan(k * Features, Features).ToArray(),
            }).ToArray();
            var batch = shared
                ? ProblemBatch<T>.WithSharedDesign(x, Features, callY, settings)
                : ProblemBatch<T>.WithDesignPerProblem(x, Samples, Features, callY, settings);
            var expected = backend.Solve(batch, callOptions, cancellationToken: cancel);
            for (int k = 0; k < Count; k++)
            {
                var e = expected[k];
                string where = $"{typeof(T).Name} {name}, problem {k}";
                Assert.True(e.Status == output.Statuses[k], $"{where}: {output.Statuses[k]}, the batch {e.Status}");
                Assert.True(e.Iterations == output.Iterations[k], $"{where}: {output.Iterations[k]} iterations, the batch {e.Iterations}");
                if (e.Status == ProblemStatus.Invalid)
                    continue;
                Assert.Equal(e.Coefficients, output.Coefficients.AsSpan(k * Features, Features).ToArray());
                Assert.Equal(e.Intercept, output.Intercepts[k]);
                Assert.Equal(e.DualityGap, output.Gaps[k]);
            }
            cancelled += output.Statuses.Count(status => status == ProblemStatus.Cancelled);
            limited += output.Statuses.Count(status => status == ProblemStatus.MaxIterations);
            // the documented warm start: the last returned solution, kept for an invalid problem
            returned ??= new double[Count * Features];
            for (int k = 0; k < Count; k++)
                if (output.Statuses[k] != ProblemStatus.Invalid)
                    Array.Copy(output.Coefficients, k * Features, returned, k * Features, Features);
            for (int e = 0; e < y.Length; e++)
                y[e] += T.CreateTruncating(0.02 * (2 * random.NextDouble() - 1));
        }
        Assert.True(cancelled > 0, "the cancelled call should leave problems running");
        Assert.True(limited > 0, "the limited call should stop problems at the iteration limit");
        // from their own solutions every problem finishes at its first check: the call is one launch, one download, one wait
        session.Options = new SolverOptions { Tolerance = 1e-3 };
        session.Solve(previousY, lambdas, ratios, output.Span);
        Assert.All(output.Statuses, status => Assert.True(status is ProblemStatus.Converged or ProblemStatus.Invalid, $"{status}"));
        Assert.Equal((1, 1, 1, 1, 0), (session.Uploads, session.Launches, session.Downloads, session.Synchronizations, session.FinishedReads));
    }

    /// <summary><see cref="ResidentKernelTiming.Check"/> on every engine, with warps of 4.</summary>
    [Theory]
    [MemberData(nameof(ResidentKernelTiming.Engines), MemberType = typeof(ResidentKernelTiming))]
    public void KernelTime_IsMeasuredOnRequestAndChangesNoResult(DeviceEngine engine) =>
        ResidentKernelTiming.Check(backends.Get(engine, 4));

    /// <summary>
    /// A call cancelled while its problems are running (float32 ISTA/FISTA at tolerance 0 runs until cancelled: the
    /// float64 gap of a float32 iterate stays positive): the problems it left running are carried after the solve, so
    /// the next call starts from the coefficients it returned.
    /// </summary>
    [Theory]
    [InlineData(DeviceEngine.ProximalGradient)]
    [InlineData(DeviceEngine.RegisterProximalGradient)]
    public void ACallCancelledMidSolve_CarriesItsRunningProblems(DeviceEngine engine)
    {
        using var backend = IlgpuBackend.CreateCpu(new CPUDevice(numThreadsPerWarp: 4, numWarpsPerMultiprocessor: 4, numMultiprocessors: 1))
            .With(engine);
        var random = new Random(37);
        var x = ResidentSessionTests.RandomValues<float>(random, Samples * Features);
        var y = ResidentSessionTests.RandomValues<float>(random, Count * Samples);
        var lambdas = Enumerable.Repeat(0.02, Count).ToArray();
        var ratios = Enumerable.Repeat(0.5, Count).ToArray();
        var structure = new ResidentOptions { Standardize = true };
        using var session = ResidentSession<float>.WithSharedDesign(backend, x, Features, Count, structure,
            new SolverOptions { Tolerance = 0, MaxIterations = 100_000_000, CheckInterval = 7 });
        var output = new ResidentSessionTests.Output(Count, Features);
        // cancelled after the first launches (the first check always runs; a loaded machine may need longer to pass it)
        foreach (int milliseconds in new[] { 200, 1000, 5000 })
        {
            using var source = new CancellationTokenSource(TimeSpan.FromMilliseconds(milliseconds));
            session.ResetWarmStarts();
            session.Solve(y, lambdas, ratios, output.Span, cancellationToken: source.Token);
            if (output.Iterations.All(iterations => iterations > 0))
                break;
        }
        Assert.All(output.Statuses, status => Assert.Equal(ProblemStatus.Cancelled, status));
        Assert.All(output.Iterations, iterations => Assert.True(iterations > 0, "the call should be cancelled after some iterations"));
        var returned = (double[])output.Coefficients.Clone();
        var options = new SolverOptions { Tolerance = 1e-5 };
        session.Options = options;
        session.Solve(y, lambdas, ratios, output.Span);
        var settings = Enumerable.Range(0, Count).Select(k => new ProblemSettings
        {
            Lambda = lambdas[k], L1Ratio = ratios[k], Standardize = true, WarmStart = returned.AsSpan(k * Features, Features).ToArray(),
        }).ToArray();
        var expected = backend.Solve(ProblemBatch<float>.WithSharedDesign(x, Features, y, settings), options);
        for (int k = 0; k < Count; k++)
        {
            Assert.Equal(expected[k].Status, output.Statuses[k]);
            Assert.Equal(expected[k].Iterations, output.Iterations[k]);
            Assert.Equal(expected[k].Coefficients, output.Coefficients.AsSpan(k * Features, Features).ToArray());
            Assert.Equal(expected[k].DualityGap, output.Gaps[k]);
        }
    }
}
