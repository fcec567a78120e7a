using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace GpuSparse.Preparation;

/// <summary>
/// The column statistics of a row-major n × p design, in float64, that neither an offset nor the scale of a
/// column can spoil: the mean in two parts, <c>x̄ⱼ = m̂ⱼ + δⱼ</c> (m̂ⱼ the rounded mean of the values, δⱼ the mean of
/// the deviations from it: the corrected two-pass algorithm, so that a column 10¹² + 0.1·z keeps its 0.1·z), the
/// centred 1/n standard deviation and the root mean square, accumulated on values rescaled by exact powers of two
/// where they lie beyond 2^±480 (no overflow or underflow at any finite scale), and which columns are constant (all
/// values equal).
/// </summary>
/// <remarks>
/// Whether a column is constant is decided on the values themselves, not by a threshold: a constant column's
/// centred column is exactly zero, so dropping it changes nothing in the problem (its dual constraint
/// x_cⱼᵀθ = 0 holds for every θ), while any column with two different values is kept at its own size.
/// </remarks>
internal sealed class ColumnStatistics
{
    // Values and deviations within 2^±UnscaledExponent are summed as they are (see Compute).
    private const int UnscaledExponent = 480;

    private ColumnStatistics(int features)
    {
        Mean = new double[features];
        MeanCorrection = new double[features];
        Deviation = new double[features];
        RootMeanSquare = new double[features];
        Constant = new bool[features];
        Zero = new bool[features];
    }

    /// <summary>m̂ⱼ = fl(Σᵢxᵢⱼ/n), the first part of the mean.</summary>
    public double[] Mean { get; }

    /// <summary>δⱼ = Σᵢ(xᵢⱼ − m̂ⱼ)/n, the second part: x̄ⱼ = m̂ⱼ + δⱼ, and xᵢⱼ − x̄ⱼ is computed as (xᵢⱼ − m̂ⱼ) − δⱼ.</summary>
    public double[] MeanCorrection { get; }

    /// <summary>sⱼ = √(mean((xⱼ − x̄ⱼ)²)), glmnet's 1/n standard deviation (0 for a constant column).</summary>
    public double[] Deviation { get; }

    /// <summary>√(mean(xⱼ²)), the size of an uncentred column (0 for a zero column).</summary>
    public double[] RootMeanSquare { get; }

    /// <summary>Whether every value of column j is the same.</summary>
    public bool[] Constant { get; }

    /// <summary>Whether every value of column j is zero.</summary>
    public bool[] Zero { get; }

    /// <summary>Whether every value of the design is finite (the statistics are meaningless otherwise).</summary>
    public bool IsFinite { get; private set; }

    /// <summary>The statistics of <paramref name="x"/> (n·p values, row-major, p columns).</summary>
    public static ColumnStatistics Of<T>(ReadOnlySpan<T> x, int p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length / p;
        var stats = new ColumnStatistics(p);
        // Ten p-vectors of temporaries in one pooled array (preparation runs once per problem of a batch).
        var pooled = ArrayPool<double>.Shared.Rent(10 * p);
        try
        {
            Compute(x, p, n, stats, pooled.AsSpan(0, 10 * p));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(pooled);
        }
        return stats;
    }

    private static void Compute<T>(ReadOnlySpan<T> x, int p, int n, ColumnStatistics stats, Span<double> scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        scratch.Clear();
        var widened = typeof(T) == typeof(double) ? [] : scratch.Slice(0, p);
        var min = scratch.Slice(p, p);
        var max = scratch.Slice(2 * p, p);
        var sum = scratch.Slice(3 * p, p);
        min.Fill(double.PositiveInfinity);
        max.Fill(double.NegativeInfinity);
        // Pass 1: Σx, min and max, and a probe that is 0 exactly when every value is finite.
        double probe = 0;
        for (int i = 0; i < n; i++)
            probe += AddRange(ColumnKernels.Row(x, i, p, widened), sum, min, max);
        stats.IsFinite = probe == 0;
        if (!stats.IsFinite)
            return;
        // Per column: values beyond 2^±480 are scaled by η = 2^−e (e the exponent of max|x|) and deviations beyond it
        // by a second power of two from the range, so that sums of squares neither overflow nor underflow (within
        // 2^±480 their squares and sums of up to 2^60 of them are normal float64 as they are).
        var valueScale = scratch.Slice(4 * p, p);
        var deviationScale = scratch.Slice(5 * p, p);
        var scaledMean = scratch.Slice(6 * p, p);
        bool unscaled = true;
        for (int j = 0; j < p; j++)
        {
            double maxAbs = Math.Max(Math.Abs(min[j]), Math.Abs(max[j]));
            stats.Constant[j] = min[j] == max[j];
            stats.Zero[j] = maxAbs == 0;
            // (exponents are kept within ±1000 so that the scales themselves stay finite for subnormal values)
            int e = stats.Zero[j] ? 0 : Math.Max(Math.ILogB(maxAbs), -1000);
            e = Math.Abs(e) > UnscaledExponent ? e : 0;
            valueScale[j] = Math.ScaleB(1.0, -e);
            // Σx overflows only for values near the float64 limit: then it is summed again on the scaled values.
            stats.Mean[j] = double.IsFinite(sum[j]) ? sum[j] / n : Math.ScaleB(ScaledSum(x, p, j, valueScale[j]) / n, e);
            scaledMean[j] = stats.Mean[j] * valueScale[j];
            double range = Math.Max(max[j] * valueScale[j] - scaledMean[j], scaledMean[j] - min[j] * valueScale[j]);
            int f = range > 0 ? Math.Max(Math.ILogB(range), -1000) : 0;
            deviationScale[j] = Math.ScaleB(1.0, Math.Abs(f) > UnscaledExponent ? -f : 0);
            unscaled &= valueScale[j] == 1.0 && deviationScale[j] == 1.0;
        }
        // Pass 2: with d = (η·x − η·m̂)·σ, Σd and Σd² (the corrected two-pass variance), and Σ(η·x)².
        // (the sums of pass 1 are spent: their room takes the sums of pass 2)
        var deviations = sum;
        deviations.Clear();
        var squares = scratch.Slice(7 * p, p);
        var valueSquares = scratch.Slice(8 * p, p);
        // (with every scale 1, the common case, the kernel skips the multiplications)
        ReadOnlySpan<double> valueScales = unscaled ? [] : valueScale, deviationScales = unscaled ? [] : deviationScale;
        for (int i = 0; i < n; i++)
            AddDeviations(ColumnKernels.Row(x, i, p, widened), valueScales, scaledMean, deviationScales, deviations, squares, valueSquares);
        for (int j = 0; j < p; j++)
        {
            // (the scales are powers of two within 2^±1000: ILogB recovers their exponents exactly)
            int e = -Math.ILogB(valueScale[j]), f = -Math.ILogB(deviationScale[j]);
            stats.MeanCorrection[j] = stats.Constant[j] ? 0 : Math.ScaleB(deviations[j] / n, e + f);
            double centred = Math.Max(squares[j] - deviations[j] * deviations[j] / n, 0);
            stats.Deviation[j] = stats.Constant[j] ? 0 : Math.ScaleB(Math.Sqrt(centred / n), e + f);
            stats.RootMeanSquare[j] = Math.ScaleB(Math.Sqrt(valueSquares[j] / n), e);
        }
    }

    /// <summary>
    /// <c>sums += row</c>, <c>min = min(min, row)</c>, <c>max = max(max, row)</c>; returns Σ row·0, 0 exactly when every
    /// value is finite (∞·0 and NaN·0 are NaN).
    /// </summary>
    private static double AddRange(ReadOnlySpan<double> row, Span<double> sums, Span<double> min, Span<double> max)
    {
        var vr = MemoryMarshal.Cast<double, Vector<double>>(row);
        var vs = MemoryMarshal.Cast<double, Vector<double>>(sums);
        var vmin = MemoryMarshal.Cast<double, Vector<double>>(min);
        var vmax = MemoryMarshal.Cast<double, Vector<double>>(max);
        var probe = Vector<double>.Zero;
        for (int v = 0; v < vr.Length; v++)
        {
            vs[v] += vr[v];
            vmin[v] = Vector.Min(vmin[v], vr[v]);
            vmax[v] = Vector.Max(vmax[v], vr[v]);
            probe += vr[v] * Vector<double>.Zero;
        }
        double finite = Vector.Sum(probe);
        for (int j = vr.Length * Vector<double>.Count; j < row.Length; j++)
        {
            sums[j] += row[j];
            min[j] = Math.Min(min[j], row[j]);
            max[j] = Math.Max(max[j], row[j]);
            finite += row[j] * 0.0;
        }
        return finite;
    }

    /// <summary>
    /// With s = η·row and d = (s − η·m̂)·σ: <c>deviations += d</c>, <c>squares += d²</c>, <c>valueSquares += s²</c>; η and σ
    /// are both empty when they are all 1.
    /// </summary>
    private static void AddDeviations(ReadOnlySpan<double> row, ReadOnlySpan<double> valueScale, ReadOnlySpan<double> scaledMean,
        ReadOnlySpan<double> deviationScale, Span<double> deviations, Span<double> squares, Span<double> valueSquares)
    {
        var vr = MemoryMarshal.Cast<double, Vector<double>>(row);
        var veta = MemoryMarshal.Cast<double, Vector<double>>(valueScale);
        var vm = MemoryMarshal.Cast<double, Vector<double>>(scaledMean);
        var vsigma = MemoryMarshal.Cast<double, Vector<double>>(deviationScale);
        var vd = MemoryMarshal.Cast<double, Vector<double>>(deviations);
        var vq = MemoryMarshal.Cast<double, Vector<double>>(squares);
        var vv = MemoryMarshal.Cast<double, Vector<double>>(valueSquares);
        bool scaled = !valueScale.IsEmpty;
        for (int v = 0; v < vr.Length; v++)
        {
            var s = scaled ? vr[v] * veta[v] : vr[v];
            var d = scaled ? (s - vm[v]) * vsigma[v] : s - vm[v];
            vd[v] += d;
            vq[v] += d * d;
            vv[v] += s * s;
        }
        for (int j = vr.Length * Vector<double>.Count; j < row.Length; j++)
        {
            double s = scaled ? row[j] * valueScale[j] : row[j];
            double d = scaled ? (s - scaledMean[j]) * deviationScale[j] : s - scaledMean[j];
            deviations[j] += d;
            squares[j] += d * d;
            valueSquares[j] += s * s;
        }
    }

    private static double ScaledSum<T>(ReadOnlySpan<T> x, int p, int j, double scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        for (int e = j; e < x.Length; e += p)
            sum += double.CreateTruncating(x[e]) * scale;
        return sum;
    }

    /// <summary>
    /// Marks the columns the solvers iterate, the rule of every preparation (batches and paths): a column is fixed at
    /// βⱼ = 0 only when that changes nothing, with an intercept when it is constant, without one when it is zero. With
    /// <paramref name="standardize"/> a column of standard deviation 0 (constant and nonzero, without an intercept) cannot
    /// be scaled: it is not iterated, and the first such column is returned (−1 when there is none) for the caller to
    /// refuse its problems with <see cref="StandardizeFault"/>.
    /// </summary>
    public int MarkIterated(bool fitIntercept, bool standardize, Span<bool> iterated)
    {
        int fault = -1;
        for (int j = 0; j < iterated.Length; j++)
        {
            iterated[j] = fitIntercept ? !Constant[j] : !Zero[j];
            if (standardize && iterated[j] && Deviation[j] == 0)
            {
                fault = fault < 0 ? j : fault;
                iterated[j] = false;
            }
        }
        return fault;
    }

    /// <summary>Why standardize cannot scale column j (see <see cref="MarkIterated"/>).</summary>
    public string StandardizeFault(int j) =>
        $"column {j} is constant ({FullMean(j):G6} in every row): its standard deviation is 0, so standardize cannot scale it " +
        "without an intercept; remove it, fit an intercept or do not standardize";

    /// <summary>The size of working column j: its centred 1/n standard deviation with an intercept, its root mean square without.</summary>
    public double Size(int j, bool fitIntercept) => fitIntercept ? Deviation[j] : RootMeanSquare[j];

    /// <summary>x̄ⱼ as one float64 (for the intercept b₀ = ȳ − x̄·β).</summary>
    public double FullMean(int j) => Mean[j] + MeanCorrection[j];

    /// <summary><c>output = (row − m̂) − δ</c>: the centred row, accurate to rounding whatever the offset.</summary>
    public void Centre(ReadOnlySpan<double> row, Span<double> output)
    {
        var vr = MemoryMarshal.Cast<double, Vector<double>>(row);
        var vm = MemoryMarshal.Cast<double, Vector<double>>(Mean.AsSpan());
        var vc = MemoryMarshal.Cast<double, Vector<double>>(MeanCorrection.AsSpan());
        var vo = MemoryMarshal.Cast<double, Vector<double>>(output);
        for (int v = 0; v < vr.Length; v++)
            vo[v] = (vr[v] - vm[v]) - vc[v];
        for (int j = vr.Length * Vector<double>.Count; j < row.Length; j++)
            output[j] = (row[j] - Mean[j]) - MeanCorrection[j];
    }
}
