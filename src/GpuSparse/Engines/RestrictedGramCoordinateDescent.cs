using System.Buffers;
using GpuSparse.Certificates;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Kernels.Steps;

namespace GpuSparse.Engines;

/// <summary>
/// The Gram form of <see cref="CoordinateDescent"/> restricted to a solved set S of features, in float64: the sweeps
/// of <see cref="GramCoordinateDescent.Sweep"/> on <c>G[S,S]</c>, <c>q_S = c_S − G[S,S]β_S</c> and β_S, run by
/// <see cref="CoordinateDescent.Iterate"/> to the gap of the problem restricted to S. A path step solves on it
/// (<see cref="Sweeps.CovariancePath"/>); a batch problem runs the same iteration on its full form.
/// </summary>
/// <remarks>
/// S only grows (glmnet's ever-active set): a feature's row and column of G[S,S] are gathered once, when it joins.
/// The restricted gap comes from the Gram form (<see cref="GramDualityGap"/>) in O(|S|), so the form probes it after
/// every sweep from the updated q_S and checks it on an exactly recomputed q_S.
/// </remarks>
internal sealed class RestrictedGramCoordinateDescent
{
    private readonly int _stride;
    private readonly int[] _columns;
    private readonly int[] _position;

    // G[S,S] with row e at e·p (a row grows in place as features join), pooled; c, q and β gathered on S, and each
    // solved coordinate's step 1/Gⱼⱼ and scaled weights.
    private readonly double[] _gram;
    private readonly double[] _correlation;
    private readonly double[] _negativeGradient;
    private readonly double[] _beta;
    private readonly double[] _inverseDiagonal;
    private readonly double[] _l1Step;
    private readonly double[] _l2Step;

    /// <summary>Arrays for solved sets of up to <paramref name="features"/> features.</summary>
    public RestrictedGramCoordinateDescent(int features)
    {
        int p = features;
        _stride = p;
        _columns = new int[p];
        _position = new int[p];
        _gram = ArrayPool<double>.Shared.Rent(p * p);
        _correlation = new double[p];
        _negativeGradient = new double[p];
        _beta = new double[p];
        _inverseDiagonal = new double[p];
        _l1Step = new double[p];
        _l2Step = new double[p];
        Clear();
    }

    /// <summary>How many features S holds.</summary>
    public int Count { get; private set; }

    /// <summary>The features of S in the order they joined (position e of the restricted vectors is feature Columns[e]).</summary>
    public ReadOnlySpan<int> Columns => _columns.AsSpan(0, Count);

    /// <summary>Whether feature j is in S.</summary>
    public bool Contains(int j) => _position[j] >= 0;

    /// <summary>Empties S (a new path).</summary>
    public void Clear()
    {
        _position.AsSpan().Fill(-1);
        Count = 0;
    }

    /// <summary>Appends feature <paramref name="j"/> to S with its row and column of G[S,S] from the full p × p <paramref name="gram"/>.</summary>
    public void Add(int j, ReadOnlySpan<double> gram)
    {
        int p = _stride;
        int e = Count++;
        _columns[e] = j;
        _position[j] = e;
        for (int f = 0; f <= e; f++)
        {
            // G[S,S] is symmetric: the new row and the new column hold the same values
            double value = gram[j * p + _columns[f]];
            _gram[e * p + f] = value;
            _gram[f * p + e] = value;
        }
    }

    /// <summary>
    /// Gathers c_S, q_S and β_S from the full vectors and sets the coordinate steps for the full problem's
    /// <paramref name="weights"/>; returns the form to iterate. <paramref name="q"/> must be exact on S.
    /// </summary>
    public Form<TPenalty, TWeights> Start<TPenalty, TWeights>(ReadOnlySpan<double> c, ReadOnlySpan<double> q, ReadOnlySpan<double> beta,
        TWeights weights, double responseNorm2OverN)
        where TPenalty : struct, IPenalty<double>
        where TWeights : IPenaltyWeights
    {
        int p = _stride;
        var restricted = new Restricted<TWeights>(weights, _columns);
        for (int e = 0; e < Count; e++)
        {
            int j = _columns[e];
            _correlation[e] = c[j];
            _negativeGradient[e] = q[j];
            _beta[e] = beta[j];
            (_inverseDiagonal[e], _l1Step[e], _l2Step[e]) =
                CoordinateStep.Steps(_gram[e * p + e], restricted.L1Weight(e), restricted.L2Weight(e));
        }
        return new Form<TPenalty, TWeights>(this, restricted, responseNorm2OverN);
    }

    /// <summary>Writes β_S and q_S (exact after the last check) back into the full vectors.</summary>
    public void Scatter(Span<double> beta, Span<double> q)
    {
        for (int e = 0; e < Count; e++)
        {
            beta[_columns[e]] = _beta[e];
            q[_columns[e]] = _negativeGradient[e];
        }
    }

    /// <summary>Gives G[S,S] back to the pool.</summary>
    public void Release() => ArrayPool<double>.Shared.Return(_gram);

    /// <summary>The weights of the problem restricted to S: position e has feature Columns[e]'s.</summary>
    internal readonly struct Restricted<TWeights>(TWeights weights, int[] columns) : IPenaltyWeights
        where TWeights : IPenaltyWeights
    {
        public double L1Weight(int e) => weights.L1Weight(columns[e]);

        public double L2Weight(int e) => weights.L2Weight(columns[e]);

        // Solved sets are coordinate-wise: a block penalty is solved on the batch's block form.
        public int BlockEnd(int start) => start + 1;
    }

    /// <summary>The problem restricted to S: its sweep, its per-sweep probe and its check, all on the Gram form.</summary>
    internal readonly struct Form<TPenalty, TWeights>(RestrictedGramCoordinateDescent set, Restricted<TWeights> weights, double responseNorm2OverN)
        : CoordinateDescent.IForm, IConvergenceProbe
        where TPenalty : struct, IPenalty<double>
        where TWeights : IPenaltyWeights
    {
        public bool Sweep()
        {
            int s = set.Count;
            return GramCoordinateDescent.Sweep<double, TPenalty>(set._gram, set._stride, set._negativeGradient.AsSpan(0, s),
                set._beta.AsSpan(0, s), set._inverseDiagonal.AsSpan(0, s), set._l1Step.AsSpan(0, s), set._l2Step.AsSpan(0, s));
        }

        /// <summary>The restricted gap from the updated q_S, which drifts by rounding (hence the check).</summary>
        public bool MayHaveConverged(double tolerance) => !(Gap().Gap > tolerance);

        /// <summary>Recomputes q_S = c_S − G[S,S]·β_S from the nonzero coordinates; returns the restricted gap and objective.</summary>
        public (double Gap, double Objective) Check()
        {
            int s = set.Count;
            GramCoordinateDescent.NegativeGradient(set._gram, set._stride, set._correlation.AsSpan(0, s), set._beta.AsSpan(0, s),
                set._negativeGradient.AsSpan(0, s));
            return Gap();
        }

        private (double Gap, double Objective) Gap()
        {
            int s = set.Count;
            return GramDualityGap.Evaluate<TPenalty, Restricted<TWeights>>(weights, set._beta.AsSpan(0, s), set._correlation.AsSpan(0, s),
                set._negativeGradient.AsSpan(0, s), responseNorm2OverN);
        }
    }
}
