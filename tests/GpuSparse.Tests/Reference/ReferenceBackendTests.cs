using GpuSparse.Tests.Solvers;

namespace GpuSparse.Tests.Reference;

/// <summary>The backend suite bound to the managed reference path.</summary>
public sealed class ReferenceBackendTests : BackendSuite
{
    public override string BackendName => "reference";
}
