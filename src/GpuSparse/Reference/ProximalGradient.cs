using System.Numerics;
using GpuSparse.Certificates;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Model;
using GpuSparse.Preparation;
using GpuSparse.Solvers;

namespace GpuSparse.Reference;

/// <summary>
/// The reference ISTA/FISTA iteration for one prepared problem: plain, sequential managed code in the
/// working precision T, the oracle every other backend must reproduce. Sums run in ascending index order.
/// </summary>
internal static class ProximalGradient
{
    // A check whose objective exceeds this multiple of the larger of the starting and null objectives
    // means the iteration is running away (a wrong step size, overflow): the problem is marked diverged.
    private const double RunawayFactor = 10;

    // trace: called at every gap check, for convergence plots only; solves pass none.
    public static ProblemResult Solve<T>(PreparedProblem<T> problem, SolverOptions options, CancellationToken cancellationToken,
        IterationTrace<T>? trace = null)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        problem.BlockEnds is not null ? Solve<T, GroupElasticNet<T>>(problem, options, cancellationToken, trace)
        : problem.Positive
            ? Solve<T, NonNegativeElasticNet<T>>(problem, options, cancellationToken, trace)
            : Solve<T, ElasticNet<T>>(problem, options, cancellationToken, trace);

    public static ProblemResult Solve<T, TPenalty>(PreparedProblem<T> problem, SolverOptions options, CancellationToken cancellationToken,
        IterationTrace<T>? trace = null)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
    {
        var design = problem.Design;
        int n = design.Samples, p = design.Features;
        bool accelerated = options.Algorithm == SolverAlgorithm.Fista;
        var x = design.Values;
        var y = problem.Response;
        T step = T.CreateTruncating(design.Step);
        T stepOverN = step / T.CreateTruncating(n);
        var l1Step = new T[p];
        var l2Step = new T[p];
        for (int j = 0; j < p; j++)
        {
            l1Step[j] = step * problem.L1[j];
            l2Step[j] = step * problem.L2[j];
        }

        var beta = (T[])problem.Initial.Clone();
        var next = new T[p];
        var z = accelerated ? (T[])beta.Clone() : beta;
        var residual = new T[n];
        var correlation = new T[p];
        var best = (T[])beta.Clone();
        var gapResidual = new double[n];
        var gapCorrelation = new double[p];
        T momentum = T.One;
        var prox = default(TPenalty);

        var (gap, objective) = DualityGap.Evaluate<T, TPenalty>(problem, beta, gapResidual, gapCorrelation);
        double bestGap = gap, bestObjective = objective;
        double runaway = RunawayFactor * Math.Max(objective, problem.NullObjective);
        int iteration = 0;
        ProblemStatus status = ProblemStatus.MaxIterations;
        while (true)
        {
            trace?.Invoke(iteration, gap, beta);
            if (!double.IsFinite(gap) || !double.IsFinite(objective) || objective > runaway)
            {
                status = ProblemStatus.Diverged;
                break;
            }
            if (gap < bestGap)
            {
                bestGap = gap;
                bestObjective = objective;
                beta.CopyTo(best, 0);
            }
            if (gap <= problem.GapTolerance)
            {
                status = ProblemStatus.Converged;
                break;
            }
            if (iteration >= options.MaxIterations)
                break;
            if (cancellationToken.IsCancellationRequested)
            {
                status = ProblemStatus.Cancelled;
                break;
            }
            int checkAt = Math.Min(options.MaxIterations, iteration + options.CheckInterval);
            for (; iteration < checkAt; iteration++)
            {
                // r = y_c − X_w z
                for (int i = 0; i < n; i++)
                {
                    T acc = T.Zero;
                    for (int j = 0; j < p; j++)
                        acc += x[i * p + j] * z[j];
                    residual[i] = y[i] - acc;
                }
                // c = X_wᵀ r, so that −∇f(z) = c/n
                Array.Clear(correlation);
                for (int i = 0; i < n; i++)
                {
                    T ri = residual[i];
                    for (int j = 0; j < p; j++)
                        correlation[j] += x[i * p + j] * ri;
                }
                // β⁺ = prox(z − t∇f(z)) = prox(z + (t/n)·c), block by block
                for (int j = 0; j < p; j++)
                    next[j] = z[j] + stepOverN * correlation[j];
                for (int j = 0, end; j < p; j = end)
                {
                    end = prox.BlockEnd(problem, j);
                    prox.BlockProximal(new SpanVector<T>(next), j, end, l1Step[j], l2Step[j]);
                }
                if (accelerated)
                    momentum = Extrapolate(z, next, beta, momentum);
                (beta, next) = (next, beta);
                if (!accelerated)
                    z = beta;
            }
            (gap, objective) = DualityGap.Evaluate<T, TPenalty>(problem, beta, gapResidual, gapCorrelation);
        }

        return ProblemOutcome.Build<T>(problem, status, iteration, beta, gap, objective, best, bestGap, bestObjective);
    }

    /// <summary>
    /// FISTA's extrapolation z = β⁺ + ((t_k − 1)/t_{k+1})·(β⁺ − β), t_{k+1} = (1 + √(1 + 4t_k²))/2,
    /// restarted (t = 1, z = β⁺) when the step goes uphill: (z − β⁺)·(β⁺ − β) &gt; 0. Returns t_{k+1}.
    /// </summary>
    internal static T Extrapolate<T>(Span<T> z, ReadOnlySpan<T> next, ReadOnlySpan<T> beta, T momentum)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T uphill = T.Zero;
        for (int j = 0; j < z.Length; j++)
            uphill += (z[j] - next[j]) * (next[j] - beta[j]);
        if (uphill > T.Zero)
        {
            next.CopyTo(z);
            return T.One;
        }
        T four = T.CreateTruncating(4), two = T.CreateTruncating(2);
        T following = (T.One + T.Sqrt(T.One + four * momentum * momentum)) / two;
        T weight = (momentum - T.One) / following;
        for (int j = 0; j < z.Length; j++)
            z[j] = next[j] + weight * (next[j] - beta[j]);
        return following;
    }
}
