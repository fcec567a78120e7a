using GpuSparse.Backends;
using Xunit;

namespace GpuSparse.Tests.Reliability;

/// <summary>The certificate suite bound to the managed reference path.</summary>
public sealed class ReferenceCertificateTests : CertificateSuite
{
    public override string BackendName => "reference";
}

/// <summary>The certificate suite bound to the coordinate-descent CPU backend.</summary>
public sealed class CoordinateDescentCertificateTests : CertificateSuite
{
    public override string BackendName => "cd";
}

/// <summary>The certificate suite bound to ILGPU's CPU accelerator (smaller problems: it emulates device threads).</summary>
[Collection(Backends.IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuCertificateTests : CertificateSuite
{
    protected override int PropertyCases => 24;

    protected override int NearConstantSamples => 200;

    public override string BackendName => "cpu";
}

/// <summary>The certificate suite bound to CUDA: runs where a GPU is present, reported as skipped elsewhere.</summary>
public sealed class IlgpuCudaCertificateTests : CertificateSuite
{
    public override string BackendName => "cuda";
}
