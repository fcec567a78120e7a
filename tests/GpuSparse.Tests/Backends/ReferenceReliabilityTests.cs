using GpuSparse.Tests.Reliability;

namespace GpuSparse.Tests.Backends;

/// <summary>The reliability suite bound to the managed reference path.</summary>
public sealed class ReferenceReliabilityTests : ReliabilitySuite
{
    public override string BackendName => "reference";
}

