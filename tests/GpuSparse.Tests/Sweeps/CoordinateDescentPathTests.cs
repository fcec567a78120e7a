using GpuSparse.Backends;

namespace GpuSparse.Tests.Sweeps;

/// <summary><see cref="PathSuite"/> on the coordinate-descent backend's covariance path engine.</summary>
public sealed class CoordinateDescentPathTests : PathSuite
{
    public override string BackendName => "cd";
}
