using GpuSparse.Backends;
using GpuSparse.Reference;
using GpuSparse.Solvers;
using Xunit;

namespace GpuSparse.Tests.Reliability;

/// <summary>The certificate suite bound to the managed reference path.</summary>
public sealed class ReferenceCertificateTests : CertificateSuite
{
    protected override ISolverBackend CreateBackend() => new ReferenceBackend();
}

/// <summary>The certificate suite bound to the coordinate-descent CPU backend.</summary>
public sealed class CoordinateDescentCertificateTests : CertificateSuite
{
    protected override ISolverBackend CreateBackend() => new CoordinateDescentBackend();
}

/// <summary>The certificate suite bound to ILGPU's CPU accelerator (smaller problems: it emulates device threads).</summary>
[Collection(Backends.IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuCertificateTests : CertificateSuite
{
    protected override int PropertyCases => 24;

    protected override int NearConstantSamples => 200;

    protected override ISolverBackend CreateBackend() => IlgpuBackend.CreateCpu();
}

/// <summary>The certificate suite bound to CUDA: runs where a GPU is present, reported as skipped elsewhere.</summary>
public sealed class IlgpuCudaCertificateTests : CertificateSuite
{
    protected override string? SkipReason => IlgpuBackend.IsCudaAvailable ? null : "no CUDA device on this machine";

    protected override ISolverBackend CreateBackend() => IlgpuBackend.CreateCuda();
}
