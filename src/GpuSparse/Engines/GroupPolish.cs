using System.Buffers;
using System.Numerics;
using GpuSparse.Certificates;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Numerics;
using GpuSparse.Preparation;

namespace GpuSparse.Engines;

/// <summary>
/// Finishes a converged group-penalty solve with Newton steps on its active blocks. A float64 gap resolves about
/// 1e-16 of ‖y_c‖²/n, and where the group norm curves (or l2 &gt; 0) an iterate whose objective is that close to
/// f* can still be √(2L·1e-16) from meeting its KKT conditions (about 1e-8 of λ_max). On the blocks A with
/// β_B ≠ 0 the objective is smooth, and Newton's method on it,
/// <c>(G_AA + D)·d = −∇f_A</c>, <c>D_B = l1_B/‖β_B‖·(I − u_Buᵀ_B) + l2_B·I</c> (u_B = β_B/‖β_B‖),
/// converges quadratically from there to the KKT point of that support, to rounding.
/// </summary>
/// <remarks>
/// The polished iterate replaces the engine's only when its own gap (recomputed in float64 by
/// <see cref="DualityGap"/>) is still within the tolerance and its KKT residual (<see cref="KktResidual"/>, every
/// block, the zero ones included) is smaller: a wrong support, a singular G_AA or float32 rounding leaves the
/// engine's iterate as it was. A block whose Newton step would cross zero leaves A (its group is zero at the
/// optimum of the support). Problems whose blocks are all single coordinates are the elastic net and are not polished.
/// </remarks>
internal static class GroupPolish
{
    /// <summary>Newton steps at most: from the ~1e-8 an engine leaves, one or two reach rounding.</summary>
    private const int MaxSteps = 4;

    /// <summary>The largest active set polished: its m × m Newton matrix is formed in n·m²/2 and factored in m³/6.</summary>
    private const int MaxActive = 2048;

    /// <summary>Whether converged group solves are polished; off only where a benchmark measures the polish's share of a solve.</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>Whether <paramref name="problem"/> has a block of two or more coordinates (a group penalty proper).</summary>
    public static bool Applies<T>(PreparedProblem<T> problem) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (problem.BlockEnds is not { } ends)
            return false;
        for (int start = 0; start < ends.Length; start = ends[start])
            if (ends[start] - start > 1)
                return true;
        return false;
    }

    /// <summary>
    /// A bound on one problem's polish cost in bytes copied at the same cost (as the staging ranges count work): its
    /// Newton matrix on every coordinate, n·p(p+1)/2 multiply-adds of doubles, each weighed as the double it reads.
    /// </summary>
    public static long CostBytes(int samples, int features) => sizeof(double) * (long)samples * features * (features + 1) / 2;

    /// <summary>
    /// Writes the polished iterate of a converged <paramref name="beta"/> into <paramref name="polished"/> and returns
    /// its gap and objective (working units), or null (<paramref name="polished"/> then undefined) when polishing does
    /// not lower the KKT residual within the gap tolerance.
    /// </summary>
    /// <remarks>Its arrays are rented from the shared pools and returned: once warm, a polish allocates none of them.</remarks>
    public static (double Gap, double Objective)? Polish<T>(PreparedProblem<T> problem, ReadOnlySpan<T> beta, Span<T> polished)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Applies(problem))
            return null;
        int n = problem.Design.Samples, p = problem.Design.Features;
        var doubles = ArrayPool<double>.Shared;
        double[] residualArray = doubles.Rent(n), correlationArray = doubles.Rent(p), pointArray = doubles.Rent(p);
        try
        {
            Span<double> residual = residualArray.AsSpan(0, n), correlation = correlationArray.AsSpan(0, p), point = pointArray.AsSpan(0, p);
            DualityGap.Evaluate<T, GroupElasticNet<T>>(problem, beta, residual, correlation);
            double before = KktResidual(problem, new SpanValues<T>(beta), correlation, n);
            for (int j = 0; j < p; j++)
                point[j] = double.CreateTruncating(beta[j]);
            if (!NewtonSteps(problem, point))
                return null;
            for (int j = 0; j < p; j++)
                polished[j] = T.CreateTruncating(point[j]);
            var (gap, objective) = DualityGap.Evaluate<T, GroupElasticNet<T>>(problem, polished, residual, correlation);
            double after = KktResidual(problem, new SpanValues<T>(polished), correlation, n);
            return gap <= problem.GapTolerance && after < before ? (gap, objective) : null;
        }
        finally
        {
            doubles.Return(residualArray);
            doubles.Return(correlationArray);
            doubles.Return(pointArray);
        }
    }

    /// <summary>
    /// The norm of the smallest subgradient of the objective at β, from v = X_wᵀ(y_c − X_wβ): on a block with
    /// β_B ≠ 0 the gradient <c>−v_B/n + l1_B·β_B/‖β_B‖ + l2_B·β_B</c>, on a zero block <c>max(‖v_B‖/n − l1_B, 0)</c>.
    /// </summary>
    private static double KktResidual<TBeta>(PreparedProblem<TBeta> problem, SpanValues<TBeta> beta, ReadOnlySpan<double> correlation, int n)
        where TBeta : unmanaged, IFloatingPointIeee754<TBeta>
    {
        var penalty = default(GroupElasticNet<TBeta>);
        double sum = 0;
        for (int start = 0, end; start < correlation.Length; start = end)
        {
            end = penalty.BlockEnd(problem, start);
            double l1 = problem.L1Weight(start), l2 = problem.L2Weight(start);
            double norm = penalty.Norm(beta, start, end);
            if (norm == 0)
            {
                double excess = Math.Max(penalty.DualNorm(new SpanValues<double>(correlation), start, end) / n - l1, 0);
                sum += excess * excess;
                continue;
            }
            for (int j = start; j < end; j++)
            {
                double gradient = -correlation[j] / n + l1 * beta[j] / norm + l2 * beta[j];
                sum += gradient * gradient;
            }
        }
        return Math.Sqrt(sum);
    }

    /// <summary>Newton steps on the nonzero blocks of <paramref name="point"/>, in place; false when none could be taken.</summary>
    /// <remarks>X_A and X_AᵀX_A/n are formed again only after a block left A; the steps between reuse them.</remarks>
    private static bool NewtonSteps<T>(PreparedProblem<T> problem, Span<double> point) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = problem.Design.Samples, p = problem.Design.Features;
        var ints = ArrayPool<int>.Shared;
        var doubles = ArrayPool<double>.Shared;
        // the coordinates of the nonzero blocks, and where each block starts among them (block b: bounds[b] to bounds[b + 1])
        int[] active = ints.Rent(p), bounds = ints.Rent(p + 1);
        double[]? design = null, gram = null, hessian = null;
        double[] residual = doubles.Rent(n), rhsArray = doubles.Rent(p);
        try
        {
            bool stepped = false, formed = false;
            int m = 0, blockCount = 0;
            for (int step = 0; step < MaxSteps; step++)
            {
                if (!formed)
                {
                    (m, blockCount) = ActiveBlocks(problem, point, active, bounds);
                    // X_A must fit one array (n·m elements)
                    if (m == 0 || m > MaxActive || (long)n * m > Array.MaxLength)
                        return stepped;
                    Return(doubles, ref design);
                    Return(doubles, ref gram);
                    Return(doubles, ref hessian);
                    design = doubles.Rent(n * m);
                    gram = doubles.Rent(m * m);
                    hessian = doubles.Rent(m * m);
                    FormGram(problem, active.AsSpan(0, m), design.AsSpan(0, n * m), gram.AsSpan(0, m * m));
                    formed = true;
                }
                var rhs = rhsArray.AsSpan(0, m);
                var matrix = hessian!.AsSpan(0, m * m);
                NewtonSystem(problem, point, active.AsSpan(0, m), bounds.AsSpan(0, blockCount + 1), design.AsSpan(0, n * m),
                    gram.AsSpan(0, m * m), residual.AsSpan(0, n), matrix, rhs);
                if (!Cholesky.TryFactor(m, matrix))
                    return stepped;
                Cholesky.Solve(matrix, m, rhs);
                foreach (double d in rhs)
                    if (!double.IsFinite(d))
                        return stepped;
                // a block whose step crosses zero (β_B·(β_B + d_B) ≤ 0) leaves the support; the others take the step
                for (int block = 0; block < blockCount; block++)
                {
                    int first = bounds[block], last = bounds[block + 1];
                    double along = 0;
                    for (int a = first; a < last; a++)
                        along += point[active[a]] * (point[active[a]] + rhs[a]);
                    if (along > 0)
                        continue;
                    for (int a = first; a < last; a++)
                        point[active[a]] = 0;
                    formed = false;
                }
                stepped = true;
                if (!formed)
                    continue;
                double largest = 0, change = 0;
                for (int a = 0; a < m; a++)
                {
                    change = Math.Max(change, Math.Abs(rhs[a]));
                    point[active[a]] += rhs[a];
                    largest = Math.Max(largest, Math.Abs(point[active[a]]));
                }
                if (change <= 1e-15 * largest)
                    break;
                // a block the step left at norm 0 (underflow) is no longer in A
                formed = AllNonzero<T>(point, active.AsSpan(0, m), bounds.AsSpan(0, blockCount + 1));
            }
            return stepped;
        }
        finally
        {
            ints.Return(active);
            ints.Return(bounds);
            doubles.Return(residual);
            doubles.Return(rhsArray);
            Return(doubles, ref design);
            Return(doubles, ref gram);
            Return(doubles, ref hessian);
        }
    }

    private static void Return(ArrayPool<double> pool, ref double[]? array)
    {
        if (array is not null)
            pool.Return(array);
        array = null;
    }

    /// <summary>The coordinates of the nonzero blocks of <paramref name="point"/> and their block bounds; (m, blocks).</summary>
    private static (int Active, int Blocks) ActiveBlocks<T>(PreparedProblem<T> problem, ReadOnlySpan<double> point, Span<int> active, Span<int> bounds)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var penalty = default(GroupElasticNet<T>);
        int m = 0, blocks = 0;
        bounds[0] = 0;
        for (int start = 0, end; start < point.Length; start = end)
        {
            end = penalty.BlockEnd(problem, start);
            if (penalty.Norm(new SpanValues<double>(point), start, end) == 0)
                continue;
            for (int j = start; j < end; j++)
                active[m++] = j;
            bounds[++blocks] = m;
        }
        return (m, blocks);
    }

    /// <summary>Whether every block of A is nonzero at <paramref name="point"/> (its blocks are runs of consecutive features).</summary>
    private static bool AllNonzero<T>(ReadOnlySpan<double> point, ReadOnlySpan<int> active, ReadOnlySpan<int> bounds)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var penalty = default(GroupElasticNet<T>);
        for (int block = 0; block + 1 < bounds.Length; block++)
        {
            int feature = active[bounds[block]];
            if (penalty.Norm(new SpanValues<double>(point), feature, feature + bounds[block + 1] - bounds[block]) == 0)
                return false;
        }
        return true;
    }

    /// <summary>X_A (n × m, float64) and X_AᵀX_A/n of the active coordinates.</summary>
    private static void FormGram<T>(PreparedProblem<T> problem, ReadOnlySpan<int> active, Span<double> design, Span<double> gram)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = problem.Design.Samples, p = problem.Design.Features, m = active.Length;
        var x = problem.Design.Values;
        for (int i = 0; i < n; i++)
            for (int a = 0; a < m; a++)
                design[i * m + a] = double.CreateTruncating(x[i * p + active[a]]);
        VectorKernels.Gram(design, n, m, gram);
        for (int e = 0; e < gram.Length; e++)
            gram[e] /= n;
    }

    /// <summary>
    /// The Newton system at <paramref name="point"/>: H = X_AᵀX_A/n + D and rhs = −∇f_A = X_AᵀR/n − l1_B·u_B − l2_B·β_B,
    /// with R = y_c − X_Aβ_A.
    /// </summary>
    private static void NewtonSystem<T>(PreparedProblem<T> problem, ReadOnlySpan<double> point, ReadOnlySpan<int> active,
        ReadOnlySpan<int> bounds, ReadOnlySpan<double> design, ReadOnlySpan<double> gram, Span<double> residual,
        Span<double> hessian, Span<double> rhs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = residual.Length, m = active.Length;
        var y = problem.Response;
        var penalty = default(GroupElasticNet<T>);
        // R = y_c − X_Aβ_A
        for (int i = 0; i < n; i++)
        {
            double fitted = 0;
            for (int a = 0; a < m; a++)
                fitted += design[i * m + a] * point[active[a]];
            residual[i] = double.CreateTruncating(y[i]) - fitted;
        }
        rhs.Clear();
        for (int i = 0; i < n; i++)
            VectorKernels.AddScaled<double>(rhs, residual[i], design.Slice(i * m, m));
        gram.CopyTo(hessian);
        for (int block = 0; block + 1 < bounds.Length; block++)
        {
            int first = bounds[block], last = bounds[block + 1];
            int feature = active[first];
            double l1 = problem.L1Weight(feature), l2 = problem.L2Weight(feature);
            double norm = penalty.Norm(new SpanValues<double>(point), feature, feature + last - first);
            for (int a = first; a < last; a++)
            {
                double ua = point[active[a]] / norm;
                rhs[a] = rhs[a] / n - l1 * ua - l2 * point[active[a]];
                // D = l1/‖β_B‖·(I − u uᵀ) + l2·I (zero curvature of |β| for a block of one)
                for (int b = first; b < last; b++)
                {
                    double ub = point[active[b]] / norm;
                    double curvature = last - first == 1 ? 0 : l1 / norm * ((a == b ? 1 : 0) - ua * ub);
                    hessian[a * m + b] += curvature + (a == b ? l2 : 0);
                }
            }
        }
    }
}
