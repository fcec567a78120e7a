
namespace GpuSparse.Tests.Sweeps;

/// <summary><see cref="CrossValidationSuite"/> on one batch per λ step on the managed reference backend.</summary>
public sealed class ReferenceCrossValidationTests : CrossValidationSuite
{
    public override string BackendName => "reference";
}
