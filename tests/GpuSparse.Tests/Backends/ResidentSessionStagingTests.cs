using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Engines;
using GpuSparse.Model;
using Xunit;
using Xunit.Abstractions;
using static GpuSparse.Tests.Backends.ResidentSessionTests;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// A resident-session call staged and unpacked on several cores: the same calls on 1 and on 4 staging threads, with
/// the least range lowered so that small K splits into 4 ranges, must give the same results to the last bit, invalid
/// problems in every range and explicit starts included, with the same faults.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class ResidentSessionStagingTests : IClassFixture<CpuBackendFixture>
{
    private const int Count = 37, Samples = 12, Features = 5;
    private readonly IlgpuBackend _backend;

    public ResidentSessionStagingTests(CpuBackendFixture fixture) => _backend = fixture.Backend;

    public static TheoryData<DeviceEngine, bool> Cases => new()
    {
        { DeviceEngine.ProximalGradient, false },
        { DeviceEngine.GramCoordinateDescent, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void OneAndFourStagingThreads_GiveBitIdenticalCalls(DeviceEngine engine, bool perProblem)
    {
        var before = _backend.Engine;
        _backend.Engine = engine;
        try
        {
            AssertThreadCountsAgree<double>(perProblem);
            AssertThreadCountsAgree<float>(perProblem);
        }
        finally
        {
            _backend.Engine = before;
        }
    }

    private void AssertThreadCountsAgree<T>(bool perProblem) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(19);
        var x = RandomValues<T>(random, (perProblem ? Count : 1) * Samples * Features);
        var structure = new ResidentOptions { Standardize = true, Positive = perProblem };
        var options = new SolverOptions { Tolerance = 1e-7 };
        ResidentSession<T> Open(int threads)
        {
            var session = perProblem
                ? ResidentSession<T>.WithDesignPerProblem(_backend, x, Count, Samples, Features, structure, options)
                : ResidentSession<T>.WithSharedDesign(_backend, x, Features, Count, structure, options);
            session.StagingThreads = threads;
            session.LeastRangeBytes = 1;
            return session;
        }
        using var one = Open(1);
        using var four = Open(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => one.StagingThreads = 0);
        var y = new T[Count * Samples];
        for (int k = 0; k < Count; k++)
            Responses(random, x.AsSpan((perProblem ? k : 0) * Samples * Features, Samples * Features).ToArray(), 1, Samples, Features)
                .CopyTo(y.AsSpan(k * Samples, Samples));
        var lambdas = Enumerable.Range(0, Count).Select(k => 0.01 + 0.003 * k).ToArray();
        var ratios = Enumerable.Range(0, Count).Select(k => (k % 3) * 0.5).ToArray();
        // the four ranges of 37 problems: [0, 9), [9, 18), [18, 27), [27, 37); a fault in each
        var faults = new[] { (2, "y"), (14, "y"), (10, "lambda"), (20, "l1_ratio"), (29, "lambda"), (35, "warm_start") };
        for (int call = 0; call < 4; call++)
        {
            var callY = (T[])y.Clone();
            var callLambdas = (double[])lambdas.Clone();
            var callRatios = (double[])ratios.Clone();
            // calls 1 and 3 pass explicit starts, 0 and 2 start from the previous solutions
            double[]? starts = call % 2 == 1 ? RandomValues<double>(random, Count * Features) : null;
            if (call == 1)
            {
                callY[2 * Samples + 3] = T.NaN;
                callY[14 * Samples] = T.PositiveInfinity;
                callLambdas[10] = -1;
                callRatios[20] = 1.5;
                callLambdas[29] = 0;
                starts![35 * Features + 1] = double.NaN;
            }
            var expected = Run(one, callY, callLambdas, callRatios, starts);
            var actual = Run(four, callY, callLambdas, callRatios, starts);
            Assert.Equal((1, 1), (one.StagingRanges, one.UnpackingRanges));
            Assert.Equal((4, 4), (four.StagingRanges, four.UnpackingRanges));
            AssertBitIdentical(expected, actual);
            for (int k = 0; k < Count; k++)
                Assert.Equal(one.Message(k), four.Message(k));
            if (call == 1)
            {
                foreach (var (k, field) in faults)
                {
                    Assert.Equal(ProblemStatus.Invalid, actual.Statuses[k]);
                    Assert.StartsWith($"problem {k}, field '{field}': ", four.Message(k));
                }
            }
            // one bad problem never spoils the rest
            Assert.Equal(call == 1 ? faults.Length : 0, actual.Statuses.Count(status => status == ProblemStatus.Invalid));
            Assert.DoesNotContain(actual.Statuses, status => status is ProblemStatus.Diverged or ProblemStatus.Cancelled);
            for (int e = 0; e < y.Length; e++)
                y[e] += T.CreateTruncating(0.02 * (2 * random.NextDouble() - 1));
        }
    }

    private static Output Run<T>(ResidentSession<T> session, T[] y, double[] lambdas, double[] ratios, double[]? starts)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var output = new Output(session.Problems, session.Features);
        session.Solve(y, lambdas, ratios, output.Span, starts);
        return output;
    }

    internal static void AssertBitIdentical(Output expected, Output actual)
    {
        static long[] Bits(double[] values) => [.. values.Select(BitConverter.DoubleToInt64Bits)];
        Assert.Equal(Bits(expected.Coefficients), Bits(actual.Coefficients));
        Assert.Equal(Bits(expected.Intercepts), Bits(actual.Intercepts));
        Assert.Equal(Bits(expected.Gaps), Bits(actual.Gaps));
        Assert.Equal(expected.Iterations, actual.Iterations);
        Assert.Equal(expected.Statuses, actual.Statuses);
    }
}

/// <summary>
/// Tests that count the bytes allocated on every thread of the process (GC.GetTotalAllocatedBytes): they run alone,
/// after the parallel collections, so that no other test's allocations are counted.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "alone: allocations on every thread";
}

/// <summary>
/// What a warm resident-session call split into ranges allocates beyond the same call on one thread, on every thread:
/// the Parallel.For of its staging and of its unpacking (their options, range closures, and the loops' own state and
/// tasks), a bound independent of K; on one thread a warm call allocates nothing of its own
/// (<see cref="ResidentSessionTests.WarmCalls_AllocateNothingBeyondIlgpusLaunchesAndCopies"/>).
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class ResidentSessionSplitAllocationTests : IClassFixture<CpuBackendFixture>
{
    /// <summary>The bound stated for the two loops of a call split into 4 ranges, on every thread together.</summary>
    public const long SplitCallBytes = 8192;

    private readonly IlgpuBackend _backend;
    private readonly ITestOutputHelper _output;

    public ResidentSessionSplitAllocationTests(CpuBackendFixture fixture, ITestOutputHelper output)
    {
        _backend = fixture.Backend;
        _output = output;
    }

    [Fact]
    public void AWarmCallInFourRanges_AllocatesOnlyItsTwoParallelLoops()
    {
        var calls = AllocationCalls.Draw();
        var (y, lambdas, ratios) = (calls.Y, calls.Lambdas, calls.Ratios);
        using var session = calls.Open(_backend);
        session.LeastRangeBytes = 1;
        var output = new Output(AllocationCalls.Count, AllocationCalls.Features);
        long Least(int threads, Func<long> bytes)
        {
            session.StagingThreads = threads;
            // warm-up: JIT, kernel compilation, pools, the thread pool's workers
            for (int i = 0; i < 3; i++)
                session.Solve(y, lambdas, ratios, output.Span);
            long least = long.MaxValue;
            // the runtime's own threads allocate now and then (tiered JIT, timers): the least of a few calls
            for (int repeat = 0; repeat < 7; repeat++)
            {
                long before = bytes();
                session.Solve(y, lambdas, ratios, output.Span);
                least = Math.Min(least, bytes() - before);
                Assert.All(output.Statuses, status => Assert.Equal(ProblemStatus.Converged, status));
                Assert.Equal((threads, threads), (session.StagingRanges, session.UnpackingRanges));
            }
            return least;
        }
        static long Total() => GC.GetTotalAllocatedBytes(precise: true);
        static long Calling() => GC.GetAllocatedBytesForCurrentThread();
        long oneTotal = Least(1, Total), fourTotal = Least(4, Total), oneCalling = Least(1, Calling), fourCalling = Least(4, Calling);
        _output.WriteLine($"every thread: 1 range {oneTotal} B, 4 ranges {fourTotal} B; calling thread: 1 range {oneCalling} B, " +
            $"4 ranges {fourCalling} B");
        Assert.True(fourTotal - oneTotal <= SplitCallBytes, $"a call in 4 ranges allocated {fourTotal - oneTotal} B more than in 1");
        Assert.True(fourCalling - oneCalling <= SplitCallBytes, $"a call in 4 ranges allocated {fourCalling - oneCalling} B more on the calling thread");
    }
}
