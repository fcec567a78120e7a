using System.Numerics;

namespace GpuSparse.Kernels.Numerics;

/// <summary>
/// Widening of the working precision to float64 inside kernels. ILGPU 1.5.3 cannot compile the generic-math
/// conversions (<c>double.CreateTruncating&lt;T&gt;</c>, <c>T.CreateTruncating</c>): their bodies dispatch on
/// <c>typeof(TOther)</c>, and <c>System.Type</c> is not supported on the device. Operators, <c>T.Zero</c>,
/// <c>T.One</c>, <c>T.Sqrt</c>, <c>T.Abs</c> and <c>T.IsFinite</c> compile; conversions go through this struct functor.
/// </summary>
public interface IWorkingPrecision<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Returns <paramref name="value"/> exactly as a double.</summary>
    double ToDouble(T value);

    /// <summary>Returns <paramref name="value"/> rounded to the working precision (as <c>T.CreateTruncating</c> does).</summary>
    T FromDouble(double value);
}

/// <summary>float32 working precision.</summary>
public readonly struct SinglePrecision : IWorkingPrecision<float>
{
    /// <inheritdoc />
    public double ToDouble(float value) => value;

    /// <inheritdoc />
    public float FromDouble(double value) => (float)value;
}

/// <summary>float64 working precision.</summary>
public readonly struct DoublePrecision : IWorkingPrecision<double>
{
    /// <inheritdoc />
    public double ToDouble(double value) => value;

    /// <inheritdoc />
    public double FromDouble(double value) => value;
}
