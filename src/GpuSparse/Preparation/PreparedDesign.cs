using System.Numerics;

namespace GpuSparse.Preparation;

/// <summary>
/// A design as the solvers see it: centred (when fitting an intercept) and divided by the column scales
/// (when standardizing), with near-constant and zero columns set exactly to zero so that their
/// coefficients stay at zero. Shared by every problem that uses the same X and the same flags.
/// </summary>
internal sealed class PreparedDesign<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // Computed on first use: only the proximal-gradient backends need a step size, and its power iteration
    // costs more than a whole coordinate-descent solve of a small problem.
    private readonly Lazy<double> _lipschitz;

    public PreparedDesign(T[] values, int samples, int features, double[] columnMeans, double[] columnScales,
        bool[] activeColumns, Lazy<double> lipschitz, UnpenalisedProjection? projection)
    {
        Projection = projection;
        Values = values;
        Samples = samples;
        Features = features;
        ColumnMeans = columnMeans;
        ColumnScales = columnScales;
        ActiveColumns = activeColumns;
        _lipschitz = lipschitz;
    }

    /// <summary>The working design X_w, row-major n × p.</summary>
    public T[] Values { get; }

    public int Samples { get; }

    public int Features { get; }

    /// <summary>Raw column means x̄ⱼ that were subtracted (zeros without an intercept).</summary>
    public double[] ColumnMeans { get; }

    /// <summary>Scales sⱼ the centred columns were divided by (1 without standardization).</summary>
    public double[] ColumnScales { get; }

    /// <summary>False for columns that are zero after centring: their coefficient is fixed at 0.</summary>
    public bool[] ActiveColumns { get; }

    /// <summary>Unpenalised columns profiled out of the iteration (null when every feature is penalised).</summary>
    public UnpenalisedProjection? Projection { get; }

    /// <summary>L, the largest eigenvalue of X_wᵀX_w/n (0 when every column is inactive).</summary>
    public double Lipschitz => _lipschitz.Value;

    /// <summary>The step size 1/L of the proximal gradient iteration (0 when L = 0: nothing moves).</summary>
    public double Step => Lipschitz > 0 ? 1.0 / Lipschitz : 0.0;
}
