using System.Numerics;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Model;

namespace GpuSparse.Preparation;

/// <summary>
/// One problem reduced to the form every backend iterates on:
/// <c>minimize 1/(2n)‖y_c − X_w β‖² + Σⱼ (l1ⱼ|βⱼ| + ½·l2ⱼβⱼ²)</c> (+ βⱼ ≥ 0 when positive),
/// with <c>l1ⱼ = λ·r·wⱼ</c>, <c>l2ⱼ = λ·(1 − r)·wⱼ</c> on the working scale of <see cref="Design"/> and of the response
/// (see <see cref="BatchPreparation.PenaltyWeights{T}"/>). Its objective, gap and tolerances are in working units.
/// </summary>
internal sealed class PreparedProblem<T>(int index, PreparedDesign<T> design, T[] response, double responseMean,
    T[] l1, T[] l2, bool positive, T[] initial, double nullObjective, double gapTolerance, bool fitIntercept,
    double[] basisDotResponse) : IPenaltyWeights
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The problem's index in its batch.</summary>
    public int Index { get; } = index;

    public PreparedDesign<T> Design { get; } = design;

    /// <summary>Qᵀy_c for the unpenalised columns of <see cref="UnpenalisedProjection"/> (empty without them).</summary>
    public double[] BasisDotResponse { get; } = basisDotResponse;

    /// <summary>y_c: the response, centred when fitting an intercept (and projected off unpenalised columns).</summary>
    public T[] Response { get; } = response;

    public double ResponseMean { get; } = responseMean;

    /// <summary>Per-coordinate L1 weights λ·r·wⱼ.</summary>
    public T[] L1 { get; } = l1;

    /// <summary>Per-coordinate L2 weights λ·(1 − r)·wⱼ.</summary>
    public T[] L2 { get; } = l2;

    public bool Positive { get; } = positive;

    /// <inheritdoc />
    public double L1Weight(int j) => double.CreateTruncating(L1[j]);

    /// <inheritdoc />
    public double L2Weight(int j) => double.CreateTruncating(L2[j]);

    /// <summary>The end (exclusive) of the block starting at coordinate j, at j (null: coordinate-wise penalties).</summary>
    public int[]? BlockEnds { get; init; }

    /// <inheritdoc />
    public int BlockEnd(int start) => BlockEnds is { } ends ? ends[start] : start + 1;

    /// <summary>The starting point on the working scale (zero on inactive columns).</summary>
    public T[] Initial { get; } = initial;

    /// <summary>The objective at β = 0, ½‖y_c‖²/n: the scale of the stopping rule.</summary>
    public double NullObjective { get; } = nullObjective;

    /// <summary>The absolute duality-gap tolerance tol·‖y_c‖²/n.</summary>
    public double GapTolerance { get; } = gapTolerance;

    public bool FitIntercept { get; } = fitIntercept;

    /// <summary>
    /// e of the response scale: the working response is 2^e·y_c, so working coefficients are 2^e times the raw ones
    /// and the working objective, gap and tolerance are 2^2e times those of the problem posed (0: not scaled).
    /// </summary>
    public int ResponseExponent { get; init; }

    /// <summary>Maps working-scale coefficients to the raw scale and the intercept b₀ = ȳ − x̄·β.</summary>
    public (double[] Coefficients, double Intercept) ToRawScale(ReadOnlySpan<T> working)
    {
        var raw = new double[working.Length];
        double intercept = Design.ToRawScale(working, raw, ResponseMean, FitIntercept, BasisDotResponse, ResponseExponent);
        return (raw, intercept);
    }

    /// <summary>A working-scale objective, gap or tolerance in the units of the problem posed.</summary>
    public double ToProblemUnits(double working) => Math.ScaleB(working, -2 * ResponseExponent);
}
