using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Engines;
using GpuSparse.Model;
using Xunit;
using Xunit.Abstractions;

namespace GpuSparse.Tests.Backends;

/// <summary>The on-chip coordinate-descent engine on ILGPU's CPU accelerator with warps of 4 and of 32 (CUDA's).</summary>
public sealed class GramBackendsFixture : IDisposable
{
    /// <summary>Warps of 4 (the CPU accelerator's default device).</summary>
    public IlgpuBackend Warp4 { get; } = IlgpuBackend.CreateCpu().With(DeviceEngine.GramCoordinateDescent);

    /// <summary>Warps of 32, as on CUDA (<see cref="IlgpuDevices.CudaWarp"/>).</summary>
    public IlgpuBackend Warp32 { get; } = IlgpuBackend.CreateCpu(IlgpuDevices.CudaWarp).With(DeviceEngine.GramCoordinateDescent);

    public IlgpuBackend Get(int warp) => warp == 4 ? Warp4 : Warp32;

    public void Dispose()
    {
        Warp4.Dispose();
        Warp32.Dispose();
    }
}

/// <summary>
/// The device's coordinate descent on G (a warp per problem, G in shared memory) against the host engine of the
/// same algorithm, the <c>cd</c> backend: statuses, sweep counts and messages identical, values within 1e-12
/// relative in float64 (measured worst 8.3e-14, both warp sizes). Operation order is the host's except in forming G
/// (the host sums tiles with FMA), in recomputing q = c − Gβ at checks (the host sums vector lanes) and in the checks'
/// sums (βᵀc, βᵀq, ‖R‖², R·y_c and the gap's terms over the warp's lanes, then a butterfly), so values are not bit-identical.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuGramAgreementTests : IClassFixture<GramBackendsFixture>
{
    private const double Float64Relative = 1e-12;
    // float32 sweeps round in float32; G, c and q differ from the host's in their last float64 bits, which could flip
    // the float32 rounding of q and move an iterate by a float32 ulp (6e-8); measured: 3.5e-15.
    private const double Float32Relative = 1e-6;
    private readonly GramBackendsFixture _backends;
    private readonly ITestOutputHelper _output;

    public IlgpuCpuGramAgreementTests(GramBackendsFixture backends, ITestOutputHelper output)
    {
        _backends = backends;
        _output = output;
    }

    public static TheoryData<int> Warps => [4, 32];

    private static SolverOptions Options(double tolerance) => new() { Tolerance = tolerance, MaxIterations = 300, CheckInterval = 4 };

    [Theory]
    [MemberData(nameof(Warps))]
    public void SharedDesign_Float64_Agrees(int warp)
    {
        var batch = TestProblems.Shared<double>(20, 7, TestProblems.Mixed(24, 7, seed: 1), seed: 2);
        Check(warp, "shared design, float64", batch, Options(1e-8), Float64Relative);
    }

    [Theory]
    [MemberData(nameof(Warps))]
    public void PerProblemDesigns_Float64_Agrees(int warp)
    {
        var batch = TestProblems.PerProblem<double>([12, 9, 12, 5], 6, TestProblems.Mixed(20, 6, seed: 3), seed: 4);
        Check(warp, "per-problem designs, float64", batch, Options(1e-8), Float64Relative);
    }

    [Theory]
    [MemberData(nameof(Warps))]
    public void BelowTheTrustedTolerance_TheResidualCertificateAgrees(int warp)
    {
        // tol 1e-13 < GramDualityGap.TrustedTolerance: every check forms R from X
        var batch = TestProblems.PerProblem<double>([15, 11], 5, TestProblems.Mixed(12, 5, seed: 9), seed: 10);
        Check(warp, "tolerance 1e-13 (residual certificate)", batch, Options(1e-13) with { MaxIterations = 2000 }, Float64Relative);
    }

    [Theory]
    [MemberData(nameof(Warps))]
    public void OddShapes_Float64_Agree(int warp)
    {
        // p around the warp sizes and the shared-memory limit, n from one sample to more than two warps of rows
        foreach (int p in new[] { 1, 31, 32, 33, 63, 64 })
            foreach (int n in new[] { 1, 2, 65 })
            {
                var batch = TestProblems.Shared<double>(n, p, TestProblems.Mixed(3, p, seed: n + p), seed: 7 * n + p, zeroColumn: p > 2);
                Check(warp, $"n = {n}, p = {p}", batch, Options(1e-7) with { MaxIterations = 40 }, Float64Relative);
            }
    }

    [Theory]
    [MemberData(nameof(Warps))]
    public void Float32_Agrees(int warp)
    {
        var batch = TestProblems.Shared<float>(20, 7, TestProblems.Mixed(24, 7, seed: 7), seed: 8);
        Check(warp, "shared design, float32", batch, Options(1e-6), Float32Relative);
    }

    [Fact]
    public void InvalidProblemsChunksAndCancellation_Agree()
    {
        var settings = TestProblems.Mixed(13, 4, seed: 11);
        settings[5] = settings[5] with { Lambda = -1 };
        var batch = TestProblems.Shared<double>(10, 4, settings, seed: 12);
        var backend = _backends.Warp4;
        backend.MaxProblemsPerChunk = 4;
        try
        {
            Check(4, "an invalid problem, chunks of 4", batch, Options(1e-10), Float64Relative);
        }
        finally
        {
            backend.MaxProblemsPerChunk = IlgpuBackend.DefaultMaxProblemsPerChunk;
        }
        var cancelled = backend.Solve(batch, Options(1e-12), cancellationToken: new CancellationToken(canceled: true));
        using var cd = new CoordinateDescentBackend();
        var expected = cd.Solve(batch, Options(1e-12), cancellationToken: new CancellationToken(canceled: true));
        for (int k = 0; k < batch.Count; k++)
        {
            Assert.Equal(expected[k].Iterations, cancelled[k].Iterations);
            if (expected[k].Status == ProblemStatus.Cancelled)
            {
                // The host engine neither validates nor prepares a problem cancelled before it starts; the device
                // batch has validated and uploaded every problem, so it reports the invalid one as invalid and stops
                // the others at their first check.
                Assert.Equal(k == 5 ? ProblemStatus.Invalid : ProblemStatus.Cancelled, cancelled[k].Status);
                if (k != 5)
                    Assert.Equal($"problem {k}: cancelled after 0 sweeps", cancelled[k].Message);
            }
            else
            {
                Assert.Equal(expected[k].Status, cancelled[k].Status);
                Assert.Equal(expected[k].Message, cancelled[k].Message);
            }
        }
    }

    [Fact]
    public void ProblemsResumedOverManyLaunchWindowsAgree()
    {
        // launches cover 1, 2, 4, … check intervals: a problem past 15 intervals was resumed by four launches or more
        var batch = TestProblems.Shared<double>(16, 9, TestProblems.Mixed(10, 9, seed: 21), seed: 22);
        var options = new SolverOptions { Tolerance = 1e-12, MaxIterations = 500, CheckInterval = 3 };
        using var cd = new CoordinateDescentBackend();
        Assert.Contains(cd.Solve(batch, options).Problems, r => r.Iterations > 3 * 15);
        Check(32, "resumed over launch windows", batch, options, Float64Relative);
    }

    private void Check<T>(int warp, string scenario, ProblemBatch<T> batch, SolverOptions options, double relative)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var cd = new CoordinateDescentBackend();
        var report = Agreement.Check(_backends.Get(warp), batch, options, relative, cd);
        _output.WriteLine($"warp {warp}, {scenario}: {report}");
    }
}
