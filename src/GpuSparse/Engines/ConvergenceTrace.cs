using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Model;
using GpuSparse.Preparation;

namespace GpuSparse.Engines;

/// <summary>One gap check of a traced solve.</summary>
/// <param name="Iteration">Iterations done.</param>
/// <param name="RelativeGap">Duality gap divided by the null loss ‖y − ȳ‖²/n (the scale the tolerance uses).</param>
/// <param name="Nonzeros">The coefficients of the iterate that are not exactly zero.</param>
public readonly record struct TracePoint(int Iteration, double RelativeGap, int Nonzeros);

/// <summary>
/// Runs the reference iteration on one problem with a gap check after every iteration and records the gap
/// and the number of nonzero coefficients: the data of convergence plots (ISTA vs FISTA, Lasso vs Ridge).
/// Kept apart from the solvers' hot path, which passes no trace.
/// </summary>
public static class ConvergenceTrace
{
    /// <summary>
    /// Traces problem 0 of <paramref name="single"/> for <paramref name="iterations"/> iterations of ISTA or FISTA (no
    /// early stop: tolerance 0), the gap of the objective (1/(2n))·‖y − Xβ − b₀‖² + λ·(r·Σ wⱼ|βⱼ| + (1−r)/2·Σ wⱼβⱼ²)
    /// evaluated after every iteration.
    /// </summary>
    /// <param name="single">The problem (only problem 0 is traced).</param>
    /// <param name="algorithm"><see cref="SolverAlgorithm.Ista"/> or <see cref="SolverAlgorithm.Fista"/>.</param>
    /// <param name="iterations">Iterations to run.</param>
    /// <returns>One point per iteration, from iteration 0.</returns>
    /// <exception cref="ProblemValidationException">The problem is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An algorithm other than ISTA or FISTA.</exception>
    public static IReadOnlyList<TracePoint> Run<T>(ProblemBatch<T> single, SolverAlgorithm algorithm, int iterations)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (algorithm is not (SolverAlgorithm.Ista or SolverAlgorithm.Fista))
            throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "the trace follows ISTA or FISTA");
        // Tolerance 0 keeps iterating to the limit so that every curve has the same length.
        var options = new SolverOptions { Algorithm = algorithm, Tolerance = 0, MaxIterations = iterations, CheckInterval = 1 };
        var prepared = BatchPreparation.Prepare(single, options);
        if (prepared.Problems[0] is not { } problem)
        {
            var failure = prepared.Failures[0]!.Value;
            throw new ProblemValidationException(0, failure.Field, failure.Reason);
        }
        // GapTolerance = tol·‖y_c‖²/n, so with tol = 0 the scale comes from the null objective ½‖y_c‖²/n.
        double scale = 2 * problem.NullObjective;
        var points = new List<TracePoint>(iterations + 1);
        ProximalGradient.Solve(problem, options, CancellationToken.None, (iteration, gap, working) =>
        {
            int nonzeros = 0;
            foreach (var value in working)
                if (value != T.Zero)
                    nonzeros++;
            points.Add(new TracePoint(iteration, scale > 0 ? gap / scale : gap, nonzeros));
        });
        return points;
    }
}
