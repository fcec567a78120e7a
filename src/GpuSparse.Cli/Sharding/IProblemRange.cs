using GpuSparse.Cli.Input;

namespace GpuSparse.Cli.Sharding;

/// <summary>
/// Which contiguous problems of a batch a command reads: a shard (<see cref="ShardSpec"/>) or one window of it
/// (<see cref="ProblemWindow"/>). Inputs are read only for these problems.
/// </summary>
internal interface IProblemRange
{
    /// <summary>The problems [Start, End) of a batch of <paramref name="problems"/> that <paramref name="source"/> gives.</summary>
    /// <exception cref="InputException">The batch is too small for the range.</exception>
    (int Start, int End) Of(int problems, string source);
}

/// <summary>
/// Problems [<paramref name="Offset"/>, <paramref name="Offset"/> + <paramref name="Size"/>) of an outer range (the
/// whole batch when <paramref name="Outer"/> is null), cut at its end: a batch larger than memory is solved one
/// window at a time.
/// </summary>
internal sealed record ProblemWindow(IProblemRange? Outer, int Offset, int Size) : IProblemRange
{
    public (int Start, int End) Of(int problems, string source)
    {
        var (start, end) = Outer?.Of(problems, source) ?? (0, problems);
        int first = (int)Math.Min(end, (long)start + Offset);
        return (first, (int)Math.Min(end, (long)first + Size));
    }
}
