namespace GpuSparse.Model;

/// <summary>
/// Lengths of arrays sized by the inputs (counts of problems, steps, features, patches), computed without overflow:
/// a request no .NET array can hold is refused with a clear error naming what it would hold.
/// </summary>
internal static class ArraySize
{
    /// <summary>
    /// a·b·c as an array length. Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="what"/> when
    /// it exceeds <see cref="Array.MaxLength"/>.
    /// </summary>
    public static int Of(string what, int a, int b, int c = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(a);
        ArgumentOutOfRangeException.ThrowIfNegative(b);
        ArgumentOutOfRangeException.ThrowIfNegative(c);
        // Two ints multiply exactly in a long; the third factor is checked against the limit before it multiplies.
        long ab = (long)a * b;
        if (c != 0 && ab > Array.MaxLength / c)
            throw new ArgumentOutOfRangeException(what,
                $"{what}: {a} × {b}{(c == 1 ? "" : $" × {c}")} values exceed the largest array ({Array.MaxLength:N0} values); ask for fewer at a time");
        return (int)(ab * c);
    }
}
