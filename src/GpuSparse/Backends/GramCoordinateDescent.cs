using System.Numerics;
using GpuSparse.Certificates;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Model;
using GpuSparse.Preparation;
using GpuSparse.Solvers;

namespace GpuSparse.Backends;

/// <summary>
/// Cyclic coordinate descent on the Gram form of one prepared problem (scikit-learn's
/// <c>enet_coordinate_descent_gram</c>, glmnet's covariance updates): <c>G = X_wᵀX_w/n</c> and
/// <c>c = X_wᵀy_c/n</c> are formed once, after which a sweep over the p coordinates costs at most p² and
/// never touches X again. The objective and stopping rule are those of <see cref="SolverOptions"/>.
/// </summary>
/// <remarks>
/// Sweeps run in the working precision T on <c>q = c − Gβ</c> (updated by one column of G per moved
/// coordinate); every gap check recomputes q in float64 from G and β, which also removes the drift of the
/// incremental updates. A sweep that moves no coordinate right after a check is a fixed point of the iteration:
/// further sweeps cannot change β, so the problem stops there with the status it would have after all its
/// iterations.
/// </remarks>
internal static class GramCoordinateDescent
{
    // A check whose objective exceeds this multiple of the larger of the starting and null objectives
    // means the iterates are running away (non-finite data): the problem is marked diverged.
    private const double RunawayFactor = 10;

    /// <summary>The reusable arrays of one worker thread: nothing is allocated per problem or per sweep.</summary>
    public sealed class Workspace<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public Workspace(int samples, int features)
        {
            int p = features;
            GramDouble = new double[p * p];
            // In float64 the sweeps read the float64 Gram matrix itself.
            Gram = typeof(T) == typeof(double) ? (T[])(object)GramDouble : new T[p * p];
            Correlation = new double[p];
            // A float64 design is read in place (see FormGram): only float32 needs a widened copy.
            Design = typeof(T) == typeof(double) ? [] : new double[samples * p];
            BetaDouble = new double[p];
            GradientDouble = new double[p];
            Gradient = new T[p];
            Beta = new T[p];
            Best = new T[p];
            L1Step = new T[p];
            L2Step = new T[p];
            InverseDiagonal = new T[p];
            Residual = new double[samples];
            ResidualCorrelation = new double[p];
            DesignScratch = length => _designValues.Length == length ? _designValues : _designValues = new T[length];
        }

        private T[] _designValues = [];

        /// <summary>
        /// The array of the given length that this worker's problems prepare their own working design into
        /// (see <see cref="PreparationCache{T}.Prepare"/>): one problem is solved before the next is prepared.
        /// </summary>
        public Func<int, T[]> DesignScratch { get; }

        /// <summary>G = X_wᵀX_w/n in float64, row-major p × p.</summary>
        public double[] GramDouble { get; }

        /// <summary>G in the working precision (the same array as <see cref="GramDouble"/> for float64).</summary>
        public T[] Gram { get; }

        /// <summary>c = X_wᵀy_c/n.</summary>
        public double[] Correlation { get; }

        /// <summary>X_w widened to float64 for a float32 T (the products of G are formed in float64 whatever T).</summary>
        public double[] Design { get; }

        public double[] BetaDouble { get; }

        /// <summary>q = c − Gβ in float64, recomputed at every check.</summary>
        public double[] GradientDouble { get; }

        /// <summary>q in the working precision, updated by the sweeps.</summary>
        public T[] Gradient { get; }

        public T[] Beta { get; }

        public T[] Best { get; }

        /// <summary>l1ⱼ/Gⱼⱼ: the soft threshold of coordinate j.</summary>
        public T[] L1Step { get; }

        /// <summary>l2ⱼ/Gⱼⱼ: the ridge shrink of coordinate j.</summary>
        public T[] L2Step { get; }

        /// <summary>1/Gⱼⱼ, or 0 for a zero column (its coordinate never moves).</summary>
        public T[] InverseDiagonal { get; }

        public double[] Residual { get; }

        public double[] ResidualCorrelation { get; }
    }

    public static ProblemResult Solve<T>(PreparedProblem<T> problem, SolverOptions options, Workspace<T> workspace,
        CancellationToken cancellationToken) where T : unmanaged, IFloatingPointIeee754<T> =>
        problem.Positive
            ? Solve<T, NonNegativeElasticNetProximal<T>>(problem, options, workspace, cancellationToken)
            : Solve<T, ElasticNetProximal<T>>(problem, options, workspace, cancellationToken);

    private static ProblemResult Solve<T, TProx>(PreparedProblem<T> problem, SolverOptions options, Workspace<T> ws,
        CancellationToken cancellationToken)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TProx : struct, IProximal<T>
    {
        int p = problem.Design.Features;
        double responseNorm2OverN = FormGram(problem, ws);
        var beta = ws.Beta.AsSpan(0, p);
        problem.Initial.CopyTo(beta);
        bool trusted = problem.GapTolerance >= GramDualityGap.TrustedTolerance * 2 * problem.NullObjective;

        var (gap, objective) = Check(problem, ws, responseNorm2OverN, trusted);
        double bestGap = gap, bestObjective = objective;
        double runaway = RunawayFactor * Math.Max(objective, problem.NullObjective);
        int iteration = 0;
        bool fixedPoint = false;
        ProblemStatus status = ProblemStatus.MaxIterations;
        string? message = null;
        while (true)
        {
            if (!double.IsFinite(gap) || !double.IsFinite(objective) || objective > runaway)
            {
                status = ProblemStatus.Diverged;
                message = $"problem {problem.Index}: the objective became {objective:G6} at sweep {iteration} (the iteration diverged)";
                break;
            }
            if (gap < bestGap)
            {
                bestGap = gap;
                bestObjective = objective;
                beta.CopyTo(ws.Best);
            }
            if (gap <= problem.GapTolerance)
            {
                status = ProblemStatus.Converged;
                break;
            }
            if (fixedPoint)
            {
                message = $"problem {problem.Index}: coordinate descent reached a fixed point at sweep {iteration} with gap {gap:E3} " +
                          $"above the tolerance {problem.GapTolerance:E3} (the rounding floor of the working precision)";
                break;
            }
            if (iteration >= options.MaxIterations)
                break;
            if (cancellationToken.IsCancellationRequested)
            {
                status = ProblemStatus.Cancelled;
                message = $"problem {problem.Index}: cancelled after {iteration} sweeps";
                break;
            }
            // A sweep that moves nothing right after a check (q freshly recomputed) is a fixed point; later in
            // the interval it may be an artefact of the drift of q, so it only ends the interval early.
            int checkAt = Math.Min(options.MaxIterations, iteration + options.CheckInterval);
            int start = iteration;
            while (iteration < checkAt)
            {
                bool moved = Sweep<T, TProx>(ws, p);
                iteration++;
                if (!moved)
                {
                    fixedPoint = iteration == start + 1;
                    break;
                }
            }
            (gap, objective) = Check(problem, ws, responseNorm2OverN, trusted);
        }

        var result = ProblemOutcome.Build<T>(problem, status, iteration, beta, gap, objective, ws.Best.AsSpan(0, p), bestGap, bestObjective);
        return message is null ? result : result with { Message = message };
    }

    /// <summary>
    /// Fills G, c and the per-coordinate steps of <paramref name="ws"/>; returns ‖y_c‖²/n.
    /// Products are formed in float64 from the working-precision design, so G is exact to float64 rounding.
    /// </summary>
    private static double FormGram<T>(PreparedProblem<T> problem, Workspace<T> ws) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var design = problem.Design;
        int n = design.Samples, p = design.Features;
        var x = design.Values.AsSpan();
        var y = problem.Response.AsSpan();
        var gram = ws.GramDouble.AsSpan(0, p * p);
        var c = ws.Correlation.AsSpan(0, p);
        // In float64 the design is read in place; a float32 one is widened into the workspace.
        Span<double> xDouble;
        if (typeof(T) == typeof(double))
            xDouble = ((double[])(object)design.Values).AsSpan(0, n * p);
        else
        {
            xDouble = ws.Design.AsSpan(0, n * p);
            for (int e = 0; e < xDouble.Length; e++)
                xDouble[e] = double.CreateTruncating(x[e]);
        }
        VectorKernels.Gram(xDouble, n, p, gram);
        // c = X_wᵀy_c, ‖y_c‖²
        c.Clear();
        double yy = 0;
        for (int i = 0; i < n; i++)
        {
            double yi = double.CreateTruncating(y[i]);
            yy += yi * yi;
            VectorKernels.AddScaled(c, yi, xDouble.Slice(i * p, p));
        }
        double invN = 1.0 / n;
        for (int e = 0; e < gram.Length; e++)
            gram[e] *= invN;
        for (int j = 0; j < p; j++)
            c[j] *= invN;
        if (!ReferenceEquals(ws.Gram, ws.GramDouble))
            for (int e = 0; e < gram.Length; e++)
                ws.Gram[e] = T.CreateTruncating(gram[e]);
        for (int j = 0; j < p; j++)
        {
            // Coordinate j minimises ½Gⱼⱼ(b − z)² + l1ⱼ|b| + ½l2ⱼb²: the proximal map with step 1/Gⱼⱼ.
            T diagonal = ws.Gram[j * p + j];
            T inverse = diagonal > T.Zero ? T.One / diagonal : T.Zero;
            ws.InverseDiagonal[j] = inverse;
            ws.L1Step[j] = problem.L1[j] * inverse;
            ws.L2Step[j] = problem.L2[j] * inverse;
        }
        return yy * invN;
    }

    /// <summary>One cyclic sweep over the coordinates; returns false when no coordinate moved.</summary>
    private static bool Sweep<T, TProx>(Workspace<T> ws, int p)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TProx : struct, IProximal<T> =>
        Sweep<T, TProx>(ws.Gram.AsSpan(0, p * p), p, ws.Gradient.AsSpan(0, p), ws.Beta.AsSpan(0, p),
            ws.InverseDiagonal.AsSpan(0, p), ws.L1Step.AsSpan(0, p), ws.L2Step.AsSpan(0, p));

    /// <summary>
    /// One cyclic sweep over the coordinates of <paramref name="beta"/>, keeping <paramref name="q"/> = c − Gβ
    /// up to date, with row j of G at j·<paramref name="stride"/>; returns false when no coordinate moved.
    /// A coordinate with <paramref name="inverseDiagonal"/> 0 (a zero column) never moves.
    /// </summary>
    internal static bool Sweep<T, TProx>(ReadOnlySpan<T> gram, int stride, Span<T> q, Span<T> beta,
        ReadOnlySpan<T> inverseDiagonal, ReadOnlySpan<T> l1Step, ReadOnlySpan<T> l2Step)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TProx : struct, IProximal<T>
    {
        var prox = default(TProx);
        int count = beta.Length;
        bool moved = false;
        for (int j = 0; j < count; j++)
        {
            T inverse = inverseDiagonal[j];
            if (inverse == T.Zero)
                continue;
            T old = beta[j];
            // βⱼ⁺ = prox(βⱼ + qⱼ/Gⱼⱼ), the exact minimiser along coordinate j
            T next = prox.Apply(old + q[j] * inverse, l1Step[j], l2Step[j]);
            if (next == old)
                continue;
            beta[j] = next;
            // q = c − Gβ changes by −Gⱼ·(βⱼ⁺ − βⱼ) (G symmetric: row j is column j)
            VectorKernels.AddScaled(q, old - next, gram.Slice(j * stride, count));
            moved = true;
        }
        return moved;
    }

    /// <summary>
    /// Recomputes q = c − Gβ in float64 (and resets the working copy to it), then returns the duality gap and
    /// objective: from the Gram form when <paramref name="trusted"/>, otherwise by <see cref="DualityGap"/>.
    /// </summary>
    private static (double Gap, double Objective) Check<T>(PreparedProblem<T> problem, Workspace<T> ws,
        double responseNorm2OverN, bool trusted) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = problem.Design.Features;
        var gram = ws.GramDouble.AsSpan(0, p * p);
        var betaDouble = ws.BetaDouble.AsSpan(0, p);
        var q = ws.GradientDouble.AsSpan(0, p);
        var beta = ws.Beta.AsSpan(0, p);
        for (int j = 0; j < p; j++)
            betaDouble[j] = double.CreateTruncating(beta[j]);
        for (int a = 0; a < p; a++)
        {
            // qₐ = cₐ − Gₐ·β
            q[a] = ws.Correlation[a] - VectorKernels.Dot<double>(gram.Slice(a * p, p), betaDouble);
            ws.Gradient[a] = T.CreateTruncating(q[a]);
        }
        return trusted
            ? GramDualityGap.Evaluate(problem, betaDouble, ws.Correlation.AsSpan(0, p), q, responseNorm2OverN)
            : DualityGap.Evaluate<T>(problem, beta, ws.Residual, ws.ResidualCorrelation);
    }
}
