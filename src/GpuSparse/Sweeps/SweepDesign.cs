using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Numerics;
using GpuSparse.Preparation;

namespace GpuSparse.Sweeps;

/// <summary>
/// One design of a sweep seen from outside the solver: the column means and scales of the working design
/// (centred with an intercept, divided by the centred 1/n standard deviation when standardizing; see
/// <see cref="ColumnStatistics"/>), so that the path driver can evaluate gradients x̃ⱼᵀr/n for λ_max, screening and
/// the KKT check, and cut column subsets.
/// </summary>
public sealed class SweepDesign<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ColumnStatistics _statistics;
    private readonly double[] _means;
    private readonly double[] _scales;
    private readonly bool[] _constant;

    /// <summary>Computes the column statistics of a row-major n × p design.</summary>
    /// <param name="design">X, row-major, n·p values.</param>
    /// <param name="features">p.</param>
    /// <param name="fitIntercept">Whether columns are centred.</param>
    /// <param name="standardize">Whether columns are divided by their centred 1/n standard deviation (glmnet's, also without an intercept).</param>
    public SweepDesign(ReadOnlyMemory<T> design, int features, bool fitIntercept, bool standardize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (design.Length % features != 0 || design.Length == 0)
            throw new ArgumentException($"the design holds {design.Length} values, not a positive multiple of p = {features}", nameof(design));
        Values = design;
        Features = features;
        Samples = design.Length / features;
        FitIntercept = fitIntercept;
        int p = features;
        _statistics = ColumnStatistics.Of(design.Span, p);
        IsFinite = _statistics.IsFinite;
        _means = new double[p];
        _scales = new double[p];
        _constant = new bool[p];
        // The solvers' rule (ColumnStatistics.MarkIterated): a column not iterated is fixed at βⱼ = 0, its gradient
        // reported as 0 here.
        var iterated = new bool[p];
        int faultColumn = _statistics.MarkIterated(fitIntercept, standardize, iterated);
        if (faultColumn >= 0)
            Fault = $"X: {_statistics.StandardizeFault(faultColumn)}";
        for (int j = 0; j < p; j++)
        {
            _means[j] = fitIntercept ? _statistics.FullMean(j) : 0.0;
            _constant[j] = !iterated[j];
            _scales[j] = standardize && iterated[j] ? _statistics.Deviation[j] : 1.0;
        }
    }

    /// <summary>The raw design, row-major.</summary>
    public ReadOnlyMemory<T> Values { get; }

    /// <summary>n.</summary>
    public int Samples { get; }

    /// <summary>p.</summary>
    public int Features { get; }

    /// <summary>Whether every value of the design is finite.</summary>
    public bool IsFinite { get; }

    /// <summary>Why the paths on this design cannot be solved as posed (null when they can): their steps are invalid.</summary>
    public string? Fault { get; }

    /// <summary>Whether an intercept is fitted (columns and response centred).</summary>
    public bool FitIntercept { get; }

    /// <summary>x̄ⱼ: the column means (0 without an intercept).</summary>
    internal ReadOnlySpan<double> Means => _means;

    /// <summary>sⱼ: the column scales (1 unless standardizing; 1 for a constant column).</summary>
    internal ReadOnlySpan<double> Scales => _scales;

    /// <summary>
    /// The largest |log₂| of the size of a working column x̃ⱼ (its root mean square; 0 when all are constant): how far
    /// the design is from unit scale, which decides whether float64 Gram matrices of it stay exact to rounding.
    /// </summary>
    internal double ScaleExponent
    {
        get
        {
            // (a design with non-finite values has no sizes: the engine marks its paths invalid)
            double worst = 0;
            for (int j = 0; j < Features && IsFinite; j++)
                if (!_constant[j])
                    worst = Math.Max(worst, Math.Abs(Math.Log2(_statistics.Size(j, FitIntercept) / _scales[j])));
            return worst;
        }
    }

    /// <summary>Whether column j is constant (its coefficient is fixed at 0).</summary>
    internal bool IsConstant(int j) => _constant[j];

    /// <summary>
    /// The scaled negative gradient cⱼ = x̃ⱼᵀr/n at raw-scale coefficients β, with x̃ⱼ = (xⱼ − x̄ⱼ)/sⱼ and r = y_c − X_cβ: with an
    /// intercept the residual at its best intercept for β, b₀ = ȳ − x̄·β (what every solve returns), formed from the
    /// centred columns so that no offset of X or y cancels; optimality needs |cⱼ| ≤ λ·r·wⱼ wherever βⱼ = 0.
    /// Returns ‖r‖²/n and r·y_c/n (y_c = y − ȳ with an intercept, else y), what a duality gap needs besides c.
    /// </summary>
    public (double ResidualNorm2, double ResidualDotResponse) NegativeGradient(ReadOnlySpan<T> response, ReadOnlySpan<double> beta,
        Span<double> negativeGradient)
    {
        var x = Values.Span;
        int n = Samples, p = Features;
        negativeGradient.Clear();
        double residualNorm2 = 0, residualDotY = 0;
        var (mean, correction) = ResponseMean(response);
        var rows = new DesignRows<T>(x, p);
        var centred = new double[p];
        for (int i = 0; i < n; i++)
        {
            CentreRow(rows.Row(i), centred);
            // rᵢ = y_c,i − x_c,i·β
            double yi = (double.CreateTruncating(response[i]) - mean) - correction;
            double ri = yi - VectorKernels.Dot<double>(centred, beta);
            residualNorm2 += ri * ri;
            residualDotY += ri * yi;
            // X_cᵀr accumulated row by row
            VectorKernels.AddScaled<double>(negativeGradient, ri, centred);
        }
        for (int j = 0; j < p; j++)
            negativeGradient[j] = _constant[j] ? 0.0 : negativeGradient[j] / (n * _scales[j]);
        return (residualNorm2 / n, residualDotY / n);
    }

    /// <summary><c>output = (row − m̂) − δ</c>, row i of X_c (the row itself without an intercept).</summary>
    internal void CentreRow(ReadOnlySpan<double> row, Span<double> output)
    {
        if (FitIntercept)
            _statistics.Centre(row, output);
        else
            row.CopyTo(output);
    }

    /// <summary>x̄ⱼ of this design minus x̄ⱼ of <paramref name="other"/>, part by part (no cancellation of an offset).</summary>
    internal double MeanDifference(SweepDesign<T> other, int j) => FitIntercept
        ? (_statistics.Mean[j] - other._statistics.Mean[j]) + (_statistics.MeanCorrection[j] - other._statistics.MeanCorrection[j])
        : 0.0;

    /// <summary>The mean of y when fitting an intercept, else 0: the intercept of the all-zero solution.</summary>
    public double NullIntercept(ReadOnlySpan<T> response)
    {
        var (mean, correction) = ResponseMean(response);
        return mean + correction;
    }

    /// <summary>ȳ in two parts (see <see cref="BatchPreparation.TwoPartMean{T}"/>); zeros without an intercept.</summary>
    private (double Mean, double Correction) ResponseMean(ReadOnlySpan<T> response) =>
        FitIntercept ? BatchPreparation.TwoPartMean(response) : (0, 0);

    /// <summary>
    /// λ_max = max over wⱼ &gt; 0 of |x̃ⱼᵀy_c|/(n·max(r, 1e-3)·wⱼ): the smallest λ whose solution is zero
    /// (see <see cref="LambdaGrid"/> for the r = 0 floor); 0 for a constant y. The same with or without positivity
    /// (glmnet's grid).
    /// </summary>
    public double LambdaMax(ReadOnlySpan<T> response, double l1Ratio, IReadOnlyList<double>? penaltyFactors = null)
    {
        var negativeGradient = new double[Features];
        NegativeGradient(response, new double[Features], negativeGradient);
        return LambdaMaxOf<ElasticNet<double>>(negativeGradient, l1Ratio, penaltyFactors);
    }

    /// <summary>
    /// λ_max of the penalty <typeparamref name="TPenalty"/> from the gradient c = x̃ᵀy_c/n at β = 0: the largest
    /// ‖c_B‖*/(max(r, 1e-3)·w_B) over the penalised blocks B (‖·‖* the penalty's dual norm), so that every block
    /// satisfies its KKT condition ‖c_B‖* ≤ λ·r·w_B at β = 0. <paramref name="blockEnds"/> gives the blocks of a
    /// block penalty (see <see cref="IBlockEnds"/>); penalty factors are read at a block's first coordinate.
    /// </summary>
    internal static double LambdaMaxOf<TPenalty>(ReadOnlySpan<double> nullGradient, double l1Ratio,
        IReadOnlyList<double>? penaltyFactors, IBlockEnds? blockEnds = null) where TPenalty : struct, IPenaltyNorms
    {
        var form = default(TPenalty);
        var unit = new UnitWeights(Math.Max(l1Ratio, LambdaGrid.MinimumL1Ratio), penaltyFactors, blockEnds);
        double max = 0;
        for (int j = 0, end; j < nullGradient.Length; j = end)
        {
            end = form.BlockEnd(unit, j);
            double weight = unit.L1Weight(j);
            if (weight > 0)
                max = Math.Max(max, form.DualNorm(new SpanValues<double>(nullGradient), j, end) / weight);
        }
        return max;
    }

    /// <summary>The weights at λ = 1 with the L1 ratio floored: l1ⱼ = max(r, 1e-3)·wⱼ.</summary>
    private readonly struct UnitWeights(double ratio, IReadOnlyList<double>? factors, IBlockEnds? blocks) : IPenaltyWeights
    {
        public double L1Weight(int j) => ratio * (factors?[j] ?? 1.0);

        public double L2Weight(int j) => (1 - ratio) * (factors?[j] ?? 1.0);

        public int BlockEnd(int start) => blocks?.BlockEnd(start) ?? start + 1;
    }

    /// <summary>The columns <paramref name="columns"/> (ascending) of X as a new row-major n × |columns| design.</summary>
    public T[] Columns(IReadOnlyList<int> columns)
    {
        var x = Values.Span;
        int n = Samples, p = Features, q = columns.Count;
        var subset = new T[n * q];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < q; c++)
                subset[i * q + c] = x[i * p + columns[c]];
        return subset;
    }
}
