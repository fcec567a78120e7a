using System.Numerics;
using System.Runtime.InteropServices;

namespace GpuSparse.Sweeps;

/// <summary>The rows of X as float64: a float64 design in place, a float32 one widened into one reused buffer.</summary>
internal readonly ref struct DesignRows<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> _values;
    private readonly double[] _widened;
    private readonly int _features;

    public DesignRows(ReadOnlySpan<T> values, int features)
    {
        _values = values;
        _features = features;
        _widened = typeof(T) == typeof(double) ? [] : new double[features];
    }

    public ReadOnlySpan<double> Row(int i)
    {
        var row = _values.Slice(i * _features, _features);
        if (typeof(T) == typeof(double))
            return MemoryMarshal.Cast<T, double>(row);
        for (int j = 0; j < _features; j++)
            _widened[j] = double.CreateTruncating(row[j]);
        return _widened;
    }
}
