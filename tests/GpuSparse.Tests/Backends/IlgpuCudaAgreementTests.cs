using GpuSparse.Backends;
using GpuSparse.Engines;
using GpuSparse.Model;
using Xunit;
using Xunit.Abstractions;

namespace GpuSparse.Tests.Backends;

/// <summary>One CUDA backend on the proximal-gradient engine for the test class, created only when a device exists.</summary>
public sealed class CudaBackendFixture : IDisposable
{
    private readonly Lazy<IlgpuBackend> _backend = new(() => IlgpuBackend.CreateCuda().With(DeviceEngine.ProximalGradient));

    /// <summary>The backend (created on first use).</summary>
    public IlgpuBackend Backend => _backend.Value;

    public void Dispose()
    {
        if (_backend.IsValueCreated)
            _backend.Value.Dispose();
    }
}

/// <summary>
/// The agreement checks of <see cref="IlgpuCpuAgreementTests"/> on a CUDA device (proximal-gradient engine), and of
/// <see cref="IlgpuCpuGramAgreementTests"/> (coordinate descent on G) in <see cref="IlgpuCudaGramAgreementTests"/>.
/// Skipped without a device.
/// </summary>
/// <remarks>
/// The bound: ptxas contracts the mul/add pairs ILGPU emits into FMAs (no flag turns it off through ILGPU), and an
/// FMA rounds once where the CPU rounds twice, so every contracted operation differs from the CPU's by at most one
/// float64 rounding (2⁻⁵³ relative to its operands). The iterations contract (ISTA/FISTA and coordinate descent are
/// non-expansive maps), so these differences do not grow beyond a modest multiple of the sums' lengths times
/// 2⁻⁵³: values are held to <see cref="Float64Relative"/> = 1e-9 (float64) and 1e-4 (float32, whose ulp is 6e-8)
/// rather than to bits. With a fixed iteration count (tolerance 0) statuses and counts are equal by construction.
/// At a tolerance, the gap of one iterate is a difference of sums of n·p products whose rounding moves it by at
/// most <see cref="GapRounding"/>·max(|f|, tolerance): a problem whose gap at some check lies that close to its
/// tolerance may stop at a neighbouring check on one device; the tests admit exactly those problems (the solve that
/// stopped first converged no further than that below the tolerance) and compare values for all the others.
/// PTX <c>max.f64</c> returns the non-NaN operand where .NET returns NaN; no kernel relies on NaN through a max
/// (see <c>kernels/GpuSparse.Kernels/Numerics/NanPreserving.cs</c>), so divergence is flagged identically.
/// </remarks>
public sealed class IlgpuCudaAgreementTests : IClassFixture<CudaBackendFixture>
{
    /// <summary>The float64 value bound on CUDA.</summary>
    public const double Float64Relative = 1e-9;

    /// <summary>The float32 value bound on CUDA.</summary>
    public const double Float32Relative = 1e-4;

    /// <summary>How far, relative to max(|f|, tolerance), rounding may move one iterate's gap on CUDA.</summary>
    public const double GapRounding = 1e-9;
    private readonly CudaBackendFixture _fixture;
    private readonly ITestOutputHelper _output;

    public IlgpuCudaAgreementTests(CudaBackendFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [CudaFact]
    public void Backend_IsNamedCuda() => Assert.Equal("cuda", _fixture.Backend.Name);

    [CudaTheory]
    [InlineData(SolverAlgorithm.Ista)]
    [InlineData(SolverAlgorithm.Fista)]
    public void SharedDesign_Float64_Agrees(SolverAlgorithm algorithm) =>
        AgreementScenarios.SharedDesign(_fixture.Backend, algorithm, Float64Relative, _output);

    [CudaTheory]
    [InlineData(SolverAlgorithm.Ista)]
    [InlineData(SolverAlgorithm.Fista)]
    public void PerProblemDesigns_Float64_Agrees(SolverAlgorithm algorithm) =>
        AgreementScenarios.PerProblemDesigns(_fixture.Backend, algorithm, Float64Relative, _output);

    [CudaFact]
    public void OddShapes_Float64_Agree() => AgreementScenarios.OddShapes(_fixture.Backend, Float64Relative, _output);

    [CudaTheory]
    [InlineData(SolverAlgorithm.Ista)]
    [InlineData(SolverAlgorithm.Fista)]
    public void SharedDesign_Float32_Agrees(SolverAlgorithm algorithm) =>
        AgreementScenarios.Float32(_fixture.Backend, algorithm, Float32Relative, _output);

    [CudaFact]
    public void AtTolerance_IterationCountsAgreeOutsideRoundingOfTheTolerance() =>
        AgreementScenarios.AtTolerance(_fixture.Backend, Float64Relative, _output, GapRounding);
}

/// <summary>
/// The coordinate-descent engines (a warp per problem, G in shared memory; and G shared by a group's warps on one
/// design) on CUDA against the <c>cd</c> backend, with the bounds of <see cref="IlgpuCudaAgreementTests"/>. Skipped
/// without a device.
/// </summary>
public sealed class IlgpuCudaGramAgreementTests : IDisposable
{
    private readonly Lazy<IlgpuBackend> _backend = new(() => IlgpuBackend.CreateCuda().With(DeviceEngine.GramCoordinateDescent));
    private readonly ITestOutputHelper _output;

    public IlgpuCudaGramAgreementTests(ITestOutputHelper output) => _output = output;

    [CudaFact]
    public void MixedProblems_AgreeOutsideRoundingOfTheTolerance()
    {
        var options = new SolverOptions { Tolerance = 1e-8, MaxIterations = 300, CheckInterval = 4 };
        using var cd = new CoordinateDescentBackend();
        var shared = TestProblems.Shared<double>(20, 7, TestProblems.Mixed(24, 7, seed: 1), seed: 2);
        _output.WriteLine($"shared, float64: {Agreement.Check(_backend.Value, shared, options, IlgpuCudaAgreementTests.Float64Relative, cd, IlgpuCudaAgreementTests.GapRounding)}");
        var perProblem = TestProblems.PerProblem<double>([65, 2, 33], 64, TestProblems.Mixed(12, 64, seed: 3), seed: 4);
        _output.WriteLine($"per problem, p = 64: {Agreement.Check(_backend.Value, perProblem, options, IlgpuCudaAgreementTests.Float64Relative, cd, IlgpuCudaAgreementTests.GapRounding)}");
        var single = TestProblems.Shared<float>(20, 7, TestProblems.Mixed(24, 7, seed: 7), seed: 8);
        _output.WriteLine($"shared, float32: {Agreement.Check(_backend.Value, single, options with { Tolerance = 1e-6 }, IlgpuCudaAgreementTests.Float32Relative, cd, IlgpuCudaAgreementTests.GapRounding)}");
    }

    [CudaFact]
    public void SharedDesignKernel_SweepsOnOneDesign_AgreeOutsideRoundingOfTheTolerance()
    {
        // the shared-design kernel (ptxas contracts its mul/add pairs apart from the per-problem kernel's: no bits asserted)
        var backend = _backend.Value.With(DeviceEngine.SharedGramCoordinateDescent);
        var options = new SolverOptions { Tolerance = 1e-8, MaxIterations = 300, CheckInterval = 4 };
        using var cd = new CoordinateDescentBackend();
        var mixed = TestProblems.Shared<double>(20, 7, TestProblems.Mixed(24, 7, seed: 1), seed: 2);
        _output.WriteLine($"shared kernel, mixed, float64: {Agreement.Check(backend, mixed, options, IlgpuCudaAgreementTests.Float64Relative, cd, IlgpuCudaAgreementTests.GapRounding)}");
        // 64 × 32: 8 warps a group; 1,001 problems, no multiple of 8
        var sweep = TestProblems.Shared<double>(64, 32, [.. Enumerable.Range(0, 1001).Select(k => ProblemSettings.Lasso(0.01 + 0.001 * (k % 97)))], seed: 5);
        _output.WriteLine($"shared kernel, 64 × 32 sweep, float64: {Agreement.Check(backend, sweep, options with { Tolerance = 1e-6 }, IlgpuCudaAgreementTests.Float64Relative, cd, IlgpuCudaAgreementTests.GapRounding)}");
        // 1000 × 32: X (256 KB) beyond 48 KB, read from global memory; 1,001 problems
        var tall = TestProblems.Shared<double>(1000, 32, [.. Enumerable.Range(0, 1001).Select(k => ProblemSettings.Lasso(0.01 + 0.001 * (k % 97)))], seed: 6);
        _output.WriteLine($"shared kernel, 1000 × 32 sweep (X from global memory), float64: {Agreement.Check(backend, tall, options with { Tolerance = 1e-6 }, IlgpuCudaAgreementTests.Float64Relative, cd, IlgpuCudaAgreementTests.GapRounding)}");
        var single = TestProblems.Shared<float>(20, 7, TestProblems.Mixed(24, 7, seed: 7), seed: 8);
        _output.WriteLine($"shared kernel, mixed, float32: {Agreement.Check(backend, single, options with { Tolerance = 1e-6 }, IlgpuCudaAgreementTests.Float32Relative, cd, IlgpuCudaAgreementTests.GapRounding)}");
    }

    public void Dispose()
    {
        if (_backend.IsValueCreated)
            _backend.Value.Dispose();
    }
}
