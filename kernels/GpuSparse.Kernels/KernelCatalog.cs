using System.Reflection;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.Penalties;
using ILGPU;

namespace GpuSparse.Kernels;

/// <summary>
/// One kernel specialisation the backend can launch: the closed generic method, how it is grouped, and the
/// launch facts that the PTX check (benchmarks/gpu/ptx-check.sh) needs to estimate occupancy.
/// </summary>
/// <param name="Name">A unique, file-name-safe name (<c>iteration.float64.elastic-net</c>).</param>
/// <param name="Method">The kernel method with every type argument closed.</param>
/// <param name="ExplicitlyGrouped">True for kernels taking a <c>KernelConfig</c> (group size chosen by the launch), false for implicitly grouped ones.</param>
/// <param name="GroupSize">Threads per group at launch; 0 when ILGPU's auto-grouping picks it.</param>
/// <param name="SharedMemoryBytes">Dynamic shared memory per group at launch, in bytes (static shared memory is counted by ptxas).</param>
/// <param name="Shape">The problem shapes this specialisation serves.</param>
public sealed record KernelEntry(string Name, MethodInfo Method, bool ExplicitlyGrouped, int GroupSize, int SharedMemoryBytes, string Shape);

/// <summary>
/// Every kernel specialisation the ILGPU backend loads (every precision × proximal map × shape variant), so
/// that tools can compile all of them without a device. Keep in step with <c>GpuSparse.Backends.IlgpuKernels</c>.
/// </summary>
public static class KernelCatalog
{
    /// <summary>The specialisations, in a stable order.</summary>
    public static IReadOnlyList<KernelEntry> All { get; } =
    [
        Iteration<float>("iteration.float32.elastic-net", IterationKernel.Run<float, ElasticNetProximal<float>>),
        Iteration<float>("iteration.float32.non-negative", IterationKernel.Run<float, NonNegativeElasticNetProximal<float>>),
        Iteration<double>("iteration.float64.elastic-net", IterationKernel.Run<double, ElasticNetProximal<double>>),
        Iteration<double>("iteration.float64.non-negative", IterationKernel.Run<double, NonNegativeElasticNetProximal<double>>),
        Gap<float>("gap.float32", GapKernel.Run<float, SinglePrecision>),
        Gap<double>("gap.float64", GapKernel.Run<double, DoublePrecision>),
        Implicit("compaction", ((Action<Index1D, ArrayView<int>, ArrayView<int>, int, ArrayView<int>, ArrayView<int>>)CompactionKernel.Run).Method,
            "any"),
    ];

    // One thread per problem; the design is per problem or shared (a runtime flag of ProblemViews).
    private const string ThreadPerProblem = "any n × p, one thread per problem, per-problem or shared design";

    private static KernelEntry Iteration<T>(string name, Action<Index1D, ProblemViews<T>, IterateViews<T>, int, int> kernel)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        Implicit(name, kernel.Method, ThreadPerProblem);

    private static KernelEntry Gap<T>(string name, Action<Index1D, ProblemViews<T>, IterateViews<T>, CertificateViews, int, int, int> kernel)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        Implicit(name, kernel.Method, ThreadPerProblem);

    private static KernelEntry Implicit(string name, MethodInfo method, string shape) =>
        new(name, method, ExplicitlyGrouped: false, GroupSize: 0, SharedMemoryBytes: 0, shape);
}
