using System.Numerics;

namespace GpuSparse.Preparation;

/// <summary>
/// One worker's array for the working designs of the problems it prepares and solves one after the other (see
/// <see cref="PreparationCache{T}.Prepare"/>): reallocated only when a problem of another size arrives.
/// </summary>
internal sealed class DesignScratch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _values = [];

    /// <summary>The array of the given length (the previous problem's working design is overwritten).</summary>
    public T[] Get(int length) => _values.Length == length ? _values : _values = new T[length];
}
