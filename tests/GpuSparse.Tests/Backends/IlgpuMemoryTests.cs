using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Model;
using GpuSparse.Tests.Reliability;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// Resource limits of the ILGPU backend, on the CPU accelerator with a simulated device memory limit: a batch
/// too large for the device is solved in smaller chunks with the same bits, one that cannot fit at all is
/// reported as <see cref="DeviceOutOfMemoryException"/>; preparation in ranges changes no bit either.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuMemoryTests : IClassFixture<CpuBackendFixture>
{
    private const int Samples = 12, Features = 5, Problems = 24;
    private static readonly SolverOptions Options = new() { Algorithm = SolverAlgorithm.Fista, Tolerance = 1e-8, MaxIterations = 400 };
    private readonly IlgpuBackend _backend;

    public IlgpuMemoryTests(CpuBackendFixture fixture) => _backend = fixture.Backend;

    public static TheoryData<string> Layouts => ["shared", "per-problem"];

    [Theory]
    [MemberData(nameof(Layouts))]
    public void ATightLimit_SolvesInSmallerChunks_BitIdentically(string layout)
    {
        AssertLimitedSolveIsIdentical(Batch<double>(layout));
        AssertLimitedSolveIsIdentical(Batch<float>(layout));
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void NotEvenOneProblemFitting_ThrowsDeviceOutOfMemory(string layout)
    {
        var batch = Batch<double>(layout);
        bool perProblem = layout == "per-problem";
        long one = DeviceBatch<double>.RequiredBytes(1, Samples, Features, perProblem);
        var error = WithLimit(one - 1, () => Assert.Throws<DeviceOutOfMemoryException>(() => _backend.Solve(batch, Options)));
        Assert.Equal(_backend.DeviceName, error.DeviceName);
        Assert.Equal(one, error.RequestedBytes);
        Assert.IsType<OutOfMemoryException>(error.InnerException);
        Assert.StartsWith($"device '{_backend.DeviceName}' is out of memory: {one:N0} bytes of device buffers for one problem ({Samples} × {Features}, ", error.Message);
        // the backend is still usable afterwards
        Assert.Equal(Problems, _backend.Solve(batch, Options).Problems.Count);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void RequiredBytes_IsWhatTheBuffersTake(string layout)
    {
        bool perProblem = layout == "per-problem";
        AssertRequiredBytes<double>(perProblem);
        AssertRequiredBytes<float>(perProblem);
    }

    [Fact]
    public void ASimulatedLimit_FailsExactlyAboveTheRequiredBytes()
    {
        long required = DeviceBatch<double>.RequiredBytes(7, Samples, Features, false);
        using (new DeviceBatch<double>(_backend.Accelerator, _backend.Kernels, 7, Samples, Features, false, false, required))
        {
        }
        Assert.Throws<OutOfMemoryException>(() =>
            new DeviceBatch<double>(_backend.Accelerator, _backend.Kernels, 7, Samples, Features, false, false, required - 1));
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void PreparingInRanges_GivesBitIdenticalResults(string layout)
    {
        var settings = TestProblems.Mixed(Problems, Features, seed: 31);
        settings[4] = settings[4] with { Lambda = -1 };
        settings[17] = settings[17] with { L1Ratio = 2 };
        var batch = layout == "shared"
            ? TestProblems.Shared<double>(Samples, Features, settings, seed: 32)
            : TestProblems.PerProblem<double>([Samples, Samples + 3], Features, settings, seed: 32);
        var whole = WithRange(int.MaxValue, () => _backend.Solve(batch, Options));
        var ranged = WithRange(5, () => _backend.Solve(batch, Options));
        Assert.Equal(2, ranged.CountWith(ProblemStatus.Invalid));
        ReliabilitySuite.AssertBitIdentical(whole, ranged, Enumerable.Range(0, batch.Count));
    }

    private void AssertLimitedSolveIsIdentical<T>(ProblemBatch<T> batch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool perProblem = batch.Layout == BatchLayout.DesignPerProblem;
        // room for 5 problems: the chunk of 24 is halved to 12, 6 and 3
        long limit = DeviceBatch<T>.RequiredBytes(5, Samples, Features, perProblem);
        Assert.True(DeviceBatch<T>.RequiredBytes(6, Samples, Features, perProblem) > limit);
        var unlimited = _backend.Solve(batch, Options);
        var limited = WithLimit(limit, () => _backend.Solve(batch, Options));
        // every problem was loaded on the device and iterated (none skipped as invalid)
        Assert.All(unlimited.Problems, r => Assert.True(r.Iterations > 0 && r.Status != ProblemStatus.Invalid));
        ReliabilitySuite.AssertBitIdentical(unlimited, limited, Enumerable.Range(0, batch.Count));
    }

    [Theory]
    // the targets: K = 1,000,000 problems of 64 × 32 with designs of their own in one batch (resident too), 50 × 200 shared
    [InlineData(64, 32, true, false)]
    [InlineData(64, 32, true, true)]
    [InlineData(50, 200, false, true)]
    // n < 6: a resident session's six penalty factors per column outgrow the design (6p > np)
    [InlineData(5, 64, true, true)]
    [InlineData(1, 1, true, false)]
    // 1 × 1: the packed per-call words outgrow everything else
    [InlineData(1, 1, true, true)]
    [InlineData(1, 1, false, true)]
    public void MaxCapacity_KeepsEveryDeviceIndexWithinAnInt(int n, int p, bool perProblem, bool resident)
    {
        AssertTightIndexBound<float>(n, p, perProblem, resident);
        AssertTightIndexBound<double>(n, p, perProblem, resident);
        if (n == 64 && p == 32)
            Assert.True(DeviceBatch<float>.MaxCapacity(n, p, perProblem, resident) >= 1_000_000);
    }

    [Fact]
    public void ABatchBeyondIntIndexing_IsRefusedBeforeAllocating()
    {
        // 6,000,000 resident problems of 5 × 64: K·n·p = 1.9e9 fits an int, the penalty factors' 6·K·p = 2.3e9 does not
        // (the limit of 0 bytes would fail any allocation: the index bound is checked first)
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceBatch<float>(_backend.Accelerator, _backend.Kernels,
            6_000_000, 5, 64, designPerProblem: true, positive: false, memoryLimitBytes: 0, DeviceEngine.GramCoordinateDescent,
            resident: true));
        Assert.Equal("capacity", error.ParamName);
        Assert.Contains($"6000000 problems of 5 × 64 (each its own design, resident) exceed the kernels' int indexing: at most "
            + $"{DeviceBatch<float>.MaxCapacity(5, 64, true, true)} fit", error.Message);
    }

    // Every element count and launch extent of a batch of MaxCapacity problems is within IndexLimit, and one more problem
    // would take one beyond it or (where the packed words bind, bounded with their padding) within a few words of it.
    private static void AssertTightIndexBound<T>(int n, int p, bool perProblem, bool resident) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long Largest(long k)
        {
            long design = perProblem ? k * n * p : (long)n * p;
            long largest = Math.Max(design, Math.Max(k * n, k * p));
            if (resident)
            {
                long factors = 6 * (perProblem ? k * p : p);
                long packedWords = (ResidentSections.For(k, n, p, System.Runtime.CompilerServices.Unsafe.SizeOf<T>()).End + 7) / 8;
                largest = Math.Max(largest, Math.Max(factors, packedWords));
            }
            return largest;
        }
        int capacity = DeviceBatch<T>.MaxCapacity(n, p, perProblem, resident);
        Assert.True(capacity > 0);
        Assert.True(Largest(capacity) <= DeviceBatch<T>.IndexLimit, $"{capacity} problems reach {Largest(capacity)}");
        if (capacity < int.MaxValue)
            Assert.True(Largest(capacity + 1L) > DeviceBatch<T>.IndexLimit - 3,
                $"{capacity} problems reach only {Largest(capacity)}: the bound is not tight");
    }

    /// <summary>
    /// The block engine keeps r and β⁺ and its checks' float64 R and v in device memory only where its state exceeds
    /// shared memory, and c never (<see cref="GpuSparse.Kernels.OnChip.BlockIterationKernel.Placement"/>): its buffers
    /// are the thread-per-problem engine's less r, β⁺, c, R and v ((2n + 3p)·K doubles), or less c (p·K) in global
    /// memory, and what it allocates.
    /// </summary>
    [Theory]
    [InlineData(12, 5, false)]
    [InlineData(60, 120, false)]
    [InlineData(4, 873, true)]
    public void TheBlockEngine_AllocatesTheIterationScratchOnlyWhereItsStateIsInGlobalMemory(int samples, int features, bool global)
    {
        const int capacity = 3;
        long threadPerProblem = DeviceBatch<double>.RequiredBytes(capacity, samples, features, true, DeviceEngine.ProximalGradient);
        long block = DeviceBatch<double>.RequiredBytes(capacity, samples, features, true, DeviceEngine.BlockProximalGradient);
        long saved = global ? features : 2L * samples + 3L * features;
        Assert.Equal(threadPerProblem - saved * capacity * sizeof(double), block);
        using var device = new DeviceBatch<double>(_backend.Accelerator, _backend.Kernels, capacity, samples, features, true, false,
            engine: DeviceEngine.BlockProximalGradient);
        Assert.Equal(block, device.AllocatedBytes);
    }

    private void AssertRequiredBytes<T>(bool perProblem) where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var device = new DeviceBatch<T>(_backend.Accelerator, _backend.Kernels, 9, Samples, Features, perProblem, false);
        Assert.Equal(DeviceBatch<T>.RequiredBytes(9, Samples, Features, perProblem), device.AllocatedBytes);
    }

    private static ProblemBatch<T> Batch<T>(string layout) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var settings = TestProblems.Mixed(Problems, Features, seed: 21);
        return layout == "shared"
            ? TestProblems.Shared<T>(Samples, Features, settings, seed: 22)
            : TestProblems.PerProblem<T>([Samples], Features, settings, seed: 22);
    }

    private TResult WithLimit<TResult>(long limit, Func<TResult> solve)
    {
        _backend.DeviceMemoryLimitBytes = limit;
        try
        {
            return solve();
        }
        finally
        {
            _backend.DeviceMemoryLimitBytes = null;
        }
    }

    private TResult WithRange<TResult>(int range, Func<TResult> solve)
    {
        _backend.RangeSize = range;
        try
        {
            return solve();
        }
        finally
        {
            _backend.RangeSize = null;
        }
    }
}
