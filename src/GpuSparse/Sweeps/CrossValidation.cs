using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Model;
using GpuSparse.Numerics;

namespace GpuSparse.Sweeps;

/// <summary>
/// K-fold cross-validation of the elastic net over targets × L1 ratios × a λ grid, as batches: each fold's
/// training rows are a design of their own, and every (target, r, fold) path plus the full-data paths
/// (the refit) advance together through the grid in one <see cref="PathSolver"/> sweep.
/// </summary>
/// <remarks>
/// Grids come from the full data (scikit-learn's and glmnet's practice), one per (target, r), and are shared
/// by that curve's folds. λ_min is the largest λ whose mean MSE equals the minimum, λ_1se the largest within
/// one standard error of it (glmnet's definitions); across L1 ratios the lowest minimum wins, the first on
/// ties (scikit-learn's <c>ElasticNetCV</c>). A cancelled run chooses among the steps every fold and the refit
/// finished (their fold MSEs at the others are NaN).
/// </remarks>
public static class CrossValidation
{
    /// <summary>Runs the cross-validation on the managed <see cref="ReferenceBackend"/>.</summary>
    public static CrossValidationResult Run<T>(ReadOnlyMemory<T> design, int features, IReadOnlyList<ReadOnlyMemory<T>> targets,
        IReadOnlyList<int> foldIds, SweepOptions options, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var backend = new ReferenceBackend();
        return Run(backend, design, features, targets, foldIds, options, cancellationToken);
    }

    /// <summary>
    /// Cross-validates every target of <paramref name="targets"/> on the row-major n × p <paramref name="design"/>,
    /// with the samples' fold labels <paramref name="foldIds"/> (any integers; see <see cref="Folds"/>).
    /// <paramref name="progress"/> counts the (path, λ) steps finished, of the refit paths and every fold's.
    /// </summary>
    public static CrossValidationResult Run<T>(ISolverBackend backend, ReadOnlyMemory<T> design, int features,
        IReadOnlyList<ReadOnlyMemory<T>> targets, IReadOnlyList<int> foldIds, SweepOptions options,
        CancellationToken cancellationToken = default, IProgress<SolveProgress>? progress = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = features, n = design.Length / p;
        if (foldIds.Count != n)
            throw new ArgumentException($"{foldIds.Count} fold ids for n = {n} samples", nameof(foldIds));
        if (targets.Count == 0 || targets.Any(y => y.Length != n))
            throw new ArgumentException($"every target needs n = {n} values (and there must be one)", nameof(targets));
        if (options.L1Ratios.Length == 0)
            throw new ArgumentException("no L1 ratios", nameof(options));
        var fold = Folds.Normalize(foldIds);
        int folds = fold.Max() + 1, ratios = options.L1Ratios.Length, curves = targets.Count * ratios;

        var full = new SweepDesign<T>(design, p, options.Path.FitIntercept, options.Path.Standardize);
        var grids = LambdaGrid.ForTargets(full, targets, options);
        var (designs, foldTargets) = Split(design, p, targets, fold, folds);
        var paths = new List<PathSpec<T>>();
        for (int c = 0; c < curves; c++)
            paths.Add(new PathSpec<T>(0, targets[c / ratios], options.L1Ratios[c % ratios], grids[c]));
        for (int c = 0; c < curves; c++)
            for (int f = 0; f < folds; f++)
                paths.Add(new PathSpec<T>(1 + f, foldTargets[f][c / ratios], options.L1Ratios[c % ratios], grids[c]));
        var solved = PathSolver.Solve(backend, designs, p, paths, options.Path, fold, full, progress, cancellationToken);

        int steps = grids[0].Length;
        var foldMse = new double[ArraySize.Of("cross-validation errors", curves, folds, steps)];
        Parallel.For(0, curves * folds, cf =>
        {
            int c = cf / folds, f = cf % folds;
            for (int i = 0; i < steps; i++)
            {
                int at = solved.Index(curves + cf, i);
                // A step the cancellation left unfinished has no fit to score.
                foldMse[cf * steps + i] = solved.Statuses[at] == ProblemStatus.Cancelled ? double.NaN : HeldOutMse(design.Span, p, targets[c / ratios].Span, fold, f,
                    solved.Coefficient(curves + cf, i), solved.Intercepts[at]);
            }
        });
        var weights = new double[folds];
        for (int f = 0; f < folds; f++)
            weights[f] = options.Averaging == CvAveraging.FoldSizeWeighted ? fold.Count(id => id == f) : 1.0;
        var (mean, standardError) = Average(foldMse, weights, curves, steps);
        var choices = new CrossValidationChoice[targets.Count];
        for (int t = 0; t < targets.Count; t++)
            choices[t] = Choose(t, ratios, steps, options.L1Ratios, grids, mean, standardError, solved);
        return new CrossValidationResult(targets.Count, ratios, folds, steps, solved,
            [.. grids.SelectMany(g => g)], foldMse, mean, standardError, choices);
    }

    /// <summary>The full design followed by each fold's training rows, and each fold's training targets.</summary>
    private static (ReadOnlyMemory<T>[] Designs, ReadOnlyMemory<T>[][] Targets) Split<T>(ReadOnlyMemory<T> design, int p,
        IReadOnlyList<ReadOnlyMemory<T>> targets, int[] fold, int folds) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var designs = new ReadOnlyMemory<T>[folds + 1];
        var foldTargets = new ReadOnlyMemory<T>[folds][];
        designs[0] = design;
        var x = design.Span;
        for (int f = 0; f < folds; f++)
        {
            int[] rows = [.. Enumerable.Range(0, fold.Length).Where(i => fold[i] != f)];
            var training = new T[rows.Length * p];
            for (int row = 0; row < rows.Length; row++)
                x.Slice(rows[row] * p, p).CopyTo(training.AsSpan(row * p, p));
            designs[1 + f] = training;
            foldTargets[f] = [.. targets.Select(y => (ReadOnlyMemory<T>)rows.Select(i => y.Span[i]).ToArray())];
        }
        return (designs, foldTargets);
    }

    /// <summary>mean over the rows of fold f of (yᵢ − b₀ − xᵢ·β)².</summary>
    private static double HeldOutMse<T>(ReadOnlySpan<T> x, int p, ReadOnlySpan<T> y, int[] fold, int f,
        ReadOnlySpan<double> beta, double intercept) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rows = new DesignRows<T>(x, p);
        double sum = 0;
        int count = 0;
        for (int i = 0; i < fold.Length; i++)
        {
            if (fold[i] != f)
                continue;
            double residual = double.CreateTruncating(y[i]) - intercept - VectorKernels.Dot(rows.Row(i), beta);
            sum += residual * residual;
            count++;
        }
        return sum / count;
    }

    /// <summary>
    /// Per curve and step, the weighted mean m = Σ w_f·mse_f / Σ w_f and glmnet's standard error
    /// √((Σ w_f·(mse_f − m)² / Σ w_f) / (K − 1)).
    /// </summary>
    private static (double[] Mean, double[] StandardError) Average(double[] foldMse, double[] weights, int curves, int steps)
    {
        int folds = weights.Length;
        double total = weights.Sum();
        var mean = new double[ArraySize.Of("cross-validation curves", curves, steps)];
        var se = new double[mean.Length];
        for (int c = 0; c < curves; c++)
            for (int i = 0; i < steps; i++)
            {
                double m = 0;
                for (int f = 0; f < folds; f++)
                    m += weights[f] * foldMse[(c * folds + f) * steps + i];
                m /= total;
                double v = 0;
                for (int f = 0; f < folds; f++)
                {
                    double d = foldMse[(c * folds + f) * steps + i] - m;
                    v += weights[f] * d * d;
                }
                mean[c * steps + i] = m;
                se[c * steps + i] = Math.Sqrt(v / total / (folds - 1));
            }
        return (mean, se);
    }

    /// <summary>
    /// The choice for one target among the steps that finished (a cancelled sweep leaves NaN means and cancelled
    /// full-data fits at the steps it did not finish); when none finished, NaN λ and coefficients at index −1.
    /// </summary>
    private static CrossValidationChoice Choose(int target, int ratios, int steps, double[] l1Ratios, double[][] grids,
        double[] mean, double[] se, PathResult solved)
    {
        bool Finished(int c, int i) => !double.IsNaN(mean[c * steps + i]) && solved.Statuses[solved.Index(c, i)] != ProblemStatus.Cancelled;
        int bestCurve = -1, bestStep = -1;
        for (int ratio = 0; ratio < ratios; ratio++)
        {
            int c = target * ratios + ratio;
            for (int i = 0; i < steps; i++)
                if (!Finished(c, i))
                    continue;
                else if (bestCurve < 0 || mean[c * steps + i] < mean[bestCurve * steps + bestStep]
                    // glmnet's λ_min is the largest λ attaining the minimum: on a tie keep the larger λ.
                    || (c == bestCurve && mean[c * steps + i] == mean[c * steps + bestStep] && grids[c][i] > grids[c][bestStep]))
                    (bestCurve, bestStep) = (c, i);
        }
        if (bestCurve < 0)
        {
            double[] none = [.. Enumerable.Repeat(double.NaN, solved.Features)];
            return new CrossValidationChoice(0, l1Ratios[0], -1, double.NaN, -1, double.NaN, none, double.NaN, none, double.NaN);
        }
        var grid = grids[bestCurve];
        double limit = mean[bestCurve * steps + bestStep] + se[bestCurve * steps + bestStep];
        int oneSe = bestStep;
        for (int i = 0; i < steps; i++)
            if (Finished(bestCurve, i) && mean[bestCurve * steps + i] <= limit && grid[i] > grid[oneSe])
                oneSe = i;
        return new CrossValidationChoice(bestCurve % ratios, l1Ratios[bestCurve % ratios], bestStep, grid[bestStep],
            oneSe, grid[oneSe], solved.Coefficient(bestCurve, bestStep).ToArray(), solved.Intercepts[solved.Index(bestCurve, bestStep)],
            solved.Coefficient(bestCurve, oneSe).ToArray(), solved.Intercepts[solved.Index(bestCurve, oneSe)]);
    }
}
