using System.Numerics;
using GpuSparse.Kernels.Numerics;
using ILGPU;

namespace GpuSparse.Kernels.Batched;

/// <summary>
/// The per-call state of a resident session on the device: λ and r of each problem, the design's column
/// constants that turn them into working-scale penalty weights and a solution into the next start, and the
/// buffers <see cref="ResidentStartKernel"/> reads and writes (problem-major, coordinate j of problem k at <c>k·p + j</c>).
/// </summary>
public struct ResidentViews<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>λ of each problem, K values.</summary>
    public ArrayView<double> Lambda;

    /// <summary>r, the l1 ratio of each problem, K values.</summary>
    public ArrayView<double> L1Ratio;

    /// <summary>
    /// Per column c, six factors (a₁, b₁, u₁, a₂, b₂, u₂) at 6c: ScaleB(x, tⱼ) = ((x·a₁)·b₁)·u₁ and
    /// ScaleB(x, 2tⱼ) = ((x·a₂)·b₂)·u₂, the products Math.ScaleB performs (every factor a power of two).
    /// </summary>
    public ArrayView<double> PenaltyFactors;

    /// <summary>sⱼ per column: the working coefficient is sⱼ·βⱼ.</summary>
    public ArrayView<double> ColumnScales;

    /// <summary>Per column: <see cref="ResidentStartKernel.ActiveColumn"/> | <see cref="ResidentStartKernel.IteratedColumn"/>.</summary>
    public ArrayView<int> ColumnFlags;

    /// <summary>l1ⱼ and l2ⱼ, p·K values each (written).</summary>
    public ArrayView<T> L1, L2;

    /// <summary>β, p·K values: the start on entry to a solve, the last iterate after it.</summary>
    public ArrayView<T> Beta;

    /// <summary>
    /// The best iterate during a solve, the returned one after <see cref="ResidentStartKernel.Carry{T, TPrecision}"/>;
    /// before a solve, the explicit starts uploaded (p·K values).
    /// </summary>
    public ArrayView<T> Best;

    /// <summary>FISTA's extrapolated point z (p·K values), empty on the engines without one.</summary>
    public ArrayView<T> Z;

    /// <summary>FISTA's momentum (K values), empty on the engines without one.</summary>
    public ArrayView<T> Momentum;

    /// <summary>Each problem's <see cref="BatchStatus"/> code, K values.</summary>
    public ArrayView<int> Status;

    /// <summary>The last and best gaps of the solve, K values each.</summary>
    public ArrayView<double> Gap, BestGap;

    /// <summary>p.</summary>
    public int Features;

    /// <summary>1 when each problem has its own design (its own column constants at k·p + j), 0 when shared.</summary>
    public int DesignPerProblem;

    /// <summary>1 with β ≥ 0.</summary>
    public int Positive;
}

/// <summary>
/// A resident session's <see cref="IProblemStart{T}"/>: the solve kernel expands each problem's start at its first check
/// (<see cref="ResidentStartKernel.Expand{T, TPrecision}"/>) and carries it when it leaves Active
/// (<see cref="ResidentStartKernel.Carry{T, TPrecision}"/>).
/// </summary>
public struct ResidentStart<T> : IProblemStart<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The session's state.</summary>
    public ResidentViews<T> Views;

    /// <summary>1 when the caller's starts were uploaded into <see cref="ResidentViews{T}.Best"/>.</summary>
    public int ExplicitStarts;

    /// <inheritdoc />
    public readonly bool Enabled => true;

    /// <inheritdoc />
    public readonly void Begin<TPrecision>(int k, int j) where TPrecision : struct, IWorkingPrecision<T> =>
        ResidentStartKernel.Expand<T, TPrecision>(Views, k, j, ExplicitStarts);

    /// <inheritdoc />
    public readonly void Finish<TPrecision>(int k, int j, int status, double gap, double bestGap) where TPrecision : struct, IWorkingPrecision<T> =>
        ResidentStartKernel.Carry<T, TPrecision>(Views, k, j, status, gap, bestGap);
}

/// <summary>
/// The two steps that keep a resident session's per-coordinate state on the device, done by the solve kernels through
/// <see cref="ResidentStart{T}"/>: <see cref="Expand"/> at a problem's first check (λ and r into the penalty weights,
/// the explicit starts into β) and <see cref="Carry"/> when it leaves Active (the returned iterate chosen, so that only
/// it is read back, and carried into the next start); <see cref="CarryActive"/> carries the problems a cancelled call
/// left running. Each computes exactly the floating-point operations of the host's preparation, in its order, so that
/// results stay bit-identical.
/// </summary>
public static class ResidentStartKernel
{
    /// <summary>The column is fitted (its raw coefficient is recovered from the working one).</summary>
    public const int ActiveColumn = 1;

    /// <summary>The column is iterated (its working start is kept; otherwise 0).</summary>
    public const int IteratedColumn = 2;

    /// <summary>
    /// Coordinate j of active problem k before its solve: l1ⱼ = ScaleB(λ·r, tⱼ), l2ⱼ = ScaleB(λ·(1 − r), 2tⱼ) rounded to
    /// T; with <paramref name="explicitStarts"/> βⱼ = the uploaded start; z = β where FISTA keeps one; its momentum = 1 (at j = 0).
    /// </summary>
    /// <param name="views">The session's state.</param>
    /// <param name="k">The problem.</param>
    /// <param name="j">The coordinate.</param>
    /// <param name="explicitStarts">1 when the caller's starts were uploaded into <see cref="ResidentViews{T}.Best"/>.</param>
    public static void Expand<T, TPrecision>(ResidentViews<T> views, int k, int j, int explicitStarts)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPrecision : struct, IWorkingPrecision<T>
    {
        var wide = default(TPrecision);
        int e = k * views.Features + j;
        int c = 6 * (views.DesignPerProblem != 0 ? e : j);
        // the host's λ·r·w and λ·(1 − r)·w with w = 1 (exact), then its ScaleB
        double weight1 = views.Lambda[k] * views.L1Ratio[k], weight2 = views.Lambda[k] * (1 - views.L1Ratio[k]);
        var factors = views.PenaltyFactors;
        views.L1[e] = wide.FromDouble(weight1 * factors[c] * factors[c + 1] * factors[c + 2]);
        views.L2[e] = wide.FromDouble(weight2 * factors[c + 3] * factors[c + 4] * factors[c + 5]);
        if (explicitStarts != 0)
            views.Beta[e] = views.Best[e];
        // z = β₀
        if (views.Z.Length > 0)
            views.Z[e] = views.Beta[e];
        if (j == 0 && views.Momentum.Length > 0)
            views.Momentum[k] = T.One;
    }

    /// <summary>
    /// Coordinate j of problem k, which left Active with <paramref name="status"/> and the last and best gaps given: the
    /// returned iterate (ProblemOutcome.ReturnsBest: the best one after divergence, or at the iteration limit with a
    /// smaller gap; otherwise the last) into <see cref="ResidentViews{T}.Best"/>, and β = the working start of the
    /// returned solution, as the host's raw-scale round trip computes it (βⱼ/sⱼ, clipped at 0 with positivity, times
    /// sⱼ, rounded to T; 0 on columns not iterated), zero after divergence.
    /// </summary>
    /// <param name="views">The session's state (β the last iterate, the best-iterate view the best one).</param>
    /// <param name="k">The problem.</param>
    /// <param name="j">The coordinate.</param>
    /// <param name="status">Its <see cref="BatchStatus"/> code.</param>
    /// <param name="gap">Its gap at the last check.</param>
    /// <param name="bestGap">Its smallest gap.</param>
    public static void Carry<T, TPrecision>(ResidentViews<T> views, int k, int j, int status, double gap, double bestGap)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPrecision : struct, IWorkingPrecision<T>
    {
        var wide = default(TPrecision);
        int e = k * views.Features + j;
        bool best = status == BatchStatus.Diverged
            || ((status == BatchStatus.MaxIterations || status == BatchStatus.FixedPoint) && bestGap < gap);
        T returned = best ? views.Best[e] : views.Beta[e];
        views.Best[e] = returned;
        // a diverged iterate would be a poor (possibly non-finite) start
        if (status == BatchStatus.Diverged)
        {
            views.Beta[e] = T.Zero;
            return;
        }
        int c = views.DesignPerProblem != 0 ? e : j;
        int flags = views.ColumnFlags[c];
        double scale = views.ColumnScales[c];
        // raw βⱼ = β_w,j / sⱼ (PreparedDesign.ToRawScale)
        double value = (flags & ActiveColumn) != 0 ? wide.ToDouble(returned) / scale : 0.0;
        // Math.Max(value, 0): NaN stays NaN, −0 becomes +0 (BatchPreparation.WorkingStart)
        if (views.Positive != 0 && value <= 0)
            value = 0.0;
        views.Beta[e] = (flags & IteratedColumn) != 0 ? wide.FromDouble(value * scale) : T.Zero;
    }

    /// <summary>
    /// After a cancelled solve, one thread per coordinate of every problem: <see cref="Carry"/> for the problems still
    /// active (the solve kernels carried the others as they finished; their last iterate is returned).
    /// </summary>
    /// <param name="index">Coordinate j of problem k, at k·p + j.</param>
    /// <param name="views">The session's state.</param>
    public static void CarryActive<T, TPrecision>(Index1D index, ResidentViews<T> views)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPrecision : struct, IWorkingPrecision<T>
    {
        int e = index, k = e / views.Features, j = e - k * views.Features;
        if (views.Status[k] != BatchStatus.Active)
            return;
        Carry<T, TPrecision>(views, k, j, BatchStatus.Active, views.Gap[k], views.BestGap[k]);
    }

    /// <summary>
    /// Writes (a, b, u) with ((x·a)·b)·u = Math.ScaleB(x, <paramref name="exponent"/>) for every x: the same
    /// pre-multiplications by 2^1023 or 2^−969 and the same final power of two as .NET's implementation (host code).
    /// </summary>
    public static void ScaleBFactors(int exponent, Span<double> factors)
    {
        double a = 1, b = 1;
        int n = exponent;
        if (n > 1023)
        {
            a = Math.ScaleB(1.0, 1023);
            n -= 1023;
            if (n > 1023)
            {
                b = a;
                n = Math.Min(n - 1023, 1023);
            }
        }
        else if (n < -1022)
        {
            // 2^−1022 · 2^53, which keeps a subnormal result to one rounding
            a = Math.ScaleB(1.0, -969);
            n += 969;
            if (n < -1022)
            {
                b = a;
                n = Math.Max(n + 969, -1022);
            }
        }
        factors[0] = a;
        factors[1] = b;
        factors[2] = BitConverter.Int64BitsToDouble((long)(1023 + n) << 52);
    }
}
