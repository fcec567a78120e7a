using System.Globalization;
using GpuSparse.Cli.Input;

namespace GpuSparse.Cli.Sharding;

/// <summary>
/// <c>--shard I/N</c>: shard I (0-based) of N takes the contiguous problems [⌊I·K/N⌋, ⌊(I+1)·K/N⌋) of a batch of K,
/// so the N shards cover every problem once and differ in size by at most one problem.
/// </summary>
/// <param name="Index">I, in [0, N).</param>
/// <param name="Count">N ≥ 1.</param>
internal sealed record ShardSpec(int Index, int Count) : IProblemRange
{
    /// <summary>Parses <c>I/N</c> as the command line gives it (Slurm's <c>$SLURM_ARRAY_TASK_ID/N</c>).</summary>
    /// <exception cref="InputException">Not two whole numbers with 0 ≤ I &lt; N.</exception>
    public static ShardSpec Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
            throw new InputException($"--shard {text}: expected I/N, two whole numbers (shard I of N, counted from 0), as --shard 0/4");
        if (count < 1 || index >= count)
            throw new InputException($"--shard {text}: I must be in [0, N) and N ≥ 1 (shards of N are 0/N … {Math.Max(count, 1) - 1}/N)");
        return new ShardSpec(index, count);
    }

    /// <summary>The first problem of this shard in a batch of <paramref name="problems"/>.</summary>
    public int StartOf(int problems) => (int)((long)Index * problems / Count);

    /// <summary>One past the last problem of this shard in a batch of <paramref name="problems"/>.</summary>
    public int EndOf(int problems) => (int)((Index + 1L) * problems / Count);

    /// <summary>Checks that a batch of <paramref name="problems"/> (from <paramref name="source"/>) gives every shard a problem.</summary>
    /// <exception cref="InputException">K &lt; N: some shards would be empty.</exception>
    public void CheckFits(int problems, string source)
    {
        if (problems < Count)
            throw new InputException($"--shard {this}: {source} holds K = {problems} problem(s), fewer than the N = {Count} shards; use at most {problems} shards");
    }

    public (int Start, int End) Of(int problems, string source)
    {
        CheckFits(problems, source);
        return (StartOf(problems), EndOf(problems));
    }

    public override string ToString() => $"{Index}/{Count}";
}
