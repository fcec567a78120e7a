
namespace GpuSparse.Tests.Sweeps;

/// <summary><see cref="PathSuite"/> on one batch per λ step on the managed reference backend.</summary>
public sealed class ReferencePathTests : PathSuite
{
    public override string BackendName => "reference";
}
