using System.Numerics;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Numerics;
using ILGPU;

namespace GpuSparse.Kernels.OnChip;

/// <summary>Where a group of <see cref="BlockIterationKernel"/> keeps X_w and its problem's iteration state.</summary>
public enum BlockPlacement
{
    /// <summary>X_w and the state in the group's shared memory (where both fit 48 KB: 50 × 200 in float32).</summary>
    DesignAndState,

    /// <summary>The state in shared memory, X_w read from global memory, its rows through a tile (64 × 256, 100 × 500, 50 × 200 in float64; <see cref="GlobalDesign"/>).</summary>
    State,

    /// <summary>Both in global memory, where not even the state fits 48 KB with the tile X_w's rows are read through (p beyond about 860 in float64).</summary>
    GlobalMemory,
}

/// <summary>
/// A problem's working vectors as <see cref="BlockIterationKernel"/>'s steps and checks read and write them: z, β, β⁺,
/// the best iterate and the step's weights l1, l2 (p values each), y_c and r (n each), and the check's float64 R (n)
/// and v (p); for ISTA <see cref="Z"/> is <see cref="Beta"/>.
/// </summary>
public struct BlockVectors<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>z, the point the gradient is taken at.</summary>
    public DeviceView<T> Z;

    /// <summary>β, the current iterate.</summary>
    public DeviceView<T> Beta;

    /// <summary>β⁺, the next iterate.</summary>
    public DeviceView<T> Next;

    /// <summary>l1ⱼ = λ·r·wⱼ.</summary>
    public DeviceView<T> L1;

    /// <summary>l2ⱼ = λ·(1 − r)·wⱼ.</summary>
    public DeviceView<T> L2;

    /// <summary>y_c.</summary>
    public DeviceView<T> Response;

    /// <summary>r = y_c − X_w z.</summary>
    public DeviceView<T> Residual;

    /// <summary>The best iterate (the smallest gap's β so far).</summary>
    public DeviceView<T> Best;

    /// <summary>The check's R = y_c − X_wβ, in float64.</summary>
    public DeviceView<double> CheckResidual;

    /// <summary>The check's v = X_wᵀR, in float64.</summary>
    public DeviceView<double> CheckCorrelation;
}

/// <summary>
/// Where <see cref="BlockIterationKernel"/> keeps a problem's <see cref="BlockVectors{T}"/>, as a type argument (as
/// <see cref="IDesignPlacement"/> for X_w), so that each placement is its own kernel with shared or global addressing.
/// </summary>
public interface IBlockState
{
    /// <summary>The doubles of the group's shared memory the vectors take (0 when they stay in global memory).</summary>
    int StateDoubles(int samples, int features, int elementBytes);

    /// <summary>
    /// Problem k's vectors for the launch's steps, thread <paramref name="thread"/> of <paramref name="threads"/> doing
    /// its part of any copy into <paramref name="room"/> (<see cref="StateDoubles"/> doubles); the group synchronises
    /// before the steps read them.
    /// </summary>
    BlockVectors<T> Open<T>(ProblemViews<T> problem, IterateViews<T> state, CertificateViews certificate, int k, ArrayView<double> room,
        int accelerated, int thread, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// Leaves problem k's β, z and best iterate where the next launch and the host read them (global memory), after the group
    /// synchronised behind the last step (<paramref name="first"/> is its first coordinate's index in the p·K arrays, of
    /// <paramref name="features"/>); the thread writes the coordinates it wrote in the steps.
    /// </summary>
    void Close<T>(BlockVectors<T> vectors, IterateViews<T> state, int first, int features, int accelerated, int thread, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>The vectors in shared memory for the whole launch (<see cref="BlockPlacement.DesignAndState"/>, <see cref="BlockPlacement.State"/>).</summary>
public readonly struct StagedState : IBlockState
{
    /// <summary>β, z, β⁺, the best iterate, l1, l2 (p each), y_c and r (n each), in T.</summary>
    public static long Elements(int samples, int features) => 6L * features + 2L * samples;

    /// <summary>The doubles of the T values (<see cref="Elements"/>, rounded up to doubles).</summary>
    public static int ValueDoubles(int samples, int features, int elementBytes) =>
        (int)((Elements(samples, features) * elementBytes + sizeof(double) - 1) / sizeof(double));

    /// <inheritdoc />
    /// <remarks>The T values, then the check's R (n doubles) and v (p doubles).</remarks>
    public int StateDoubles(int samples, int features, int elementBytes) => ValueDoubles(samples, features, elementBytes) + samples + features;

    /// <inheritdoc />
    public BlockVectors<T> Open<T>(ProblemViews<T> problem, IterateViews<T> state, CertificateViews certificate, int k, ArrayView<double> room,
        int accelerated, int thread, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = problem.Samples, p = problem.Features, b0 = problem.Coordinate(k, 0), s0 = problem.Sample(k, 0);
        int valueDoubles = ValueDoubles(n, p, Interop.SizeOf<T>());
        var values = room.Cast<T>();
        var beta = values.SubView(0, p);
        // ISTA takes the gradient at β itself: z is β's slots (its own slots stay unused). The offset is chosen, not the
        // view: a choice between two views makes ILGPU address the whole allocation generically (no shared loads)
        var z = values.SubView(accelerated != 0 ? p : 0, p);
        var vectors = new BlockVectors<T>
        {
            Beta = new(beta),
            Z = new(z),
            Next = new(values.SubView(2 * p, p)),
            L1 = new(values.SubView(3 * p, p)),
            L2 = new(values.SubView(4 * p, p)),
            Response = new(values.SubView(5 * p, n)),
            Residual = new(values.SubView(5 * p + n, n)),
            Best = new(values.SubView(5 * p + 2 * n, p)),
            CheckResidual = new(room.SubView(valueDoubles, n)),
            CheckCorrelation = new(room.SubView(valueDoubles + n, p)),
        };
        // consecutive threads copy consecutive coordinates, then samples (the best iterate too: a launch that resumes
        // a problem may make no check that improves it)
        for (int j = thread; j < p; j += threads)
        {
            beta[j] = state.Beta[b0 + j];
            if (accelerated != 0)
                z[j] = state.Z[b0 + j];
            vectors.Best[j] = state.Best[b0 + j];
            vectors.L1[j] = problem.L1[b0 + j];
            vectors.L2[j] = problem.L2[b0 + j];
        }
        for (int i = thread; i < n; i += threads)
            vectors.Response[i] = problem.Response[s0 + i];
        return vectors;
    }

    /// <inheritdoc />
    public void Close<T>(BlockVectors<T> vectors, IterateViews<T> state, int first, int features, int accelerated, int thread, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // for ISTA z is β in global memory too
        for (int j = thread; j < features; j += threads)
        {
            state.Beta[first + j] = vectors.Beta[j];
            state.Best[first + j] = vectors.Best[j];
            if (accelerated != 0)
                state.Z[first + j] = vectors.Z[j];
        }
    }
}

/// <summary>
/// The vectors where they lie in global memory, read and written by every step and check (<see cref="BlockPlacement.GlobalMemory"/>):
/// the check's R and v in the certificate's scratch.
/// </summary>
public readonly struct GlobalState : IBlockState
{
    /// <inheritdoc />
    public int StateDoubles(int samples, int features, int elementBytes) => 0;

    /// <inheritdoc />
    public BlockVectors<T> Open<T>(ProblemViews<T> problem, IterateViews<T> state, CertificateViews certificate, int k, ArrayView<double> room,
        int accelerated, int thread, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int b0 = problem.Coordinate(k, 0), s0 = problem.Sample(k, 0);
        return new BlockVectors<T>
        {
            Beta = new(state.Beta, b0),
            Z = new(state.Z, b0),
            Next = new(state.Next, b0),
            L1 = new(problem.L1, b0),
            L2 = new(problem.L2, b0),
            Response = new(problem.Response, s0),
            Residual = new(state.Residual, s0),
            Best = new(state.Best, b0),
            CheckResidual = new(certificate.Residual, s0),
            CheckCorrelation = new(certificate.Correlation, b0),
        };
    }

    /// <inheritdoc />
    public void Close<T>(BlockVectors<T> vectors, IterateViews<T> state, int first, int features, int accelerated, int thread, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
    }
}
