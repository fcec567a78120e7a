using System.Numerics;
using System.Collections.Concurrent;
using GpuSparse.Model;
using GpuSparse.Solvers;

namespace GpuSparse.Preparation;

/// <summary>
/// A batch after validation and preparation: each valid problem as a <see cref="PreparedProblem{T}"/>,
/// each invalid one as its <see cref="ValidationFailure"/>.
/// </summary>
internal sealed class PreparedBatch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public PreparedBatch(PreparedProblem<T>?[] problems, ValidationFailure?[] failures)
    {
        Problems = problems;
        Failures = failures;
    }

    /// <summary>Prepared problems by batch index; null where the problem is invalid.</summary>
    public PreparedProblem<T>?[] Problems { get; }

    /// <summary>Validation failures by batch index; null where the problem is valid.</summary>
    public ValidationFailure?[] Failures { get; }

    public int Count => Problems.Length;

    /// <summary>The result reported for an invalid problem k.</summary>
    public ProblemResult InvalidResult(int k, int features) => InvalidResult(k, features, Failures[k]!.Value);

    /// <summary>The result reported for problem k that failed validation with <paramref name="failure"/>.</summary>
    public static ProblemResult InvalidResult(int k, int features, ValidationFailure failure) =>
        new ProblemResult
        {
            Coefficients = new double[features],
            Status = ProblemStatus.Invalid,
            Field = failure.Field,
            Message = ProblemValidationException.Describe(k, failure.Field, failure.Reason),
            DualityGap = double.NaN,
            Objective = double.NaN,
        };
}

/// <summary>
/// Validation, centring, standardization, penalty weights and step sizes: the part of a solve that is
/// the same whatever the backend, so that every backend iterates on identical numbers.
/// </summary>
internal static class BatchPreparation
{
    private const double DoubleRoundOff = 2.220446049250313e-16;

    public static PreparedBatch<T> Prepare<T>(ProblemBatch<T> batch, SolverOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var preparer = new ProblemPreparer<T>(batch, options);
        int count = batch.Count;
        var problems = new PreparedProblem<T>?[count];
        var failures = new ValidationFailure?[count];
        Parallel.For(0, count, k => (problems[k], failures[k]) = preparer.Prepare(k));
        return new PreparedBatch<T>(problems, failures);
    }

    /// <summary>
    /// Prepares the problems of a batch one at a time, for backends that solve each problem as soon as it is
    /// prepared (its working copy of X then dies young instead of the whole batch's being held). Thread-safe.
    /// </summary>
    internal sealed class ProblemPreparer<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ProblemBatch<T> _batch;
        private readonly SolverOptions _options;
        private readonly ProblemValidator<T> _validator;

        // A shared design is prepared once per variant that changes the working matrix: the intercept,
        // standardization and the set of unpenalised features. Problems of a sweep share one. (A design of
        // its own belongs to one problem: caching it could never hit and would keep it alive.)
        private readonly ConcurrentDictionary<DesignKey, Lazy<PreparedDesign<T>>> _designs = new();

        public ProblemPreparer(ProblemBatch<T> batch, SolverOptions options)
        {
            options.Validate();
            _batch = batch;
            _options = options;
            _validator = new ProblemValidator<T>(batch);
        }

        /// <summary>Problem k prepared, or why it is invalid.</summary>
        public (PreparedProblem<T>? Problem, ValidationFailure? Failure) Prepare(int k)
        {
            var batch = _batch;
            if (_validator.Validate(k) is { } failure)
                return (null, failure);
            var settings = batch.Settings(k);
            var unpenalised = Unpenalised(settings, batch.Features);
            PreparedDesign<T> Create() =>
                PrepareDesign(batch.Design(k).Span, batch.Features, settings.FitIntercept, settings.Standardize, unpenalised);
            var design = batch.Layout == BatchLayout.SharedDesign
                ? _designs.GetOrAdd(new DesignKey(settings.FitIntercept, settings.Standardize,
                    unpenalised is null ? "" : string.Concat(unpenalised.Select(u => u ? '1' : '0'))),
                    _ => new Lazy<PreparedDesign<T>>(Create)).Value
                : Create();
            return (PrepareProblem(batch, k, design, _options.Tolerance), null);
        }
    }

    private readonly record struct DesignKey(bool FitIntercept, bool Standardize, string Unpenalised);

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
        var lipschitz = new Lazy<double>(() => SpectralNorm.LargestEigenvalue<T>(values, n, p));
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
