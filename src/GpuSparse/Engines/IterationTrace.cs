namespace GpuSparse.Engines;

/// <summary>
/// Observes the reference iteration at each duality-gap check: the iteration count, the gap (units of f)
/// and the iterate on the working scale (centred, standardized when asked). Diagnostics only.
/// </summary>
internal delegate void IterationTrace<T>(int iteration, double gap, ReadOnlySpan<T> working);
