using GpuSparse.Backends;
using GpuSparse.Solvers;
using GpuSparse.Tests.Reliability;

namespace GpuSparse.Tests.Backends;

/// <summary>The reliability suite bound to the coordinate-descent CPU backend.</summary>
public sealed class CoordinateDescentReliabilityTests : ReliabilitySuite
{
    protected override ISolverBackend CreateBackend() => new CoordinateDescentBackend();
}
