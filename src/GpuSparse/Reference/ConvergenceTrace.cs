using System.Numerics;
using GpuSparse.Model;
using GpuSparse.Preparation;
using GpuSparse.Solvers;

namespace GpuSparse.Reference;

/// <summary>One gap check of a traced solve.</summary>
/// <param name="Iteration">Iterations done.</param>
/// <param name="RelativeGap">Duality gap divided by the null loss ‖y − ȳ‖²/n (the scale the tolerance uses).</param>
/// <param name="Nonzeros">Coefficients of the iterate that are exactly zero are not counted.</param>
internal readonly record struct TracePoint(int Iteration, double RelativeGap, int Nonzeros);

/// <summary>
/// Runs the reference iteration on one problem with a gap check after every iteration and records the gap
/// and the number of nonzero coefficients: the data of convergence plots (ISTA vs FISTA, Lasso vs Ridge).
/// Kept apart from the solvers' hot path, which passes no trace.
/// </summary>
internal static class ConvergenceTrace
{
    /// <summary>Traces problem 0 of <paramref name="single"/> for <paramref name="iterations"/> iterations (no early stop).</summary>
    public static IReadOnlyList<TracePoint> Run<T>(ProblemBatch<T> single, SolverAlgorithm algorithm, int iterations)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
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
