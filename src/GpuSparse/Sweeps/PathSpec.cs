using System.Numerics;

namespace GpuSparse.Sweeps;

/// <summary>One regularization path of a sweep: a design, a response, an L1 ratio and its λ grid.</summary>
/// <typeparam name="T">float or double.</typeparam>
/// <param name="Design">Index of the path's design among the sweep's designs.</param>
/// <param name="Response">y, one value per row of that design.</param>
/// <param name="L1Ratio">r ∈ [0, 1].</param>
/// <param name="Lambdas">The λ values in the order they are solved (decreasing for warm starts to help).</param>
public sealed record PathSpec<T>(int Design, ReadOnlyMemory<T> Response, double L1Ratio, double[] Lambdas)
    where T : unmanaged, IFloatingPointIeee754<T>;
