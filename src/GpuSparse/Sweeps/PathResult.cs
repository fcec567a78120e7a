using GpuSparse.Model;

namespace GpuSparse.Sweeps;

/// <summary>
/// The solutions of P paths at L steps each: coefficients (P × L × p), intercepts, duality gaps,
/// objectives, iterations and statuses (P × L), all row-major by path then step. A cancelled sweep returns every
/// step it finished as solved; a step whose solve the cancellation interrupted keeps its last iterate and gap with
/// status <see cref="ProblemStatus.Cancelled"/>, and a step never started is <see cref="ProblemStatus.Cancelled"/>
/// with NaN values.
/// </summary>
public sealed class PathResult
{
    internal PathResult(int paths, int steps, int features)
    {
        Paths = paths;
        Steps = steps;
        Features = features;
        int solutions = ArraySize.Of("path steps", paths, steps);
        Lambdas = new double[solutions];
        Coefficients = new double[ArraySize.Of("path coefficients", paths, steps, features)];
        Intercepts = new double[solutions];
        DualityGaps = new double[solutions];
        Objectives = new double[solutions];
        Iterations = new int[solutions];
        Statuses = new ProblemStatus[solutions];
    }

    /// <summary>P, the number of paths.</summary>
    public int Paths { get; }

    /// <summary>L, the number of λ steps of every path.</summary>
    public int Steps { get; }

    /// <summary>p.</summary>
    public int Features { get; }

    /// <summary>λ of path k at step i at <c>[k·L + i]</c>.</summary>
    public double[] Lambdas { get; }

    /// <summary>Raw-scale coefficients of path k at step i at <c>[(k·L + i)·p ..]</c>.</summary>
    public double[] Coefficients { get; }

    /// <summary>Intercepts, <c>[k·L + i]</c>.</summary>
    public double[] Intercepts { get; }

    /// <summary>Duality gaps of the full (unscreened) problems, in units of the objective, <c>[k·L + i]</c>.</summary>
    public double[] DualityGaps { get; }

    /// <summary>Primal objectives, <c>[k·L + i]</c>.</summary>
    public double[] Objectives { get; }

    /// <summary>Solver iterations of each step, re-solves after a KKT violation included, <c>[k·L + i]</c>.</summary>
    public int[] Iterations { get; }

    /// <summary>How each step's final solve ended, <c>[k·L + i]</c>.</summary>
    public ProblemStatus[] Statuses { get; }

    /// <summary>Σ over every solve of iterations × features in its design: the work the iteration did (the cost of one iteration is proportional to n·features).</summary>
    public long FeatureIterations { get; internal set; }

    /// <summary>How many (path, step) problems were solved again because the KKT check found a left-out feature needed.</summary>
    public int KktResolves { get; internal set; }

    /// <summary>How many batches were handed to the backend (0 when a backend's path engine walked the paths).</summary>
    public int BatchSolves { get; internal set; }

    /// <summary>The coefficients of path k at step i.</summary>
    public ReadOnlySpan<double> Coefficient(int path, int step) =>
        Coefficients.AsSpan((path * Steps + step) * Features, Features);

    /// <summary>The flat index <c>k·L + i</c> of path k at step i.</summary>
    public int Index(int path, int step) => path * Steps + step;

    /// <summary>How many (path, step) problems ended with <paramref name="status"/>.</summary>
    public int CountWith(ProblemStatus status) => Statuses.Count(s => s == status);

    /// <summary>
    /// Marks steps <paramref name="fromStep"/>… of path <paramref name="path"/> as never solved because the sweep was
    /// cancelled: status <see cref="ProblemStatus.Cancelled"/>, their λ recorded, NaN coefficients, intercept, gap and
    /// objective (no iterate exists to report), zero iterations.
    /// </summary>
    internal void MarkCancelled(int path, int fromStep, ReadOnlySpan<double> lambdas)
    {
        for (int step = fromStep; step < Steps; step++)
        {
            int at = Index(path, step);
            Lambdas[at] = lambdas[step];
            Coefficients.AsSpan(at * Features, Features).Fill(double.NaN);
            Intercepts[at] = double.NaN;
            DualityGaps[at] = double.NaN;
            Objectives[at] = double.NaN;
            Iterations[at] = 0;
            Statuses[at] = ProblemStatus.Cancelled;
        }
    }
}
