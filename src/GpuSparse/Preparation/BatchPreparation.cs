using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GpuSparse.Backends;
using GpuSparse.Model;

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
    public ProblemResult InvalidResult(int i, int features) => InvalidResult(Start + i, features, Failures[i]!.Value);

    /// <summary>The result reported for problem k of a batch that failed validation with <paramref name="failure"/>.</summary>
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
        // Per-problem designs that are the same memory (folds of a sweep shared by several targets) are one design.
        var firstUse = new Dictionary<ReadOnlyMemory<T>, int>();
        DesignOf = new int[batch.Count];
        _users = new int[batch.Count];
        for (int k = 0; k < batch.Count; k++)
        {
            DesignOf[k] = firstUse.TryAdd(batch.Design(k), batch.DesignIndex(k)) ? batch.DesignIndex(k) : firstUse[batch.Design(k)];
            _users[DesignOf[k]]++;
        }
    }

    // How many problems use each design (indexed by DesignOf).
    private readonly int[] _users;

    /// <summary>For each problem, the index of the first problem whose design is the same memory.</summary>
    public int[] DesignOf { get; }

    public ProblemBatch<T> Batch { get; }

    public ProblemValidator<T> Validator { get; }

    public ConcurrentDictionary<DesignKey, Lazy<PreparedDesign<T>>> Designs { get; } = new();

    /// <summary>
    /// Problem k prepared, or why it is invalid. Thread-safe. A design used by several problems is prepared
    /// once; a design of one problem only is not cached (caching could never hit and would keep it alive).
    /// </summary>
    /// <param name="k">The problem's index in the batch.</param>
    /// <param name="tolerance">The relative gap tolerance of the solve.</param>
    /// <param name="scratch">
    /// Where a design of this problem alone may write its working values (the array it returns for a length),
    /// instead of a new array: for a caller that is done with the prepared problem before it prepares the next
    /// one with the same scratch. Cached (shared) designs always get arrays of their own.
    /// </param>
    public (PreparedProblem<T>? Problem, ValidationFailure? Failure) Prepare(int k, double tolerance,
        Func<int, T[]>? scratch = null)
    {
        var batch = Batch;
        if (Validator.Validate(k) is { } failure)
            return (null, failure);
        var settings = batch.Settings(k);
        var unpenalised = BatchPreparation.Unpenalised(settings, batch.Features);
        PreparedDesign<T> Create(Func<int, T[]>? storage) => BatchPreparation.PrepareDesign(batch.Design(k).Span,
            batch.Features, settings.FitIntercept, settings.Standardize, unpenalised, storage);
        var design = _users[DesignOf[k]] > 1
            ? Designs.GetOrAdd(new DesignKey(DesignOf[k], settings.FitIntercept, settings.Standardize,
                unpenalised is null ? "" : string.Concat(unpenalised.Select(u => u ? '1' : '0'))),
                _ => new Lazy<PreparedDesign<T>>(() => Create(null))).Value
            : Create(scratch);
        return BatchPreparation.PrepareProblem(batch, k, design, tolerance);
    }

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
    // Without standardize, columns whose size is within 2^±32 are solved as given (see PrepareDesign).
    private const int ScaleFreeExponent = 32;

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
        Parallel.For(0, count, i => (problems[i], failures[i]) = cache.Prepare(start + i, options.Tolerance));
        return new PreparedBatch<T>(problems, failures, start);
    }

    /// <summary>
    /// How many problems of <paramref name="batch"/> to prepare at a time so that their working copies stay
    /// within about <paramref name="elementBudget"/> elements, but at least <paramref name="minimum"/> (and at most K).
    /// </summary>
    public static int RangeSize<T>(ProblemBatch<T> batch, long elementBudget, int minimum)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Per problem: its own working design (none when the design is shared; problem 0's size stands for all),
        // its response and p-sized weights.
        long designElements = batch.Layout == BatchLayout.DesignPerProblem ? batch.Design(0).Length : 0;
        long perProblem = designElements + batch.Response(0).Length + 4L * batch.Features;
        return (int)Math.Min(Math.Max(elementBudget / Math.Max(1, perProblem), minimum), batch.Count);
    }

    /// <summary>
    /// The features profiled out by <see cref="UnpenalisedProjection"/> (λ·wⱼ = 0), or null when every feature
    /// is penalised. With positivity they stay in the iteration, where βⱼ ≥ 0 must be enforced.
    /// </summary>
    internal static bool[]? Unpenalised(ProblemSettings settings, int p)
    {
        if (settings.Positive)
            return null;
        // The mask is allocated at the first unpenalised feature: most problems have none.
        bool[]? mask = null;
        var factors = GroupLayout.Factors(settings);
        for (int j = 0; j < p; j++)
            if (settings.Lambda * (factors?[j] ?? 1.0) == 0)
                (mask ??= new bool[p])[j] = true;
        return mask;
    }

    /// <summary>
    /// Centres (with an intercept) and scales the columns of a row-major design, and profiles out the
    /// <paramref name="unpenalised"/> columns (see <see cref="UnpenalisedProjection"/>). With standardize a column
    /// is divided by its centred 1/n standard deviation (glmnet's, with or without an intercept); without it, a
    /// column whose own size is outside [2⁻³², 2³²] is divided by the power of two nearest that size, an exact
    /// change of variables that <see cref="PenaltyWeights{T}"/> compensates, so that no scale of X underflows or
    /// overflows the iteration. The working values go to <paramref name="storage"/>'s array for length n·p when
    /// given (see <see cref="PreparationCache{T}.Prepare"/>), else to a new one.
    /// </summary>
    /// <remarks>
    /// A column is dropped (coefficient 0) only when that changes nothing: with an intercept when all its values
    /// are equal (its centred column is exactly zero), without one when they are all zero. Without an intercept a
    /// constant nonzero column has standard deviation 0 and cannot be standardized: with standardize the design
    /// gets a <see cref="PreparedDesign{T}.Fault"/> and its problems are refused.
    /// </remarks>
    public static PreparedDesign<T> PrepareDesign<T>(ReadOnlySpan<T> x, int p, bool fitIntercept, bool standardize,
        bool[]? unpenalised = null, Func<int, T[]>? storage = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length / p;
        var stats = ColumnStatistics.Of(x, p);
        // The two-part means (zero without an intercept); the statistics' own arrays are taken over.
        var means = fitIntercept ? stats.Mean : new double[p];
        var corrections = fitIntercept ? stats.MeanCorrection : new double[p];
        var scales = new double[p];
        var penaltyExponents = new int[p];
        bool unitScales = true;
        var active = new bool[p];
        int faultColumn = stats.MarkIterated(fitIntercept, standardize, active);
        ValidationFailure? fault = faultColumn < 0 ? null : new ValidationFailure("X", stats.StandardizeFault(faultColumn));
        for (int j = 0; j < p; j++)
        {
            double size = stats.Size(j, fitIntercept);
            scales[j] = !active[j] ? 1.0
                : standardize ? stats.Deviation[j]
                : Math.Abs(Math.ILogB(size)) > ScaleFreeExponent ? Math.ScaleB(1.0, Math.ILogB(size)) : 1.0;
            // Without standardize the problem is posed on the raw scale: βⱼ = β̃ⱼ/sⱼ puts 1/sⱼ on the penalty.
            penaltyExponents[j] = standardize ? 0 : -Math.ILogB(scales[j]);
            unitScales &= scales[j] == 1.0;
        }
        var values = storage?.Invoke(n * p) ?? new T[n * p];
        var activeLanes = new long[p];
        for (int j = 0; j < p; j++)
            activeLanes[j] = active[j] ? -1 : 0;
        // Row i in float64 (a float32 row is widened into this buffer).
        var widened = typeof(T) == typeof(double) ? [] : new double[p];
        // ((xᵢⱼ − m̂ⱼ) − δⱼ)/sⱼ (the exact division by sⱼ = 1 skipped when every column has it), 0 on inactive columns.
        ReadOnlySpan<double> divisors = unitScales ? [] : scales;
        // Rows are written in float64 straight into a float64 design, else into a row buffer rounded to T; with
        // unpenalised columns into a float64 working design, which the projection needs before rounding.
        var work = unpenalised is null ? null : new double[n * p];
        var rowOut = work is null && typeof(T) != typeof(double) ? new double[p] : [];
        for (int i = 0; i < n; i++)
        {
            var output = work is not null ? work.AsSpan(i * p, p)
                : typeof(T) == typeof(double) ? MemoryMarshal.Cast<T, double>(values.AsSpan(i * p, p))
                : rowOut;
            ColumnKernels.Working(ColumnKernels.Row(x, i, p, widened), means, corrections, divisors, activeLanes, output);
            for (int j = 0; j < rowOut.Length; j++)
                values[i * p + j] = T.CreateTruncating(rowOut[j]);
        }
        UnpenalisedProjection? projection = null;
        if (work is not null)
        {
            projection = UnpenalisedProjection.ProjectOut(work, n, p, [.. unpenalised!.Select((u, j) => u && active[j])]);
            for (int e = 0; e < values.Length; e++)
                values[e] = T.CreateTruncating(work[e]);
        }
        for (int j = 0; j < p; j++)
            means[j] += corrections[j];
        var lipschitz = new Lazy<double>(() => SpectralNorm.LargestEigenvalue<T>(values, n, p));
        return new PreparedDesign<T>(values, n, p, means, scales, active, lipschitz, projection)
        {
            PenaltyExponents = penaltyExponents,
            Fault = fault,
        };
    }

    /// <summary>
    /// Problem k on its prepared design, or why it cannot be solved as posed. The response is centred (with
    /// an intercept, by the two-part mean of <see cref="CentreResponse{T, TOut}"/>) and scaled by a power of two
    /// 2^e (<see cref="PreparedProblem{T}.ResponseExponent"/>) when its size or the penalty would otherwise leave
    /// the range where the iteration and its certificate are exact to rounding; results are scaled back.
    /// </summary>
    internal static (PreparedProblem<T>? Problem, ValidationFailure? Failure) PrepareProblem<T>(ProblemBatch<T> batch, int k,
        PreparedDesign<T> design, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (design.Fault is { } fault)
            return (null, fault);
        var settings = batch.Settings(k);
        if (settings.Groups is { } groups && GroupLayout.CheckScales(groups, design.PenaltyExponents) is { } groupFault)
            return (null, groupFault);
        int p = batch.Features;
        var y = batch.Response(k).Span;
        var response = new T[y.Length];
        // y_c in float64: a float64 response is its own buffer, a float32 one is rounded from this one at the end.
        var centred = typeof(T) == typeof(double) ? (double[])(object)response : new double[y.Length];
        var scales = CentreResponse(y, settings.FitIntercept, tolerance, centred.AsSpan());
        var (exponent, failure) = ResponseExponent<T>(design, settings, scales, y.Length);
        if (failure is not null)
            return (null, failure);
        if (exponent != 0)
        {
            for (int i = 0; i < centred.Length; i++)
                centred[i] = Math.ScaleB(centred[i], exponent);
            scales = scales with
            {
                NullObjective = Math.ScaleB(scales.NullObjective, 2 * exponent),
                GapTolerance = Math.ScaleB(scales.GapTolerance, 2 * exponent),
            };
        }
        // The projection works in float64 on y_c, which is rounded to T afterwards.
        double[] basisDotResponse = design.Projection?.ProjectResponse(centred) ?? [];
        if (!ReferenceEquals(centred, response))
            for (int i = 0; i < y.Length; i++)
                response[i] = T.CreateTruncating(centred[i]);
        var l1 = new T[p];
        var l2 = new T[p];
        var initial = new T[p];
        PenaltyWeights(design, settings.Lambda, settings.L1Ratio, GroupLayout.Factors(settings), l1, l2, exponent);
        WorkingStart(design, settings.WarmStart, settings.Positive, initial, exponent);
        return (new PreparedProblem<T>(k, design, response, scales.Mean, l1, l2, settings.Positive, initial,
            scales.NullObjective, scales.GapTolerance, settings.FitIntercept, basisDotResponse)
        {
            ResponseExponent = exponent,
            BlockEnds = settings.Groups is { } labels ? GroupLayout.BlockEnds(labels) : null,
        }, null);
    }

    // 2⁻¹⁰⁰⁰: below it the objective and its gap tolerance (tol times smaller) could not be reported in normal float64.
    private const double MinimumNullObjective = 9.332636185032189e-302;

    // The working problem keeps n·l1ⱼ, n·l2ⱼ and its response below 2^Limit (and the response above 2^−Limit).
    private static int RangeLimit<T>() => typeof(T) == typeof(float) ? 96 : 960;

    /// <summary>
    /// The fault of a response whose null objective ½‖y − ȳ‖²/n (<paramref name="nullObjective"/>) is outside the
    /// normal float64 range (the objective and its gap could not be reported), or null.
    /// </summary>
    /// <remarks>Inlined: a response in range, the common case of a resident call's staging, costs two comparisons.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ValidationFailure? ObjectiveRangeFailure(double nullObjective) =>
        double.IsInfinity(nullObjective) || (nullObjective > 0 && nullObjective < MinimumNullObjective) ? ObjectiveOutOfRange(nullObjective) : null;

    private static ValidationFailure ObjectiveOutOfRange(double nullObjective) =>
        double.IsInfinity(nullObjective)
            ? new ValidationFailure("y", "has ½‖y − ȳ‖²/n beyond the float64 range: the objective cannot be reported; rescale y")
            : new ValidationFailure("y", $"has ½‖y − ȳ‖²/n = {nullObjective:G3}, below the float64 range in which the objective and its gap can be reported: rescale y");

    /// <summary>
    /// The exponent e of the response scale 2^e: 0 when ‖y_c‖/√n lies in [2⁻³², 2³²] and the penalty weights fit,
    /// else the power of two that brings y_c to unit size, lowered further when λ is so large that n·l1ⱼ would
    /// overflow (l1ⱼ scales with 2^e). Fails when no e keeps both the response and the penalty in range, or when
    /// the objective itself is outside the float64 range (it could not be reported).
    /// </summary>
    private static (int Exponent, ValidationFailure? Failure) ResponseExponent<T>(PreparedDesign<T> design, ProblemSettings settings,
        ResponseScales scales, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int limit = RangeLimit<T>();
        double nullObjective = scales.NullObjective;
        if (ObjectiveRangeFailure(nullObjective) is { } range)
            return (0, range);
        // log₂ of bounds on the largest n·l1ⱼ and n·l2ⱼ at e = 0, from the largest wⱼ and tⱼ (sums of logarithms:
        // the products themselves may overflow).
        double log2Factor = Math.Log2(settings.Lambda) + Math.Log2(GroupLayout.Factors(settings)?.Max() ?? 1.0) + Math.Log2(n);
        double log2L1 = log2Factor + Math.Log2(settings.L1Ratio) + design.MaxPenaltyExponent;
        double log2L2 = log2Factor + Math.Log2(1 - settings.L1Ratio) + 2 * design.MaxPenaltyExponent;
        if (log2L2 > limit)
            return (0, new ValidationFailure("lambda", $"λ·(1 − r) = {settings.Lambda * (1 - settings.L1Ratio):G6} is too large: n·λ·(1 − r)·wⱼ " +
                $"on the working scale of X exceeds 2^{limit}; the coefficients it allows are 0 to within float64 rounding"));
        // ‖y_c‖/√n = √(2·null objective)
        double log2Size = nullObjective > 0 ? 0.5 * Math.Log2(2 * nullObjective) : 0;
        int exponent = nullObjective > 0 && Math.Abs(log2Size) > ScaleFreeExponent ? -(int)Math.Round(log2Size) : 0;
        if (log2L1 + exponent > limit)
            exponent -= (int)Math.Ceiling(log2L1 + exponent - limit);
        if (nullObjective > 0 && log2Size + exponent < -limit / 2)
            return (0, new ValidationFailure("lambda", $"is {settings.Lambda:G6}: n·λ·r·wⱼ on the working scale of X and y exceeds 2^{limit} " +
                "for every scale of y that float64 can hold; every λ ≥ λ_max gives β = 0"));
        return (exponent, null);
    }

    /// <summary>
    /// Writes y − ȳ (y itself without an intercept), rounded to <typeparamref name="TOut"/>, into
    /// <paramref name="centred"/> and returns ȳ and the scales of the stopping rule, ½‖y_c‖²/n and the gap
    /// tolerance tol·‖y_c‖²/n (both from the float64 y − ȳ, whatever TOut). ȳ is taken in two parts (the rounded
    /// mean, then the mean of the deviations from it), so that a large offset leaves y − ȳ exact to rounding.
    /// </summary>
    public static ResponseScales CentreResponse<T, TOut>(ReadOnlySpan<T> y, bool fitIntercept, double tolerance, Span<TOut> centred)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOut : unmanaged, IFloatingPointIeee754<TOut>
    {
        var (mean, correction) = fitIntercept ? TwoPartMean(y) : (0, 0);
        double nullLoss = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double c = (double.CreateTruncating(y[i]) - mean) - correction;
            centred[i] = TOut.CreateTruncating(c);
            nullLoss += c * c;
        }
        return Scales(mean, correction, nullLoss, y.Length, tolerance);
    }

    /// <summary>The scales <see cref="CentreResponse{T, TOut}"/> returns, from its two-part mean m̂ and δ, ‖y_c‖² and n.</summary>
    public static ResponseScales Scales(double mean, double correction, double nullLoss, int n, double tolerance) =>
        new(mean + correction, 0.5 * nullLoss / n, tolerance * nullLoss / n);

    /// <summary>
    /// The mean of <paramref name="values"/> in two parts: m̂ = fl(Σv/n) and δ = Σ(v − m̂)/n, so that (v − m̂) − δ is
    /// v − v̄ to rounding even under an offset many orders above the spread (the corrected two-pass algorithm).
    /// </summary>
    public static (double Mean, double Correction) TwoPartMean<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double mean = 0, correction = 0;
        foreach (var v in values)
            mean += double.CreateTruncating(v);
        mean /= values.Length;
        foreach (var v in values)
            correction += double.CreateTruncating(v) - mean;
        return (mean, correction / values.Length);
    }

    /// <summary>
    /// The per-coordinate weights on the working scale of <paramref name="design"/>: l1ⱼ = λ·r·wⱼ·tⱼ·2^e and
    /// l2ⱼ = λ·(1 − r)·wⱼ·tⱼ² (wⱼ = 1 without factors, tⱼ = 2^kⱼ from the design's <see cref="PreparedDesign{T}.PenaltyExponents"/>,
    /// 2^e the response scale).
    /// </summary>
    public static void PenaltyWeights<T>(PreparedDesign<T> design, double lambda, double l1Ratio, double[]? factors,
        Span<T> l1, Span<T> l2, int responseExponent = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j = 0; j < l1.Length; j++)
        {
            double w = factors?[j] ?? 1.0;
            // tⱼ and 2^e are powers of two, applied last and exactly: a product of the factors first could overflow.
            int t = design.PenaltyExponents?[j] ?? 0;
            double weight1 = lambda * l1Ratio * w, weight2 = lambda * (1 - l1Ratio) * w;
            l1[j] = T.CreateTruncating(t + responseExponent == 0 ? weight1 : Math.ScaleB(weight1, t + responseExponent));
            l2[j] = T.CreateTruncating(t == 0 ? weight2 : Math.ScaleB(weight2, 2 * t));
        }
    }

    /// <summary>
    /// The working-scale start 2^e·sⱼ·βⱼ of a raw-scale warm start (zeros when <paramref name="start"/> is empty),
    /// clipped at 0 with positivity, and 0 on the columns that are not iterated (2^e the response scale).
    /// </summary>
    public static void WorkingStart<T>(PreparedDesign<T> design, ReadOnlySpan<double> start, bool positive, Span<T> initial,
        int responseExponent = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j = 0; j < initial.Length; j++)
        {
            double value = start.IsEmpty ? 0.0 : start[j];
            if (positive)
                value = Math.Max(value, 0);
            value *= design.ColumnScales[j];
            initial[j] = design.IteratedColumns[j] ? T.CreateTruncating(responseExponent == 0 ? value : Math.ScaleB(value, responseExponent)) : T.Zero;
        }
    }
}

/// <summary>ȳ and the stopping-rule scales of one response: ½‖y_c‖²/n and tol·‖y_c‖²/n.</summary>
internal readonly record struct ResponseScales(double Mean, double NullObjective, double GapTolerance);
