using System.Diagnostics;
using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Model;

namespace GpuSparse.Sweeps;

/// <summary>
/// Solves many regularization paths together. A backend with a path engine (<see cref="Backends.BackendCapabilities.PathEngine"/>:
/// the coordinate-descent backend's <see cref="CovariancePath"/>) walks whole paths; for the others, at step i every
/// path's problem at its i-th λ goes into one <see cref="ProblemBatch{T}"/>, warm-started from the same path's
/// solution at step i − 1, so the path is a batch dimension (targets × L1 ratios × folds) advanced one λ at a time,
/// on any <see cref="ISolverBackend"/>.
/// </summary>
/// <remarks>
/// With <see cref="PathOptions.Screening"/> each design's step solves only the union of its paths'
/// strong sets (<see cref="StrongRules"/>), as a column subset of that design; the KKT check on the full
/// design adds back any feature the rule wrongly dropped and re-solves the paths that needed it.
/// </remarks>
public static class PathSolver
{
    /// <summary>Solves <paramref name="paths"/> on the managed <see cref="ReferenceBackend"/>.</summary>
    public static PathResult Solve<T>(IReadOnlyList<ReadOnlyMemory<T>> designs, int features,
        IReadOnlyList<PathSpec<T>> paths, PathOptions options, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var backend = new ReferenceBackend();
        return Solve(backend, designs, features, paths, options, cancellationToken);
    }

    /// <summary>
    /// The paths of every target × L1 ratio of <paramref name="options"/> on one row-major n × p design, each on
    /// its grid from <see cref="LambdaGrid.ForTargets{T}(ReadOnlyMemory{T}, int, IReadOnlyList{ReadOnlyMemory{T}}, SweepOptions)"/>;
    /// path t·R + r is target t at ratio r. <paramref name="progress"/> counts the (path, λ) steps finished of all
    /// paths × λ values (reported once with none finished when the walk starts).
    /// </summary>
    public static PathResult Solve<T>(ISolverBackend backend, ReadOnlyMemory<T> design, int features,
        IReadOnlyList<ReadOnlyMemory<T>> targets, SweepOptions options, CancellationToken cancellationToken = default,
        IProgress<SolveProgress>? progress = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var full = new SweepDesign<T>(design, features, options.Path.FitIntercept, options.Path.Standardize);
        var grids = LambdaGrid.ForTargets(full, targets, options);
        int ratios = options.L1Ratios.Length;
        var paths = grids.Select((grid, c) => new PathSpec<T>(0, targets[c / ratios], options.L1Ratios[c % ratios], grid)).ToArray();
        return Solve(backend, [design], features, paths, options.Path, null, full, progress, cancellationToken);
    }

    /// <summary>
    /// Solves every path of <paramref name="paths"/> over the row-major n_d × p <paramref name="designs"/>
    /// on <paramref name="backend"/>. Every path must have the same number of λ values.
    /// </summary>
    public static PathResult Solve<T>(ISolverBackend backend, IReadOnlyList<ReadOnlyMemory<T>> designs, int features,
        IReadOnlyList<PathSpec<T>> paths, PathOptions options, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Solve(backend, designs, features, paths, options, null, null, null, cancellationToken);

    /// <summary>
    /// <see cref="Solve{T}(ISolverBackend, IReadOnlyList{ReadOnlyMemory{T}}, int, IReadOnlyList{PathSpec{T}}, PathOptions, CancellationToken)"/>,
    /// told by <paramref name="foldOf"/> that design 1 + f is the rows i of design 0 with <c>foldOf[i] ≠ f</c>, and given
    /// design 0 already summarised as <paramref name="first"/> when the caller has it, and counting the (path, λ) steps
    /// finished on <paramref name="progress"/>.
    /// </summary>
    internal static PathResult Solve<T>(ISolverBackend backend, IReadOnlyList<ReadOnlyMemory<T>> designs, int features,
        IReadOnlyList<PathSpec<T>> paths, PathOptions options, int[]? foldOf, SweepDesign<T>? first,
        IProgress<SolveProgress>? progress, CancellationToken cancellationToken)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(designs, features, paths, options);
        int count = paths.Count, steps = paths[0].Lambdas.Length, p = features;
        var clock = Stopwatch.StartNew();
        progress?.Report(new SolveProgress(0, count * steps, TimeSpan.Zero));
        var finished = new ProgressReporter(progress, count * steps, clock);
        var sweep = designs.Select((d, i) => i == 0 && first is not null ? first
            : new SweepDesign<T>(d, p, options.FitIntercept, options.Standardize)).ToArray();
        if (backend.Capabilities.PathEngine && CovariancePathEngine.TrySolve(sweep, foldOf, paths, options, finished, cancellationToken) is { } walked)
            return walked;
        var states = new PathState[count];
        for (int k = 0; k < count; k++)
        {
            // Before the first step the path sits at β = 0, b₀ = ȳ, which is the solution at λ_max.
            var design = sweep[paths[k].Design];
            var y = paths[k].Response.Span;
            states[k] = new PathState(p) { Intercept = design.NullIntercept(y) };
            if (options.Screening)
            {
                design.NegativeGradient(y, states[k].Beta, states[k].NegativeGradient);
                states[k].PreviousLambda = design.LambdaMax(y, paths[k].L1Ratio, options.PenaltyFactors);
            }
        }
        var result = new PathResult(count, steps, p);
        // Paths on a design with non-finite values or a column standardize cannot scale are not solved (as on the
        // path engine): a step's batch on a screened subset of columns could otherwise miss the fault.
        var solvable = paths.Select(path => sweep[path.Design] is { IsFinite: true, Fault: null }).ToArray();
        for (int step = 0; step < steps; step++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                for (int k = 0; k < count; k++)
                    result.MarkCancelled(k, step, paths[k].Lambdas);
                break;
            }
            var keep = StrongSets(sweep, paths, states, step, options);
            var pending = Enumerable.Range(0, count).Where(k => solvable[k]).ToList();
            var iterations = new int[count];
            while (pending.Count > 0)
            {
                SolveStep(backend, sweep, paths, states, keep, pending, step, options, iterations, result, cancellationToken);
                // A cancelled step keeps the iterates its solve returned (status Cancelled): no KKT re-solve.
                if (!options.Screening || cancellationToken.IsCancellationRequested)
                    break;
                pending = KktViolators(sweep, paths, states, keep, pending, step, options);
                result.KktResolves += pending.Count;
            }
            for (int k = 0; k < count; k++)
            {
                int at = result.Index(k, step);
                result.Lambdas[at] = paths[k].Lambdas[step];
                if (!solvable[k])
                {
                    (result.Statuses[at], result.DualityGaps[at], result.Objectives[at]) = (ProblemStatus.Invalid, double.NaN, double.NaN);
                    continue;
                }
                result.Iterations[at] = iterations[k];
                states[k].Beta.CopyTo(result.Coefficients, at * p);
                result.Intercepts[at] = states[k].Intercept;
            }
            if (!cancellationToken.IsCancellationRequested)
                finished.Finished(count);
        }
        return result;
    }

    private static void Validate<T>(IReadOnlyList<ReadOnlyMemory<T>> designs, int features,
        IReadOnlyList<PathSpec<T>> paths, PathOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        options.Solver.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (paths.Count == 0)
            throw new ArgumentException("no paths to solve", nameof(paths));
        if (designs.Count == 0)
            throw new ArgumentException("no designs", nameof(designs));
        if (options.PenaltyFactors is { } w && w.Length != features)
            throw new ArgumentException($"{w.Length} penalty factors for p = {features} features", nameof(options));
        int steps = paths[0].Lambdas.Length;
        if (steps == 0)
            throw new ArgumentException("path 0 has no λ values", nameof(paths));
        for (int k = 0; k < paths.Count; k++)
        {
            if (paths[k].Lambdas.Length != steps)
                throw new ArgumentException($"path {k} has {paths[k].Lambdas.Length} λ values, path 0 has {steps}: paths advance together", nameof(paths));
            if (paths[k].Design < 0 || paths[k].Design >= designs.Count)
                throw new ArgumentException($"path {k} names design {paths[k].Design} of {designs.Count}", nameof(paths));
            if (paths[k].Response.Length * features != designs[paths[k].Design].Length)
                throw new ArgumentException($"path {k}: y has {paths[k].Response.Length} values, its design {designs[paths[k].Design].Length / features} rows", nameof(paths));
        }
    }

    /// <summary>
    /// Per design, the features its step solves: all of them without screening, else the union of its paths'
    /// strong sets (never empty, so the reduced design always has a column).
    /// </summary>
    private static bool[][] StrongSets<T>(SweepDesign<T>[] sweep, IReadOnlyList<PathSpec<T>> paths,
        PathState[] states, int step, PathOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = sweep[0].Features;
        var keep = sweep.Select(_ => new bool[p]).ToArray();
        if (!options.Screening)
        {
            foreach (var mask in keep)
                Array.Fill(mask, true);
            return keep;
        }
        for (int k = 0; k < paths.Count; k++)
        {
            var state = states[k];
            StrongRules.MarkStrong<ElasticNet<double>>(state.NegativeGradient, state.Beta, paths[k].Lambdas[step], state.PreviousLambda,
                paths[k].L1Ratio, options.PenaltyFactors, keep[paths[k].Design]);
        }
        for (int d = 0; d < sweep.Length; d++)
            if (!keep[d].Contains(true))
            {
                // The largest |cⱼ| among the design's paths: the first feature to enter.
                int best = 0;
                double largest = -1;
                for (int k = 0; k < paths.Count; k++)
                    if (paths[k].Design == d)
                        for (int j = 0; j < p; j++)
                            if (Math.Abs(states[k].NegativeGradient[j]) > largest)
                                (best, largest) = (j, Math.Abs(states[k].NegativeGradient[j]));
                keep[d][best] = true;
            }
        return keep;
    }

    /// <summary>Solves the <paramref name="pending"/> paths' step as one batch on each design's kept columns.</summary>
    private static void SolveStep<T>(ISolverBackend backend, SweepDesign<T>[] sweep, IReadOnlyList<PathSpec<T>> paths,
        PathState[] states, bool[][] keep, List<int> pending, int step, PathOptions options, int[] iterations,
        PathResult result, CancellationToken cancellationToken) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = sweep[0].Features;
        // A batch has one p, so every design of the step is cut to the union of their kept columns.
        var designsInStep = pending.Select(k => paths[k].Design).Distinct().ToArray();
        int[] cols = [.. Enumerable.Range(0, p).Where(j => designsInStep.Any(d => keep[d][j]))];
        var reduced = new ReadOnlyMemory<T>[sweep.Length];
        foreach (int d in designsInStep)
            reduced[d] = cols.Length == p ? sweep[d].Values : sweep[d].Columns(cols);
        var settings = new ProblemSettings[pending.Count];
        for (int e = 0; e < pending.Count; e++)
        {
            var path = paths[pending[e]];
            var beta = states[pending[e]].Beta;
            settings[e] = new ProblemSettings
            {
                Lambda = path.Lambdas[step],
                L1Ratio = path.L1Ratio,
                FitIntercept = options.FitIntercept,
                Standardize = options.Standardize,
                Positive = options.Positive,
                PenaltyFactors = options.PenaltyFactors is { } w ? [.. cols.Select(j => w[j])] : null,
                WarmStart = [.. cols.Select(j => beta[j])],
            };
        }
        var responses = pending.Select(k => paths[k].Response).ToArray();
        var batch = designsInStep.Length == 1
            ? ProblemBatch<T>.WithSharedDesign(reduced[designsInStep[0]], cols.Length, responses, settings)
            : ProblemBatch<T>.WithDesignPerProblem([.. pending.Select(k => reduced[paths[k].Design])], cols.Length, responses, settings);
        var solved = backend.Solve(batch, options.Solver, null, cancellationToken);
        result.BatchSolves++;
        for (int e = 0; e < pending.Count; e++)
        {
            int k = pending[e];
            var problem = solved.Problems[e];
            var state = states[k];
            Array.Clear(state.Beta);
            for (int c = 0; c < cols.Length; c++)
                state.Beta[cols[c]] = problem.Coefficients[c];
            state.Intercept = problem.Intercept;
            iterations[k] += problem.Iterations;
            result.FeatureIterations += (long)problem.Iterations * cols.Length;
            int at = result.Index(k, step);
            result.DualityGaps[at] = problem.DualityGap;
            result.Objectives[at] = problem.Objective;
            result.Statuses[at] = problem.Status;
        }
    }

    /// <summary>
    /// Evaluates each solved path's gradient on its full design (kept for the next step's strong rule) and
    /// returns the paths whose left-out features violate the KKT condition, their features added to the sets.
    /// </summary>
    private static List<int> KktViolators<T>(SweepDesign<T>[] sweep, IReadOnlyList<PathSpec<T>> paths,
        PathState[] states, bool[][] keep, List<int> pending, int step, PathOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Parallel.ForEach(pending, k =>
        {
            var state = states[k];
            sweep[paths[k].Design].NegativeGradient(paths[k].Response.Span, state.Beta, state.NegativeGradient);
            state.PreviousLambda = paths[k].Lambdas[step];
        });
        var violators = new List<int>();
        foreach (int k in pending)
            if (StrongRules.AddViolators<ElasticNet<double>>(states[k].NegativeGradient, paths[k].Lambdas[step], paths[k].L1Ratio,
                    options.PenaltyFactors, keep[paths[k].Design]))
                violators.Add(k);
        // A feature added for one path also widens the design of the other paths on that design; those
        // already passed the check, so their solutions stand (the new column would stay at zero).
        return violators;
    }

    /// <summary>The running solution of one path: β and b₀ at the last step, and its scaled gradient for the strong rule.</summary>
    private sealed class PathState
    {
        public PathState(int features) => (Beta, NegativeGradient) = (new double[features], new double[features]);

        /// <summary>Raw-scale coefficients at the last solved step (zero before the first).</summary>
        public double[] Beta { get; }

        public double Intercept { get; set; }

        /// <summary>cⱼ = x̃ⱼᵀr/n at <see cref="Beta"/>.</summary>
        public double[] NegativeGradient { get; }

        /// <summary>The λ at which <see cref="NegativeGradient"/> was evaluated (λ_max before the first step).</summary>
        public double PreviousLambda { get; set; }
    }
}
