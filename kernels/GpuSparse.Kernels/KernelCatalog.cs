using System.Reflection;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.OnChip;
using GpuSparse.Kernels.Penalties;
using ILGPU.Runtime;

namespace GpuSparse.Kernels;

/// <summary>
/// One kernel specialisation the ILGPU backend can launch: the closed generic static method, how it is launched
/// (implicitly grouped, one thread per problem; or explicitly grouped with <see cref="GroupSize"/> threads and
/// <see cref="SharedMemoryBytes"/> of shared memory at the largest shape it serves), and the problem shape it is for.
/// </summary>
/// <param name="Name">A unique name: kernel, precision and penalty.</param>
/// <param name="Method">The closed generic kernel method.</param>
/// <param name="ExplicitlyGrouped">Launched with an explicit group size (and shared memory) rather than auto-grouped.</param>
/// <param name="GroupSize">Threads per group when explicitly grouped (a warp of 32 on CUDA); 0 when auto-grouped.</param>
/// <param name="SharedMemoryBytes">Shared memory per group at the largest shape the kernel serves (0 when none).</param>
/// <param name="Shape">The problem shape it is chosen for, in words.</param>
/// <param name="Specialization">The launch bounds the backend compiles it with (none for most kernels).</param>
public sealed record KernelEntry(string Name, MethodInfo Method, bool ExplicitlyGrouped, int GroupSize, int SharedMemoryBytes,
    string Shape, KernelSpecialization Specialization = default);

/// <summary>
/// Every kernel specialisation the ILGPU backend can launch (each precision × penalty × shape variant), for
/// compiling them all ahead of time (the PTX check) and for the cost model (<see cref="KernelCostModel"/>).
/// A test checks that every kernel the backend loads is listed here.
/// </summary>
public static class KernelCatalog
{
    /// <summary>The shape served by the one-thread-per-problem kernels.</summary>
    public const string AnyShape = "any n × p (one thread per problem, fallback)";

    /// <summary>The shape served by the warp-per-problem coordinate-descent kernels.</summary>
    public const string SmallShape = "p ≤ 64, n any (a warp per problem, G = XᵀX/n in shared memory)";

    /// <summary>The shape served by the shared-design coordinate-descent kernels.</summary>
    public const string SharedShape = "one shared X, p ≤ 64, X and G within 48 KB (a group of up to 8 warps shares G and X, a warp per problem)";

    /// <summary>The shape served by the shared-design coordinate-descent kernels that read X from global memory.</summary>
    public const string SharedGlobalShape = "one shared X, p ≤ 64, X beyond 48 KB with G (a group of up to 8 warps shares G, X read from global memory through L1/L2, a warp per problem)";

    /// <summary>The name of the shared-design kernels that read X from global memory, before precision and penalty.</summary>
    public const string SharedGlobalPrefix = "shared-gram-cd global-x";

    /// <summary>The group of the shared-design kernels on CUDA: <see cref="SharedGramCoordinateDescentKernel.MaxWarps"/> warps.</summary>
    public const int CudaSharedGramBlockSize = SharedGramCoordinateDescentKernel.MaxWarps * CudaWarpSize;

    /// <summary>The shape served by the block-per-problem proximal-gradient kernels with X and the state in shared memory.</summary>
    public const string WideShape = "p > 64, X and the state within 48 KB, e.g. 50 × 200 in float32 (a block per problem, X, z, β, β⁺, the best β, r, y, l1, l2 and the checks' R, v in shared memory, checks on-chip)";

    /// <summary>The shape served by the block-per-problem proximal-gradient kernels with the state in shared memory, X in global memory.</summary>
    public const string WideStateShape = "p > 64, the state within 48 KB, X beyond, e.g. 64 × 256, 100 × 500 (a block per problem, z, β, β⁺, the best β, r, y, l1, l2 and the checks' R, v in shared memory, X from global memory, checks on-chip)";

    /// <summary>The shape served by the block-per-problem proximal-gradient kernels with everything in global memory.</summary>
    public const string WideGlobalShape = "p > 64, the state beyond 48 KB (p above about 860 in float64, 1,500 in float32: a block per problem, all in global memory, checks on-chip)";

    /// <summary>The name of the block-per-problem kernels that read X from global memory, before precision and penalty.</summary>
    public const string BlockGlobalDesignPrefix = "block-fista-iteration global-x";

    /// <summary>The name of the block-per-problem kernels that keep everything in global memory, before precision and penalty.</summary>
    public const string BlockGlobalPrefix = "block-fista-iteration global-state";

    /// <summary>The shape served by the block-per-problem kernels with X in registers.</summary>
    public const string RegisterShape = "p > 64, n ≤ 56, p ≤ 224, e.g. 50 × 200 (a block of ⌈n/7⌉ warps per problem, X in registers, checks on-chip)";

    /// <summary>The shape served by a resident session's standalone kernel (one thread per coordinate of every problem).</summary>
    public const string ResidentShape = "any n × p (a resident session: after a cancelled call)";

    /// <summary>
    /// The suffix of the solve kernels a resident session launches: fused with its start expansion and carry
    /// (<see cref="ResidentStart{T}"/>); the others take <see cref="NoStart{T}"/>.
    /// </summary>
    public const string ResidentSuffix = ", resident start";

    /// <summary>The block of the register kernels at 50 × 200 on CUDA: ⌈50/7⌉ = 8 warps.</summary>
    public const int CudaRegisterBlockSize = 8 * CudaWarpSize;

    /// <summary>The block size of the block-per-problem kernels on CUDA (the launch uses up to 128 threads).</summary>
    public const int CudaBlockSize = 128;

    // p wide enough for a tile of a whole 128-byte line in either precision: the global placement's most shared memory
    private const int WidestTile = GlobalDesign.TileRowBytes;

    /// <summary>The group size of the warp-per-problem kernels on CUDA (the launch uses the accelerator's warp size).</summary>
    public const int CudaWarpSize = 32;

    /// <summary>Every entry.</summary>
    public static IReadOnlyList<KernelEntry> All { get; } = Build();

    private static List<KernelEntry> Build()
    {
        var entries = new List<KernelEntry>();
        Add(entries, "compaction", typeof(CompactionKernel), nameof(CompactionKernel.Run), [], AnyShape);
        foreach (var (scalar, precision, label) in new[] { (typeof(float), typeof(SinglePrecision), "float32"), (typeof(double), typeof(DoublePrecision), "float64") })
        {
            var none = typeof(NoStart<>).MakeGenericType(scalar);
            var resident = typeof(ResidentStart<>).MakeGenericType(scalar);
            foreach (var (form, penalty) in new[] { (typeof(ElasticNet<>), "elastic-net"), (typeof(NonNegativeElasticNet<>), "non-negative elastic-net") })
            {
                var prox = form.MakeGenericType(scalar);
                Add(entries, $"fista-iteration {label} {penalty}", typeof(IterationKernel), nameof(IterationKernel.Run), [scalar, prox], AnyShape);
                int bytes = label == "float32" ? sizeof(float) : sizeof(double);
                // the solve kernels a resident session can run, plain and fused with its start
                foreach (var (start, suffix) in new[] { (none, ""), (resident, ResidentSuffix) })
                {
                    foreach (var (placement, name, shape) in new[]
                    {
                        (BlockPlacement.DesignAndState, "block-fista-iteration", WideShape),
                        (BlockPlacement.State, BlockGlobalDesignPrefix, WideStateShape),
                        (BlockPlacement.GlobalMemory, BlockGlobalPrefix, WideGlobalShape),
                    })
                    {
                        var (design, state) = BlockIterationKernel.PlacementTypes(placement);
                        Add(entries, $"{name} {label} {penalty}{suffix}", typeof(BlockIterationKernel), nameof(BlockIterationKernel.Run),
                            [scalar, prox, precision, start, design, state], shape, CudaBlockSize,
                            placement == BlockPlacement.GlobalMemory
                                ? BlockIterationKernel.SharedDoubles(placement, GlobalDesign.TileRows, WidestTile, bytes) * sizeof(double)
                                : BlockIterationKernel.MaxSharedBytes);
                    }
                    Add(entries, $"register-fista {label} {penalty}{suffix}", typeof(RegisterFistaKernel), nameof(RegisterFistaKernel.Run),
                        [scalar, prox, precision, start], RegisterShape, CudaRegisterBlockSize,
                        RegisterFistaKernel.SharedDoubles(CudaRegisterBlockSize / CudaWarpSize, CudaWarpSize, bytes) * sizeof(double),
                        RegisterFistaKernel.Specialization(CudaWarpSize, CudaRegisterBlockSize, bytes));
                    Add(entries, $"gram-cd {label} {penalty}{suffix}", typeof(GramCoordinateDescentKernel), nameof(GramCoordinateDescentKernel.Run),
                        [scalar, prox, precision, start], SmallShape, CudaWarpSize,
                        GramCoordinateDescentKernel.SharedDoubles(GramCoordinateDescentKernel.MaxFeatures) * sizeof(double));
                    Add(entries, $"shared-gram-cd {label} {penalty}{suffix}", typeof(SharedGramCoordinateDescentKernel),
                        nameof(SharedGramCoordinateDescentKernel.Run), [scalar, prox, precision, start, typeof(StagedDesign)], SharedShape,
                        CudaSharedGramBlockSize, SharedGramCoordinateDescentKernel.MaxSharedBytes);
                    Add(entries, $"{SharedGlobalPrefix} {label} {penalty}{suffix}", typeof(SharedGramCoordinateDescentKernel),
                        nameof(SharedGramCoordinateDescentKernel.Run), [scalar, prox, precision, start, typeof(GlobalDesign)], SharedGlobalShape,
                        CudaSharedGramBlockSize, SharedGramCoordinateDescentKernel.MaxSharedBytes);
                    Add(entries, $"gap {label} {penalty}{suffix}", typeof(GapKernel), nameof(GapKernel.Run), [scalar, precision, prox, start], AnyShape);
                }
            }
            Add(entries, $"resident-carry-active {label}", typeof(ResidentStartKernel), nameof(ResidentStartKernel.CarryActive), [scalar, precision], ResidentShape);
            // block penalties run on the one-thread-per-problem kernels only (the on-chip ones are coordinate-wise)
            var group = typeof(GroupElasticNet<>).MakeGenericType(scalar);
            Add(entries, $"fista-iteration {label} group elastic-net", typeof(IterationKernel), nameof(IterationKernel.Run), [scalar, group], AnyShape);
            Add(entries, $"gap {label} group elastic-net", typeof(GapKernel), nameof(GapKernel.Run), [scalar, precision, group, none], AnyShape);
        }
        return entries;
    }

    private static void Add(List<KernelEntry> entries, string name, Type kernel, string method, Type[] arguments, string shape,
        int groupSize = 0, int sharedMemoryBytes = 0, KernelSpecialization specialization = default)
    {
        var open = kernel.GetMethod(method, BindingFlags.Public | BindingFlags.Static)!;
        var closed = arguments.Length == 0 ? open : open.MakeGenericMethod(arguments);
        entries.Add(new KernelEntry(name, closed, groupSize > 0, groupSize, sharedMemoryBytes, shape, specialization));
    }
}
