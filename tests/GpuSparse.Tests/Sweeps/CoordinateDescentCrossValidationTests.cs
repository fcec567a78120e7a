using GpuSparse.Backends;

namespace GpuSparse.Tests.Sweeps;

/// <summary><see cref="CrossValidationSuite"/> on the coordinate-descent backend's covariance path engine.</summary>
public sealed class CoordinateDescentCrossValidationTests : CrossValidationSuite
{
    public override string BackendName => "cd";
}
