using System.Numerics;
using GpuSparse.Backends;

namespace GpuSparse.Sweeps;

/// <summary>
/// One design of a sweep seen from outside the solver: the column means and scales of the working design
/// (centred with an intercept, divided by the 1/n standard deviation when standardizing), so that the
/// path driver can evaluate gradients x̃ⱼᵀr/n for λ_max, screening and the KKT check, and cut column subsets.
/// </summary>
public sealed class SweepDesign<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly double[] _means;
    private readonly double[] _scales;
    private readonly bool[] _constant;
    private const double RoundOff = 2.220446049250313e-16;

    /// <summary>Computes the column statistics of a row-major n × p design.</summary>
    /// <param name="design">X, row-major, n·p values.</param>
    /// <param name="features">p.</param>
    /// <param name="fitIntercept">Whether columns are centred.</param>
    /// <param name="standardize">Whether centred columns are divided by their 1/n standard deviation.</param>
    public SweepDesign(ReadOnlyMemory<T> design, int features, bool fitIntercept, bool standardize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (design.Length % features != 0 || design.Length == 0)
            throw new ArgumentException($"the design holds {design.Length} values, not a positive multiple of p = {features}", nameof(design));
        Values = design;
        Features = features;
        Samples = design.Length / features;
        FitIntercept = fitIntercept;
        _means = new double[features];
        _scales = new double[features];
        int n = Samples, p = features;
        var rows = new DesignRows<T>(design.Span, p);
        if (fitIntercept)
        {
            for (int i = 0; i < n; i++)
                VectorKernels.AddScaled<double>(_means, 1.0, rows.Row(i));
            for (int j = 0; j < p; j++)
                _means[j] /= n;
        }
        var squares = new double[p];
        var maxAbs = new double[p];
        double probe = 0;
        for (int i = 0; i < n; i++)
            probe += VectorKernels.AddMoments(squares, maxAbs, rows.Row(i), _means);
        IsFinite = probe == 0;
        // The solver's rule (BatchPreparation.PrepareDesign): a column whose spread is within ~n rounding
        // errors of its magnitude is constant, fixed at βⱼ = 0; its gradient is reported as 0 here.
        _constant = new bool[p];
        for (int j = 0; j < p; j++)
        {
            double spread = Math.Sqrt(squares[j] / n);
            _constant[j] = !(spread > 4.0 * n * RoundOff * maxAbs[j]);
            _scales[j] = standardize && !_constant[j] ? spread : 1.0;
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

    /// <summary>Whether an intercept is fitted (columns and response centred).</summary>
    public bool FitIntercept { get; }

    /// <summary>x̄ⱼ: the column means (0 without an intercept).</summary>
    internal ReadOnlySpan<double> Means => _means;

    /// <summary>sⱼ: the column scales (1 unless standardizing; 1 for a constant column).</summary>
    internal ReadOnlySpan<double> Scales => _scales;

    /// <summary>Whether column j is constant (its coefficient is fixed at 0).</summary>
    internal bool IsConstant(int j) => _constant[j];

    /// <summary>
    /// The scaled gradient cⱼ = x̃ⱼᵀr/n at raw-scale coefficients β and intercept b₀, with
    /// r = y − b₀ − Xβ and x̃ⱼ = (xⱼ − x̄ⱼ)/sⱼ; optimality needs |cⱼ| ≤ λ·r·wⱼ wherever βⱼ = 0.
    /// Returns ‖r‖²/n and r·y_c/n (y_c = y − ȳ with an intercept, else y), what a duality gap needs besides c.
    /// </summary>
    public (double ResidualNorm2, double ResidualDotResponse) Gradient(ReadOnlySpan<T> response, ReadOnlySpan<double> beta,
        double intercept, Span<double> gradient)
    {
        var x = Values.Span;
        int n = Samples, p = Features;
        gradient.Clear();
        double residualSum = 0, residualNorm2 = 0, residualDotY = 0, responseMean = NullIntercept(response);
        var rows = new DesignRows<T>(x, p);
        for (int i = 0; i < n; i++)
        {
            var row = rows.Row(i);
            // rᵢ = yᵢ − b₀ − xᵢ·β
            double yi = double.CreateTruncating(response[i]);
            double r = yi - intercept - VectorKernels.Dot(row, beta);
            residualSum += r;
            residualNorm2 += r * r;
            residualDotY += r * (yi - responseMean);
            // Xᵀr accumulated row by row
            VectorKernels.AddScaled(gradient, r, row);
        }
        // (xⱼ − x̄ⱼ)ᵀr = xⱼᵀr − x̄ⱼ·Σr, then / (n·sⱼ)
        for (int j = 0; j < p; j++)
            gradient[j] = _constant[j] ? 0.0 : (gradient[j] - _means[j] * residualSum) / (n * _scales[j]);
        return (residualNorm2 / n, residualDotY / n);
    }

    /// <summary>The mean of y when fitting an intercept, else 0: the intercept of the all-zero solution.</summary>
    public double NullIntercept(ReadOnlySpan<T> response)
    {
        if (!FitIntercept)
            return 0;
        double sum = 0;
        foreach (var v in response)
            sum += double.CreateTruncating(v);
        return sum / response.Length;
    }

    /// <summary>
    /// λ_max = max over wⱼ &gt; 0 of |x̃ⱼᵀy_c|/(n·max(r, 1e-3)·wⱼ): the smallest λ whose solution is zero
    /// (see <see cref="LambdaGrid"/> for the r = 0 floor); 0 for a constant y.
    /// </summary>
    public double LambdaMax(ReadOnlySpan<T> response, double l1Ratio, IReadOnlyList<double>? penaltyFactors = null)
    {
        var gradient = new double[Features];
        Gradient(response, new double[Features], NullIntercept(response), gradient);
        return LambdaMaxOf(gradient, l1Ratio, penaltyFactors);
    }

    /// <summary>λ_max from the gradient c = x̃ᵀy_c/n at β = 0 (see the other overload).</summary>
    internal static double LambdaMaxOf(ReadOnlySpan<double> nullGradient, double l1Ratio, IReadOnlyList<double>? penaltyFactors)
    {
        double ratio = Math.Max(l1Ratio, LambdaGrid.MinimumL1Ratio), max = 0;
        for (int j = 0; j < nullGradient.Length; j++)
        {
            double w = penaltyFactors?[j] ?? 1.0;
            if (w > 0)
                max = Math.Max(max, Math.Abs(nullGradient[j]) / (ratio * w));
        }
        return max;
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
