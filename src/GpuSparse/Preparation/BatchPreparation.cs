using System.Numerics;
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
    public ProblemResult InvalidResult(int k, int features)
    {
        var failure = Failures[k]!.Value;
        return new ProblemResult
        {
            Coefficients = new double[features],
            Status = ProblemStatus.Invalid,
            Field = failure.Field,
            Message = ProblemValidationException.Describe(k, failure.Field, failure.Reason),
            DualityGap = double.NaN,
            Objective = double.NaN,
        };
    }
}

/// <summary>
/// Validation, centring, standardization, penalty weights and step sizes: the part of a solve that is
/// the same whatever the backend, so that every backend iterates on identical numbers.
/// </summary>
internal static class BatchPreparation
{
    private const double DoubleRoundOff = 2.220446049250313e-16;

    public static PreparedBatch<T> Prepare<T>(ProblemBatch<T> batch, SolverOptions options, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        options.Validate();
        int count = batch.Count;
        var validator = new ProblemValidator<T>(batch);
        var problems = new PreparedProblem<T>?[count];
        var failures = new ValidationFailure?[count];
        // A shared design is prepared once per (intercept, standardize) variant; per-problem designs once each.
        var designs = new Lazy<PreparedDesign<T>>?[batch.DesignCount * 4];
        Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, k =>
        {
            failures[k] = validator.Validate(k);
            if (failures[k] is not null)
                return;
            var settings = batch.Settings(k);
            int slot = batch.DesignIndex(k) * 4 + (settings.FitIntercept ? 2 : 0) + (settings.Standardize ? 1 : 0);
            var lazy = Volatile.Read(ref designs[slot]) ?? CreateLazy(ref designs[slot], batch, k);
            problems[k] = PrepareProblem(batch, k, lazy.Value, options.Tolerance);
        });
        return new PreparedBatch<T>(problems, failures);
    }

    private static Lazy<PreparedDesign<T>> CreateLazy<T>(ref Lazy<PreparedDesign<T>>? slot, ProblemBatch<T> batch, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var settings = batch.Settings(k);
        var design = batch.Design(k);
        var created = new Lazy<PreparedDesign<T>>(() =>
            PrepareDesign(design.Span, batch.Features, settings.FitIntercept, settings.Standardize));
        return Interlocked.CompareExchange(ref slot, created, null) ?? created;
    }

    /// <summary>Centres (with an intercept) and scales (with standardize) the columns of a row-major design.</summary>
    public static PreparedDesign<T> PrepareDesign<T>(ReadOnlySpan<T> x, int p, bool fitIntercept, bool standardize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length / p;
        var means = new double[p];
        var scales = new double[p];
        var active = new bool[p];
        var maxAbs = new double[p];
        var values = new T[n * p];
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
                values[i * p + j] = active[j]
                    ? T.CreateTruncating((double.CreateTruncating(x[i * p + j]) - means[j]) / scales[j])
                    : T.Zero;
        double lipschitz = SpectralNorm.LargestEigenvalue<T>(values, n, p);
        return new PreparedDesign<T>(values, n, p, means, scales, active, lipschitz);
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
        var response = new T[y.Length];
        double nullLoss = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double c = double.CreateTruncating(y[i]) - mean;
            response[i] = T.CreateTruncating(c);
            nullLoss += c * c;
        }
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
            initial[j] = design.ActiveColumns[j] ? T.CreateTruncating(start * design.ColumnScales[j]) : T.Zero;
        }
        return new PreparedProblem<T>(k, design, response, mean, l1, l2, settings.Positive, initial,
            0.5 * nullLoss / y.Length, tolerance * nullLoss / y.Length, settings.FitIntercept);
    }
}
