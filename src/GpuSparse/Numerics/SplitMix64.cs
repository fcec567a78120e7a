namespace GpuSparse.Numerics;

/// <summary>
/// The SplitMix64 sequence, addressable by index: the same numbers on every platform, for shuffles and generated data
/// that must be reproducible anywhere.
/// </summary>
internal static class SplitMix64
{
    private const ulong Golden = 0x9E3779B97F4A7C15;
    private const ulong Mix1 = 0xBF58476D1CE4E5B9;
    private const ulong Mix2 = 0x94D049BB133111EB;

    /// <summary>
    /// Output <paramref name="i"/> (0-based) started from state <paramref name="seed"/>:
    /// <c>mix(seed + (i+1)·0x9E3779B97F4A7C15)</c>, all arithmetic wrapping modulo 2^64.
    /// </summary>
    public static ulong Output(ulong seed, long i)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(i);
        unchecked
        {
            ulong z = seed + ((ulong)i + 1) * Golden;
            z = (z ^ (z >> 30)) * Mix1;
            z = (z ^ (z >> 27)) * Mix2;
            return z ^ (z >> 31);
        }
    }
}
