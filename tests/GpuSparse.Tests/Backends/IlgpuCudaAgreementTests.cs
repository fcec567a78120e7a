using GpuSparse.Backends;
using GpuSparse.Solvers;
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
/// The agreement checks of <see cref="IlgpuCpuAgreementTests"/> on a CUDA device. The GPU may contract
/// multiply-adds into FMAs and round differently from the CPU, so values are held to 1e-9 (float64) and
/// 1e-4 (float32) relative rather than to bit identity; statuses and iteration counts must still agree.
/// Skipped without a device.
/// </summary>
public sealed class IlgpuCudaAgreementTests : IClassFixture<CudaBackendFixture>
{
    private const double Float64Relative = 1e-9;
    private const double Float32Relative = 1e-4;
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
    public void AtTolerance_IterationCountsAgree() => AgreementScenarios.AtTolerance(_fixture.Backend, Float64Relative, _output);
}
