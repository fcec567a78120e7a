using GpuSparse.Backends;
using GpuSparse.Tests.Backends;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework(CudaSkipReport.TypeName, "GpuSparse.Tests")]

namespace GpuSparse.Tests.Backends;

/// <summary>Whether the tests bound to CUDA can run here, and why not.</summary>
public static class CudaAvailability
{
    /// <summary>Why every CUDA-bound test is skipped here, or null when a CUDA device is present.</summary>
    public static string? SkipReason => IlgpuBackend.IsCudaAvailable
        ? null
        : "no CUDA device: ILGPU found no CUDA driver or device on this machine; they run where one is";
}

/// <summary>A fact that is reported as skipped (never as passed) when no CUDA device is present.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute() => Skip = CudaAvailability.SkipReason;
}

/// <summary>A theory that is reported as skipped (never as passed) when no CUDA device is present.</summary>
public sealed class CudaTheoryAttribute : TheoryAttribute
{
    public CudaTheoryAttribute() => Skip = CudaAvailability.SkipReason;
}

/// <summary>
/// xunit's own test framework, which also says once per run, before any test, why the CUDA-bound tests are
/// skipped. The console lists each skipped test once, by name (tests/GpuSparse.Tests/tests.runsettings keeps
/// xunit's reporter from listing them a second time), but not its reason; this line gives it.
/// </summary>
public sealed class CudaSkipReport(IMessageSink diagnosticMessageSink) : XunitTestFramework(diagnosticMessageSink)
{
    public const string TypeName = "GpuSparse.Tests.Backends.CudaSkipReport";

    protected override ITestFrameworkExecutor CreateExecutor(System.Reflection.AssemblyName assemblyName)
    {
        if (CudaAvailability.SkipReason is { } reason)
            DiagnosticMessageSink.OnMessage(new DiagnosticMessage($"tests bound to the cuda backend are reported skipped: {reason}"));
        return base.CreateExecutor(assemblyName);
    }
}
