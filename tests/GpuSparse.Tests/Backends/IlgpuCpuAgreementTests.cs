using GpuSparse.Backends;
using GpuSparse.Engines;
using GpuSparse.Model;
using Xunit;
using Xunit.Abstractions;

namespace GpuSparse.Tests.Backends;

/// <summary>One ILGPU CPU backend on the proximal-gradient engine for a test class, so that kernels compile once.</summary>
public sealed class CpuBackendFixture : IDisposable
{
    /// <summary>The backend.</summary>
    public IlgpuBackend Backend { get; } = IlgpuBackend.CreateCpu().With(DeviceEngine.ProximalGradient);

    public void Dispose() => Backend.Dispose();
}

/// <summary>The thread-per-problem ISTA/FISTA kernels on the CPU accelerator, bit-identical to the reference path.</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuAgreementTests(CpuBackendFixture fixture, ITestOutputHelper output)
    : ProximalGradientAgreementSuite(fixture.Backend, output), IClassFixture<CpuBackendFixture>;

/// <summary>
/// The ILGPU CPU accelerator runs the proximal-gradient kernels with the reference iteration's operation order, so
/// their float64 and float32 results are required to match the reference path's: bit-identical, or, for an engine
/// whose checks sum in another order (a subclass giving a certificate bound), coefficients bit-identical and gaps and
/// objectives within the bound; bound to each proximal-gradient engine by a subclass.
/// </summary>
public abstract class ProximalGradientAgreementSuite
{
    private readonly IlgpuBackend _backend;
    private readonly ITestOutputHelper _output;
    private readonly double? _certificate;
    private readonly double _gapRounding;

    /// <param name="backend">The backend under test.</param>
    /// <param name="output">Where scenario reports go.</param>
    /// <param name="certificate">
    /// Null where the checks sum in the reference's order too (everything bit-identical); else the bound on the gaps'
    /// and objectives' relative differences, with the coefficients still bit-identical, and the same bound on how far
    /// below the tolerance a problem that stops at another check than the reference's may have stopped.
    /// </param>
    protected ProximalGradientAgreementSuite(IlgpuBackend backend, ITestOutputHelper output, double? certificate = null)
    {
        _backend = backend;
        _output = output;
        _certificate = certificate;
        _gapRounding = certificate ?? 0;
    }

    /// <summary>The backend under test.</summary>
    protected IlgpuBackend Backend => _backend;

    /// <summary>Where scenario reports go.</summary>
    protected ITestOutputHelper Output => _output;

    [Theory]
    [InlineData(SolverAlgorithm.Ista)]
    [InlineData(SolverAlgorithm.Fista)]
    public void SharedDesign_Float64_MatchesTheReference(SolverAlgorithm algorithm) =>
        AgreementScenarios.SharedDesign(_backend, algorithm, 0, _output, _gapRounding, _certificate);

    [Theory]
    [InlineData(SolverAlgorithm.Ista)]
    [InlineData(SolverAlgorithm.Fista)]
    public void PerProblemDesigns_Float64_MatchesTheReference(SolverAlgorithm algorithm) =>
        AgreementScenarios.PerProblemDesigns(_backend, algorithm, 0, _output, _gapRounding, _certificate);

    [Fact]
    public void OddShapes_Float64_MatchTheReference() => AgreementScenarios.OddShapes(_backend, 0, _output, _gapRounding, _certificate);

    [Theory]
    [InlineData(SolverAlgorithm.Ista)]
    [InlineData(SolverAlgorithm.Fista)]
    public void SharedDesign_Float32_MatchesTheReference(SolverAlgorithm algorithm) =>
        AgreementScenarios.Float32(_backend, algorithm, 0, _output, _gapRounding, _certificate);

    [Fact]
    public void AtTolerance_IterationCountsAgree() => AgreementScenarios.AtTolerance(_backend, 0, _output, _gapRounding, _certificate);

    [Fact]
    public void InvalidProblemsAndChunks_Agree()
    {
        _backend.MaxProblemsPerChunk = 4;
        try
        {
            AgreementScenarios.InvalidAndChunked(_backend, 0, _output, _gapRounding, _certificate);
        }
        finally
        {
            _backend.MaxProblemsPerChunk = IlgpuBackend.DefaultMaxProblemsPerChunk;
        }
    }

    [Fact]
    public void Cancelled_BeforeStart_ReportsEveryProblemCancelledAtIterationZero()
    {
        var batch = TestProblems.Shared<double>(10, 4, TestProblems.Mixed(6, 4, seed: 13), seed: 14);
        var options = new SolverOptions { Tolerance = 1e-12 };
        var result = _backend.Solve(batch, options, cancellationToken: new CancellationToken(canceled: true));
        for (int k = 0; k < batch.Count; k++)
        {
            Assert.Equal(ProblemStatus.Cancelled, result[k].Status);
            Assert.Equal(0, result[k].Iterations);
            Assert.Equal($"problem {k}: cancelled after 0 iterations", result[k].Message);
        }
    }
}
