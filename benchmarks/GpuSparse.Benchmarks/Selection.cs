using GpuSparse.Backends;

namespace GpuSparse.Benchmarks;

/// <summary>
/// What a run benchmarks, chosen by environment variables (BenchmarkDotNet's parameter sources are static, so the
/// smoke job and the peer comparisons narrow them this way), and the backends by their registry names (<c>--backend</c>'s).
/// </summary>
public static class Selection
{
    /// <summary>
    /// The items named (comma-separated) in $<paramref name="variable"/>, each one of <paramref name="all"/>;
    /// without it, <paramref name="defaults"/> or else all of them.
    /// </summary>
    public static IEnumerable<TItem> Selected<TItem>(string variable, IReadOnlyList<TItem> all, Func<TItem, string> name,
        IReadOnlyList<TItem>? defaults = null) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } names
            ? names.Split(',').Select(n => all.SingleOrDefault(item => name(item) == n)
                ?? throw new ArgumentException($"${variable}: unknown '{n}'; choose among {string.Join(", ", all.Select(name))}"))
            : defaults ?? all;

    /// <summary>The backends named in $GPUSPARSE_BENCH_BACKENDS (auto, cd, reference, cpu, cuda), else <paramref name="defaults"/>.</summary>
    public static IEnumerable<string> Backends(params string[] defaults) =>
        Selected("GPUSPARSE_BENCH_BACKENDS", BackendRegistry.Names, name => name, defaults);
}
