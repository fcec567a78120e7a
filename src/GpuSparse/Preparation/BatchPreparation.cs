using System.Numerics;
using System.Collections.Concurrent;
using GpuSparse.Model;
using GpuSparse.Solvers;

namespace GpuSparse.Preparation;

/// <summary>
/// A range of a batch after validation and preparation: each valid problem as a <see cref="PreparedProblem{T}"/>,
/// each invalid one as its <see cref="ValidationFailure"/>. Entry i is problem <see cref="Start"/> + i of the batch.
/// </summary>
internal sealed class PreparedBatch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public PreparedBatch(PreparedProblem<T>?[] problems, ValidationFailure?[] failures, int start = 0)
    {
        Problems = problems;
        Failures = failures;
        Start = start;
    }

    /// <summary>Prepared problems by index in the range; null where the problem is invalid.</summary>
    public PreparedProblem<T>?[] Problems { get; }

    /// <summary>Validation failures by index in the range; null where the problem is valid.</summary>
    public ValidationFailure?[] Failures { get; }

    /// <summary>The batch index of the first problem of the range (0 for a whole batch).</summary>
    public int Start { get; }

    public int Count => Problems.Length;

    /// <summary>The result reported for the invalid problem at index i of the range.</summary>
    public ProblemResult InvalidResult(int i, int features)
    {
        var failure = Failures[i]!.Value;
        return new ProblemResult
        {
            Coefficients = new double[features],
            Status = ProblemStatus.Invalid,
            Field = failure.Field,
            Message = ProblemValidationException.Describe(Start + i, failure.Field, failure.Reason),
            DualityGap = double.NaN,
            Objective = double.NaN,
        };
    }
}

/// <summary>
/// What the preparation of successive ranges of one batch shares: the validator (design checks made once)
/// and the prepared designs. A design is prepared once per variant that changes the working matrix: its
/// index, the intercept, standardization and the set of unpenalised features; problems of a sweep share one.
/// </summary>
internal sealed class PreparationCache<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public PreparationCache(ProblemBatch<T> batch)
    {
        Batch = batch;
        Validator = new ProblemValidator<T>(batch);
    }

    public ProblemBatch<T> Batch { get; }

    public ProblemValidator<T> Validator { get; }

    public ConcurrentDictionary<DesignKey, Lazy<PreparedDesign<T>>> Designs { get; } = new();

    /// <summary>
    /// Called before each range: a design of its own belongs to one problem, so with one design per problem
    /// the designs of earlier ranges are dropped and memory stays bounded by the range.
    /// </summary>
    public void BeginRange()
    {
        if (Batch.Layout == BatchLayout.DesignPerProblem)
            Designs.Clear();
    }
}

/// <summary>Identifies a prepared design variant (see <see cref="PreparationCache{T}"/>).</summary>
internal readonly record struct DesignKey(int Design, bool FitIntercept, bool Standardize, string Unpenalised);

/// <summary>
/// Validation, centring, standardization, penalty weights and step sizes: the part of a solve that is
/// the same whatever the backend, so that every backend iterates on identical numbers.
/// </summary>
internal static class BatchPreparation
{
    private const double DoubleRoundOff = 2.220446049250313e-16;

    /// <summary>Validates and prepares every problem of the batch.</summary>
    public static PreparedBatch<T> Prepare<T>(ProblemBatch<T> batch, SolverOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Prepare(new PreparationCache<T>(batch), options, 0, batch.Count);
    }

    /// <summary>
    /// Validates and prepares problems [start, start + count) of the cache's batch, so that a backend can
    /// hold a bounded number of prepared problems at a time. Each problem is prepared exactly as by a
    /// whole-batch <see cref="Prepare{T}(ProblemBatch{T}, SolverOptions)"/>.
    /// </summary>
    public static PreparedBatch<T> Prepare<T>(PreparationCache<T> cache, SolverOptions options, int start, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var batch = cache.Batch;
        var problems = new PreparedProblem<T>?[count];
        var failures = new ValidationFailure?[count];
        cache.BeginRange();
        Parallel.For(0, count, i =>
        {
            int k = start + i;
            failures[i] = cache.Validator.Validate(k);
            if (failures[i] is not null)
                return;
            var settings = batch.Settings(k);
            var unpenalised = Unpenalised(settings, batch.Features);
            var key = new DesignKey(batch.DesignIndex(k), settings.FitIntercept, settings.Standardize,
                unpenalised is null ? "" : string.Concat(unpenalised.Select(u => u ? '1' : '0')));
            var design = cache.Designs.GetOrAdd(key, _ => new Lazy<PreparedDesign<T>>(() =>
                PrepareDesign(batch.Design(k).Span, batch.Features, settings.FitIntercept, settings.Standardize, unpenalised))).Value;
            problems[i] = PrepareProblem(batch, k, design, options.Tolerance);
        });
        return new PreparedBatch<T>(problems, failures, start);
    }

    /// <summary>
    /// The features profiled out by <see cref="UnpenalisedProjection"/> (λ·wⱼ = 0), or null when every feature
    /// is penalised. With positivity they stay in the iteration, where βⱼ ≥ 0 must be enforced.
    /// </summary>
    private static bool[]? Unpenalised(ProblemSettings settings, int p)
    {
        if (settings.Positive)
            return null;
        var mask = new bool[p];
        for (int j = 0; j < p; j++)
            mask[j] = settings.Lambda * (settings.PenaltyFactors?[j] ?? 1.0) == 0;
        return mask.Any(u => u) ? mask : null;
    }

    /// <summary>
    /// Centres (with an intercept) and scales (with standardize) the columns of a row-major design, and
    /// profiles out the <paramref name="unpenalised"/> columns (see <see cref="UnpenalisedProjection"/>).
    /// </summary>
    public static PreparedDesign<T> PrepareDesign<T>(ReadOnlySpan<T> x, int p, bool fitIntercept, bool standardize,
        bool[]? unpenalised = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length / p;
        var means = new double[p];
        var scales = new double[p];
        var active = new bool[p];
        var maxAbs = new double[p];
        var work = new double[n * p];
        if (fitIntercept)
        {
            for (int i = 0; i < n; i++)
                for (int j = 0; j < p; j++)
                    means[j] += double.CreateTruncating(x[i * p + j]);
            for (int j = 0; j < p; j++)
                means[j] /= n;
        }
        // sⱼ² = mean((xⱼ − x̄ⱼ)²), glmnet's 1/n variance; max|xⱼ| decides which columns are constant.
        for (int i = 0; i < n; i++)
            for (int j = 0; j < p; j++)
            {
                double raw = double.CreateTruncating(x[i * p + j]);
                double c = raw - means[j];
                scales[j] += c * c;
                maxAbs[j] = Math.Max(maxAbs[j], Math.Abs(raw));
            }
        // The mean of n equal values is off by up to ~n rounding errors, so a column whose spread is
        // within that of its magnitude is constant: it becomes exactly zero and its coefficient stays 0.
        double constantThreshold = 4.0 * n * DoubleRoundOff;
        for (int j = 0; j < p; j++)
        {
            double spread = Math.Sqrt(scales[j] / n);
            active[j] = spread > constantThreshold * maxAbs[j];
            scales[j] = standardize && active[j] ? spread : 1.0;
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < p; j++)
                work[i * p + j] = active[j] ? (double.CreateTruncating(x[i * p + j]) - means[j]) / scales[j] : 0.0;
        var projection = unpenalised is null
            ? null
            : UnpenalisedProjection.ProjectOut(work, n, p, [.. unpenalised.Select((u, j) => u && active[j])]);
        var values = new T[n * p];
        for (int e = 0; e < values.Length; e++)
            values[e] = T.CreateTruncating(work[e]);
        double lipschitz = SpectralNorm.LargestEigenvalue<T>(values, n, p);
        return new PreparedDesign<T>(values, n, p, means, scales, active, lipschitz, projection);
    }

    private static PreparedProblem<T> PrepareProblem<T>(ProblemBatch<T> batch, int k, PreparedDesign<T> design, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var settings = batch.Settings(k);
        int p = batch.Features;
        var y = batch.Response(k).Span;
        double mean = 0;
        if (settings.FitIntercept)
        {
            foreach (var v in y)
                mean += double.CreateTruncating(v);
            mean /= y.Length;
        }
        var centred = new double[y.Length];
        double nullLoss = 0;
        for (int i = 0; i < y.Length; i++)
        {
            centred[i] = double.CreateTruncating(y[i]) - mean;
            nullLoss += centred[i] * centred[i];
        }
        var basisDotResponse = design.Projection?.ProjectResponse(centred) ?? [];
        var response = new T[y.Length];
        for (int i = 0; i < y.Length; i++)
            response[i] = T.CreateTruncating(centred[i]);
        bool[] profiled = new bool[p];
        foreach (int j in design.Projection?.Columns ?? [])
            profiled[j] = true;
        var l1 = new T[p];
        var l2 = new T[p];
        var initial = new T[p];
        for (int j = 0; j < p; j++)
        {
            double w = settings.PenaltyFactors?[j] ?? 1.0;
            l1[j] = T.CreateTruncating(settings.Lambda * settings.L1Ratio * w);
            l2[j] = T.CreateTruncating(settings.Lambda * (1 - settings.L1Ratio) * w);
            // Warm starts are on the raw scale; the working coefficient is sⱼ·βⱼ.
            double start = settings.WarmStart?[j] ?? 0.0;
            if (settings.Positive)
                start = Math.Max(start, 0);
            initial[j] = design.ActiveColumns[j] && !profiled[j] ? T.CreateTruncating(start * design.ColumnScales[j]) : T.Zero;
        }
        return new PreparedProblem<T>(k, design, response, mean, l1, l2, settings.Positive, initial,
            0.5 * nullLoss / y.Length, tolerance * nullLoss / y.Length, settings.FitIntercept, basisDotResponse);
    }
}
