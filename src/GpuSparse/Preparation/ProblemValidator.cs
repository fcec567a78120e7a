using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GpuSparse.Model;

namespace GpuSparse.Preparation;

/// <summary>What is wrong with one problem: the field and the reason.</summary>
internal readonly record struct ValidationFailure(string Field, string Reason);

/// <summary>
/// Checks each problem's own input before any work, so that one bad problem is reported precisely and
/// skipped while the others are solved. Design checks are made once per distinct design.
/// </summary>
internal sealed class ProblemValidator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ProblemBatch<T> _batch;
    private readonly ValidationFailure?[] _designFailures;
    private readonly bool[] _designChecked;

    public ProblemValidator(ProblemBatch<T> batch)
    {
        _batch = batch;
        _designFailures = new ValidationFailure?[batch.DesignCount];
        _designChecked = new bool[batch.DesignCount];
    }

    /// <summary>The first fault of problem k, or null when it can be solved. Thread-safe.</summary>
    public ValidationFailure? Validate(int k)
    {
        int p = _batch.Features;
        var design = _batch.Design(k);
        var settings = _batch.Settings(k);
        if (design.Length % p != 0)
            return new("X", $"holds {design.Length} values, not a multiple of p = {p}");
        int n = design.Length / p;
        if (n == 0)
            return new("X", "has no samples (n = 0)");
        if (CheckDesign(k) is { } designFailure)
            return designFailure;

        if (CheckResponse(_batch.Response(k).Span, n) is { } responseFailure)
            return responseFailure;
        if (CheckPenalty(settings.Lambda, settings.L1Ratio) is { } penaltyFailure)
            return penaltyFailure;

        if (settings.PenaltyFactors is { } w)
        {
            if (w.Length != p)
                return new("penalty_factors", $"has length {w.Length} but p = {p}");
            for (int j = 0; j < w.Length; j++)
            {
                if (!double.IsFinite(w[j]) || w[j] < 0)
                    return new("penalty_factors", $"w[{j}] is {w[j]} (must be finite and ≥ 0)");
                // The solvers use λ·wⱼ in the working precision: it must not overflow there.
                if (!FitsWorkingPrecision(settings.Lambda * w[j]))
                    return new("penalty_factors", $"λ·w[{j}] = {settings.Lambda * w[j]:G6} overflows {Precision} (rescale λ or w)");
            }
        }
        if (GroupLayout.Check(settings, p) is { } groupFailure)
            return groupFailure;
        if (settings.WarmStart is { } start && CheckWarmStart(start, p) is { } startFailure)
            return startFailure;

        bool unpenalised = settings.Lambda == 0 || (GroupLayout.Factors(settings)?.All(v => v == 0) ?? false);
        int effectiveSamples = settings.FitIntercept ? n - 1 : n;
        if (unpenalised && p > effectiveSamples)
            return new(settings.Lambda == 0 ? "lambda" : "penalty_factors",
                $"no penalty with p = {p} features and only {effectiveSamples} degrees of freedom: " +
                "the least-squares solution is not unique; use λ > 0 or penalise some features");
        return null;
    }

    /// <summary>The fault of a response y for a design of n rows (length, finite values, float32 range), or null.</summary>
    public static ValidationFailure? CheckResponse(ReadOnlySpan<T> y, int n)
    {
        if (y.Length != n)
            return new("y", $"has length {y.Length} but X has n = {n} rows");
        if (FirstNonFinite(y) is { } iy)
            return new("y", $"y[{iy}] is {y[iy]} (values must be finite)");
        if (Float32Overflow(y) is { } yOverflow)
            return new("y", yOverflow);
        return null;
    }

    /// <summary>The fault of λ (finite, ≥ 0) or of the L1 ratio (in [0, 1]), or null.</summary>
    /// <remarks>Inlined: a valid pair, the common case of a resident call's staging, costs a few comparisons.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ValidationFailure? CheckPenalty(double lambda, double l1Ratio) =>
        lambda >= 0 && l1Ratio >= 0 && l1Ratio <= 1 && FitsWorkingPrecision(lambda) ? null : PenaltyFailure(lambda, l1Ratio);

    // CheckPenalty's fault, the first in the order of the checks (called only when one of them fails)
    private static ValidationFailure PenaltyFailure(double lambda, double l1Ratio)
    {
        if (!double.IsFinite(lambda))
            return new("lambda", $"is {lambda} (must be finite)");
        if (lambda < 0)
            return new("lambda", $"is {lambda} (must be ≥ 0)");
        if (!(l1Ratio >= 0 && l1Ratio <= 1))
            return new("l1_ratio", $"is {l1Ratio} (must lie in [0, 1])");
        // finite and ≥ 0 but beyond T's range
        return new("lambda", $"is {lambda:G6}, beyond the range of {Precision} (solve in float64 or rescale)");
    }

    /// <summary>The fault of a raw-scale warm start for p features (length, finite values), or null.</summary>
    public static ValidationFailure? CheckWarmStart(ReadOnlySpan<double> start, int p)
    {
        if (start.Length != p)
            return new("warm_start", $"has length {start.Length} but p = {p}");
        for (int j = 0; j < start.Length; j++)
        {
            if (!double.IsFinite(start[j]))
                return new("warm_start", $"β[{j}] is {start[j]} (must be finite)");
            if (!FitsWorkingPrecision(start[j]))
                return new("warm_start", $"β[{j}] is {start[j]:G6}, beyond the range of {Precision}");
        }
        return null;
    }

    /// <summary>The fault of a design's values (finite, float32 range), as X[i, j] of p columns, or null.</summary>
    public static ValidationFailure? CheckDesignValues(ReadOnlySpan<T> x, int p)
    {
        if (FirstNonFinite(x) is { } ix)
            return new("X", $"X[{ix / p}, {ix % p}] is {x[ix]} (values must be finite)");
        if (Float32Overflow(x) is { } overflow)
            return new("X", overflow);
        return null;
    }

    private ValidationFailure? CheckDesign(int k)
    {
        int d = _batch.DesignIndex(k);
        lock (_designChecked)
        {
            if (_designChecked[d])
                return _designFailures[d];
        }
        var failure = CheckDesignValues(_batch.Design(k).Span, _batch.Features);
        lock (_designChecked)
        {
            _designFailures[d] = failure;
            _designChecked[d] = true;
        }
        return failure;
    }

    private static readonly string Precision = typeof(T) == typeof(float) ? "float32" : "float64";

    /// <summary>Whether a finite double stays finite once rounded to T (float32 overflows beyond ~3.4e38).</summary>
    private static bool FitsWorkingPrecision(double value) => double.IsFinite(value) && T.IsFinite(T.CreateTruncating(value));

    private static int? FirstNonFinite(ReadOnlySpan<T> values)
    {
        // v − v is 0 exactly when v is finite (∞ − ∞ and NaN give NaN): whole lanes are checked at once, and
        // the scalar scan below only locates the culprit.
        var lanes = MemoryMarshal.Cast<T, Vector<T>>(values);
        int start = 0;
        while (start < lanes.Length && Vector.EqualsAll(lanes[start] - lanes[start], Vector<T>.Zero))
            start++;
        for (int i = start * Vector<T>.Count; i < values.Length; i++)
            if (!T.IsFinite(values[i]))
                return i;
        return null;
    }

    // In float32, sums of squares of large values overflow to +Inf and poison the iteration.
    private static string? Float32Overflow(ReadOnlySpan<T> values)
    {
        if (typeof(T) != typeof(float))
            return null;
        double max = 0;
        foreach (var v in values)
            max = Math.Max(max, Math.Abs(double.CreateTruncating(v)));
        return OverflowsFloat32(max, values.Length)
            ? $"values up to {max:G4} overflow float32 sums of squares; solve in float64 or rescale"
            : null;
    }

    /// <summary>Whether n values up to <paramref name="max"/> in size overflow float32 sums of squares.</summary>
    public static bool OverflowsFloat32(double max, int n) => max * max * n > float.MaxValue;
}
