using GpuSparse.Backends;
using GpuSparse.Engines;
using GpuSparse.Tests.Reliability;

namespace GpuSparse.Tests.Backends;

/// <summary>The reliability suite bound to the coordinate-descent CPU backend, its form chosen per problem shape.</summary>
public sealed class CoordinateDescentReliabilityTests : ReliabilitySuite
{
    public override string BackendName => "cd";
}

/// <summary>The reliability suite bound to the coordinate-descent CPU backend with every problem in the Gram form.</summary>
public sealed class CoordinateDescentGramFormReliabilityTests : ReliabilitySuite
{
    public override string BackendName => "cd";

    protected override ISolverBackend CreateBackend() => new CoordinateDescentBackend { Form = CoordinateDescentForm.Gram };
}

/// <summary>The reliability suite bound to the coordinate-descent CPU backend with every problem in the residual form.</summary>
public sealed class CoordinateDescentResidualFormReliabilityTests : ReliabilitySuite
{
    public override string BackendName => "cd";

    protected override ISolverBackend CreateBackend() => new CoordinateDescentBackend { Form = CoordinateDescentForm.Residual };
}
