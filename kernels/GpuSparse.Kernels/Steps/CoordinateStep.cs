using System.Numerics;
using System.Runtime.CompilerServices;
using GpuSparse.Kernels.Penalties;

namespace GpuSparse.Kernels.Steps;

/// <summary>
/// The coordinate-descent step, written once for every engine (the batch engines' Gram and residual forms, the
/// path engine, the on-chip kernel): coordinate j moves to the exact minimiser along it of
/// <c>½Gⱼⱼ(b − z)² + l1ⱼ|b| + ½l2ⱼb²</c>, <c>z = βⱼ + qⱼ/Gⱼⱼ</c>, qⱼ = xⱼᵀ(y_c − X_wβ)/n: the proximal map with step 1/Gⱼⱼ.
/// </summary>
public static class CoordinateStep
{
    /// <summary>
    /// The steps of a coordinate of curvature <c>Gⱼⱼ = ‖xⱼ‖²/n</c> and weights l1ⱼ, l2ⱼ: 1/Gⱼⱼ (0 for a zero column,
    /// which then never moves), l1ⱼ/Gⱼⱼ (the soft threshold) and l2ⱼ/Gⱼⱼ (the ridge shrink).
    /// </summary>
    public static (T Inverse, T L1Step, T L2Step) Steps<T>(T diagonal, T l1, T l2) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T inverse = diagonal > T.Zero ? T.One / diagonal : T.Zero;
        return (inverse, l1 * inverse, l2 * inverse);
    }

    /// <summary>βⱼ⁺ = prox(βⱼ + qⱼ/Gⱼⱼ) with the steps of <see cref="Steps"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Update<T, TPenalty>(T beta, T q, T inverseDiagonal, T l1Step, T l2Step)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T> =>
        default(TPenalty).Proximal(beta + q * inverseDiagonal, l1Step, l2Step);

    /// <summary>
    /// The sweeps of one check interval, from <paramref name="iteration"/> up to <paramref name="checkAt"/>; returns the
    /// iteration reached. A sweep that moves nothing ends the interval early; when it is the first of the interval
    /// (right after a check, the state freshly recomputed) β is a fixed point of the iteration (<paramref name="fixedPoint"/>),
    /// later in the interval it may be an artefact of the drift of the state. A moving sweep after which
    /// <paramref name="probe"/> says the gap may be within <paramref name="tolerance"/> also ends it (for a check).
    /// </summary>
    public static int Interval<TSweep, TProbe>(TSweep form, TProbe probe, double tolerance, int iteration, int checkAt, out bool fixedPoint)
        where TSweep : struct, ISweep
        where TProbe : struct, IConvergenceProbe
    {
        int start = iteration;
        fixedPoint = false;
        while (iteration < checkAt)
        {
            bool moved = form.Sweep();
            iteration++;
            if (!moved)
            {
                fixedPoint = iteration == start + 1;
                break;
            }
            if (probe.MayHaveConverged(tolerance))
                break;
        }
        return iteration;
    }
}

/// <summary>
/// A gap estimate from the state the sweeps updated, cheap enough to run after every sweep (O(p) against a sweep's
/// O(p²)): whether the gap may be within the tolerance, which a check then confirms on the exact state.
/// </summary>
public interface IConvergenceProbe
{
    /// <summary>Whether the gap of the updated state is not above <paramref name="tolerance"/>.</summary>
    bool MayHaveConverged(double tolerance);
}

/// <summary>No probe: the form is checked every check interval only (a float32 state's gap would be noise).</summary>
public readonly struct NoProbe : IConvergenceProbe
{
    /// <inheritdoc/>
    public bool MayHaveConverged(double tolerance) => false;
}

/// <summary>One cyclic sweep of coordinate descent over one problem's coordinates, in some engine's form.</summary>
public interface ISweep
{
    /// <summary>Visits every coordinate once; false when none moved.</summary>
    bool Sweep();
}
