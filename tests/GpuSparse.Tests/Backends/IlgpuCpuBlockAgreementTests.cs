using GpuSparse.Backends;
using GpuSparse.Kernels.OnChip;
using GpuSparse.Model;
using ILGPU.Runtime.CPU;
using Xunit;
using Xunit.Abstractions;

namespace GpuSparse.Tests.Backends;

/// <summary>One ILGPU CPU backend on the block-per-problem proximal-gradient engine for a test class.</summary>
public sealed class BlockBackendFixture : IDisposable
{
    /// <summary>The backend (the default CPU device: warps of 4, groups of up to 16 threads).</summary>
    public IlgpuBackend Backend { get; } = IlgpuBackend.CreateCpu().With(DeviceEngine.BlockProximalGradient);

    public void Dispose() => Backend.Dispose();
}

/// <summary>The block engine on warps of 32 lanes, groups of 128 threads: the block CUDA launches.</summary>
public sealed class BlockWarp32BackendFixture : IDisposable
{
    /// <summary>The backend (<see cref="CPUDevice.Nvidia"/>'s warps, 4 a group).</summary>
    public IlgpuBackend Backend { get; } =
        IlgpuBackend.CreateCpu(new CPUDevice(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 4, numMultiprocessors: 1))
            .With(DeviceEngine.BlockProximalGradient);

    public void Dispose() => Backend.Dispose();
}

/// <summary>
/// The block-per-problem ISTA/FISTA kernel keeps the reference iteration's operation order in its steps, so on the CPU
/// accelerator its coefficients must be bit-identical to the reference path's in every placement of X and the state
/// (<see cref="BlockIterationKernel.Placement"/>): both in shared memory, the state alone (float64 50 × 200: X of 80 KB),
/// and neither (a state beyond 48 KB), on both sides of each boundary of the size rule. Its checks form R and v in the
/// reference's order but sum the gap's terms in tree order (over each warp's lanes, then over the warps), so gaps and
/// objectives agree to <see cref="CertificateRelative"/> (measured worst 9.7e-16 in float64, 1.0e-15 in float32: the
/// gap is float64 either way), and a problem may stop at another check only where the gap that stopped it lay within
/// that bound of the tolerance.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuBlockAgreementTests(BlockBackendFixture fixture, ITestOutputHelper output)
    : ProximalGradientAgreementSuite(fixture.Backend, output, CertificateRelative), IClassFixture<BlockBackendFixture>
{
    /// <summary>The bound on the gaps' and objectives' relative differences from the reference's, and on a stop's distance from the tolerance.</summary>
    public const double CertificateRelative = 1e-12;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WideElasticNets_50x200_MatchTheReference(bool float32)
    {
        // X of 50 × 200 is 40 KB in float32 (in shared memory with the state) and 80 KB in float64 (read from device memory)
        Assert.Equal(float32 ? BlockPlacement.DesignAndState : BlockPlacement.State,
            BlockIterationKernel.Placement(50, 200, float32 ? sizeof(float) : sizeof(double)));
        var settings = TestProblems.Mixed(6, 200, seed: 61);
        var options = new SolverOptions { Tolerance = 1e-6, MaxIterations = 300 };
        var report = float32
            ? Agreement.Check(Backend, TestProblems.PerProblem<float>([50], 200, settings, seed: 62), options, 0,
                gapRounding: CertificateRelative, certificateRelative: CertificateRelative)
            : Agreement.Check(Backend, TestProblems.PerProblem<double>([50], 200, settings, seed: 62), options, 0,
                gapRounding: CertificateRelative, certificateRelative: CertificateRelative);
        Output.WriteLine($"50 × 200, {(float32 ? "float32" : "float64")}: {report}");
    }

    /// <summary>
    /// The size rule at its boundaries, where the shared memory a group needs (X's rows padded to an odd stride, p + 1
    /// for p even, rounded up to doubles; z, β, β⁺, the best iterate, l1, l2, y_c and r rounded up to doubles, then the
    /// check's float64 R and v; the 24 doubles of the restart hand-off, the warps' check sums and the verdict) is
    /// exactly 48 KB and one row more: float64 22 × 208 (22 · 209 = 4,598 + 1,292 + 230 + 24 doubles) and 23 × 208;
    /// float32 32 × 302 (32 · 303 / 2 = 4,848 + 938 + 334 + 24) and 33 × 302;
    /// float64 5 × 860 (5,170 + 865 doubles of state, 85 of the tile X_w's rows are read through: 5 rows of 17, + 24)
    /// and 6 × 860; float32 3 × 1516 (4,551 + 1,519 + 50 + 24) and 4 × 1516.
    /// </summary>
    [Theory]
    [InlineData(22, 208, 8, BlockPlacement.DesignAndState)]
    [InlineData(23, 208, 8, BlockPlacement.State)]
    [InlineData(32, 302, 4, BlockPlacement.DesignAndState)]
    [InlineData(33, 302, 4, BlockPlacement.State)]
    [InlineData(5, 860, 8, BlockPlacement.State)]
    [InlineData(6, 860, 8, BlockPlacement.GlobalMemory)]
    [InlineData(3, 1516, 4, BlockPlacement.State)]
    [InlineData(4, 1516, 4, BlockPlacement.GlobalMemory)]
    public void ThePlacementRule_SwitchesWhereTheSharedMemoryExceeds48KB(int samples, int features, int elementBytes, BlockPlacement expected)
    {
        Assert.Equal(expected, BlockIterationKernel.Placement(samples, features, elementBytes));
        int doubles = BlockIterationKernel.SharedDoubles(expected, samples, features, elementBytes);
        Assert.True(doubles * sizeof(double) <= BlockIterationKernel.MaxSharedBytes, $"{doubles} doubles");
        // the first shape of each pair fills the 48 KB exactly
        if (expected != BlockIterationKernel.Placement(samples + 1, features, elementBytes))
            Assert.Equal(BlockIterationKernel.MaxSharedBytes, doubles * sizeof(double));
    }

    /// <summary>
    /// Both sides of each boundary, the coefficients solved bit-identically (FISTA and ISTA, several launches: 23
    /// iterations, checks every 4, in launches of 1, 2 and 3 check intervals).
    /// </summary>
    [Theory]
    [InlineData(22, 208, false, SolverAlgorithm.Fista)]
    [InlineData(23, 208, false, SolverAlgorithm.Fista)]
    [InlineData(32, 302, true, SolverAlgorithm.Fista)]
    [InlineData(33, 302, true, SolverAlgorithm.Ista)]
    [InlineData(5, 860, false, SolverAlgorithm.Fista)]
    [InlineData(6, 860, false, SolverAlgorithm.Fista)]
    [InlineData(6, 860, false, SolverAlgorithm.Ista)]
    [InlineData(4, 1516, true, SolverAlgorithm.Fista)]
    public void EitherSideOfThePlacementBoundaries_MatchesTheReference(int samples, int features, bool float32, SolverAlgorithm algorithm)
    {
        var settings = TestProblems.Mixed(2, features, seed: samples);
        var options = new SolverOptions { Algorithm = algorithm, Tolerance = 0, MaxIterations = 23, CheckInterval = 4 };
        var report = float32
            ? Agreement.Check(Backend, TestProblems.PerProblem<float>([samples], features, settings, seed: features), options, 0,
                gapRounding: CertificateRelative, certificateRelative: CertificateRelative)
            : Agreement.Check(Backend, TestProblems.PerProblem<double>([samples], features, settings, seed: features), options, 0,
                gapRounding: CertificateRelative, certificateRelative: CertificateRelative);
        Output.WriteLine($"{samples} × {features}, {algorithm}: {report}");
    }

    /// <summary>
    /// Problems that need more check intervals than the first launches give (checks every 3 iterations up to the limit:
    /// launches of 1, 2, 4, …, 64 intervals, then 64 a launch), to a tolerance, in each placement, so that a launch resumes
    /// problems from the record, the best iterate and the momentum the last one left: the coefficients bit-identical,
    /// the iteration counts equal outside rounding of the tolerance. The scenario is meaningful only if some problem runs
    /// past the first 64 check intervals (the seventh launch) and most converge.
    /// </summary>
    [Theory]
    // the reference's iterations (M: the limit): 16 × 300 (the state staged, X through the tile) 417, 393, 18, 450 M;
    // 6 × 860 (all in global memory) 400 M, 186, 15, 400 M
    [InlineData(12, 100, false, SolverAlgorithm.Fista, 1e-9, 900)]
    [InlineData(12, 100, true, SolverAlgorithm.Ista, 1e-5, 900)]
    [InlineData(16, 300, false, SolverAlgorithm.Ista, 1e-3, 450)]
    [InlineData(6, 860, false, SolverAlgorithm.Fista, 1e-4, 400)]
    public void ProblemsOverManyLaunches_ResumeExactly(int samples, int features, bool float32, SolverAlgorithm algorithm, double tolerance,
        int maxIterations)
    {
        int elementBytes = float32 ? sizeof(float) : sizeof(double);
        Output.WriteLine($"{samples} × {features}: {BlockIterationKernel.Placement(samples, features, elementBytes)}");
        var settings = TestProblems.Mixed(4, features, seed: samples + features);
        var options = new SolverOptions { Algorithm = algorithm, Tolerance = tolerance, MaxIterations = maxIterations, CheckInterval = 3 };
        AgreementReport report;
        BatchResult solved;
        using (var reference = new ReferenceBackend())
            if (float32)
            {
                var batch = TestProblems.PerProblem<float>([samples], features, settings, seed: 7 * samples);
                solved = reference.Solve(batch, options);
                report = Agreement.Check(Backend, batch, options, 0, gapRounding: CertificateRelative, certificateRelative: CertificateRelative);
            }
            else
            {
                var batch = TestProblems.PerProblem<double>([samples], features, settings, seed: 7 * samples);
                solved = reference.Solve(batch, options);
                report = Agreement.Check(Backend, batch, options, 0, gapRounding: CertificateRelative, certificateRelative: CertificateRelative);
            }
        Output.WriteLine($"{samples} × {features}, {algorithm}: {report}; iterations {string.Join(", ", solved.Problems.Select(r => r.Iterations))}");
        Assert.Contains(solved.Problems, r => r.Iterations > 3 * (1 + 2 + 4 + 8 + 16 + 32 + 64));
        Assert.True(solved.CountWith(ProblemStatus.Converged) >= 2, "problems should converge");
    }
}

/// <summary>
/// The block engine on warps of 32 and CUDA's block of 128 threads (4 warps), more threads than most rows and columns
/// here (the steps have no warp collectives; the checks' sums run over 32 lanes, then 4 warps): the wide shape, the
/// odd shapes (one sample, one feature, p &gt; n, a zero column) and an invalid problem in chunks, the coefficients
/// bit-identical to the reference and the certificates within <see cref="IlgpuCpuBlockAgreementTests.CertificateRelative"/>;
/// the whole suite runs on the default device (<see cref="IlgpuCpuBlockAgreementTests"/>), at 16 threads (4 warps of 4).
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuBlockWarp32AgreementTests(BlockWarp32BackendFixture fixture, ITestOutputHelper output)
    : IClassFixture<BlockWarp32BackendFixture>
{
    private const double Certificate = IlgpuCpuBlockAgreementTests.CertificateRelative;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WideElasticNets_64x256_MatchTheReference(bool float32)
    {
        // the anomaly-detection dictionary's shape: X of 64 KB in float32 is read from device memory, the state staged
        Assert.Equal(BlockPlacement.State, BlockIterationKernel.Placement(64, 256, float32 ? sizeof(float) : sizeof(double)));
        var settings = TestProblems.Mixed(2, 256, seed: 63);
        var options = new SolverOptions { Tolerance = 1e-5, MaxIterations = 120 };
        var report = float32
            ? Agreement.Check(fixture.Backend, TestProblems.PerProblem<float>([64], 256, settings, seed: 64), options, 0,
                gapRounding: Certificate, certificateRelative: Certificate)
            : Agreement.Check(fixture.Backend, TestProblems.PerProblem<double>([64], 256, settings, seed: 64), options, 0,
                gapRounding: Certificate, certificateRelative: Certificate);
        output.WriteLine($"64 × 256, {(float32 ? "float32" : "float64")}: {report}");
    }

    [Fact]
    public void OddShapes_Float64_MatchTheReference() => AgreementScenarios.OddShapes(fixture.Backend, 0, output, Certificate, Certificate);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GlobalPlacement_Agrees(bool float32)
    {
        // the state beyond 48 KB: every vector and the check's R and v in device memory
        int features = float32 ? 1529 : 873;
        Assert.Equal(BlockPlacement.GlobalMemory, BlockIterationKernel.Placement(5, features, float32 ? sizeof(float) : sizeof(double)));
        var settings = TestProblems.Mixed(2, features, seed: 65);
        var options = new SolverOptions { Algorithm = float32 ? SolverAlgorithm.Ista : SolverAlgorithm.Fista, Tolerance = 0, MaxIterations = 23, CheckInterval = 4 };
        var report = float32
            ? Agreement.Check(fixture.Backend, TestProblems.PerProblem<float>([5], features, settings, seed: 66), options, 0,
                gapRounding: Certificate, certificateRelative: Certificate)
            : Agreement.Check(fixture.Backend, TestProblems.PerProblem<double>([5], features, settings, seed: 66), options, 0,
                gapRounding: Certificate, certificateRelative: Certificate);
        output.WriteLine($"5 × {features}, {(float32 ? "float32" : "float64")}: {report}");
    }

    [Fact]
    public void InvalidProblemsAndChunks_Agree()
    {
        fixture.Backend.MaxProblemsPerChunk = 4;
        try
        {
            AgreementScenarios.InvalidAndChunked(fixture.Backend, 0, output, Certificate, Certificate);
        }
        finally
        {
            fixture.Backend.MaxProblemsPerChunk = IlgpuBackend.DefaultMaxProblemsPerChunk;
        }
    }
}
