namespace GpuSparse.Kernels.Numerics;

/// <summary>
/// Maxima that keep a NaN operand, as .NET's <see cref="Math.Max(double, double)"/> does, written as comparisons:
/// PTX's <c>max.f64</c> returns the non-NaN operand, so a NaN would otherwise vanish on CUDA.
/// </summary>
public static class NanPreserving
{
    /// <summary>max(x, 0), NaN for a NaN x (as <see cref="Math.Max(double, double)"/>).</summary>
    public static double PositivePart(double x) => x > 0 || double.IsNaN(x) ? x : 0;

    /// <summary>max(a, b), NaN when either is NaN (as <see cref="Math.Max(double, double)"/>, up to the sign of zero).</summary>
    public static double Max(double a, double b) => double.IsNaN(a) || a > b ? a : b;
}
