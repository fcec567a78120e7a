namespace GpuSparse.Tests.Backends;

/// <summary>
/// The test classes that run ILGPU's CPU accelerator share one xunit collection, so they run one after another:
/// each accelerator starts worker threads for every emulated device thread, and several at once oversubscribe
/// a 2-core machine. The suite runs every collection one after another (tests.runsettings); this one keeps them
/// apart in a run that parallelises collections.
/// </summary>
public static class IlgpuCpuCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "ILGPU CPU accelerator";
}
