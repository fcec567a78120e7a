using System.Numerics;
using GpuSparse.Certificates;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Certificates;
using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Kernels.Steps;
using GpuSparse.Model;
using GpuSparse.Preparation;

namespace GpuSparse.Engines;

/// <summary>
/// The reference ISTA/FISTA iteration for one prepared problem: plain, sequential managed code in the
/// working precision T, the oracle every other backend must reproduce. Sums run in ascending index order.
/// </summary>
internal static class ProximalGradient
{
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
        var beta = (T[])problem.Initial.Clone();
        var next = new T[p];
        var z = accelerated ? (T[])beta.Clone() : beta;
        var residual = new T[n];
        var correlation = new T[p];
        var best = (T[])beta.Clone();
        var gapResidual = new double[n];
        var gapCorrelation = new double[p];
        T momentum = T.One;

        var (gap, objective) = DualityGap.Evaluate<T, TPenalty>(problem, beta, gapResidual, gapCorrelation);
        var record = CheckRecord.First(gap, objective, problem.NullObjective);
        int iteration = 0;
        int verdict;
        while (true)
        {
            trace?.Invoke(iteration, record.Gap, beta);
            verdict = record.Verdict(problem.GapTolerance, fixedPoint: false, iteration >= options.MaxIterations);
            if (verdict != BatchStatus.Active || cancellationToken.IsCancellationRequested)
                break;
            int checkAt = Math.Min(options.MaxIterations, iteration + options.CheckInterval);
            for (; iteration < checkAt; iteration++)
            {
                // β⁺ = prox(z + (t/n)·X_wᵀ(y_c − X_w z)), block by block
                ProximalGradientStep.Apply<T, TPenalty, HostView<T>, PreparedProblem<T>>(new(x), new(y), new(problem.L1),
                    new(problem.L2), problem, step, stepOverN, n, p, new(z), new(residual), new(correlation), new(next));
                if (accelerated)
                    momentum = FistaStep.Apply<T, HostView<T>>(new(z), new(next), new(beta), p, momentum);
                (beta, next) = (next, beta);
                if (!accelerated)
                    z = beta;
            }
            (gap, objective) = DualityGap.Evaluate<T, TPenalty>(problem, beta, gapResidual, gapCorrelation);
            if (record.Record(gap, objective))
                beta.CopyTo(best, 0);
        }

        return ProblemOutcome.Build<T>(problem, ProblemOutcome.StatusOf(verdict), iteration, beta, record.Gap, record.Objective, best, record.BestGap, record.BestObjective);
    }
}
