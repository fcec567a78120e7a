
namespace GpuSparse.Tests.Backends;

/// <summary>The backend suite bound to the managed reference path.</summary>
public sealed class ReferenceBackendTests : BackendSuite
{
    public override string BackendName => "reference";
}
