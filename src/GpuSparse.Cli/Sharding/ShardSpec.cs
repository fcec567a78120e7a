using System.CommandLine;
using System.Globalization;
using GpuSparse.Cli.Input;

namespace GpuSparse.Cli.Sharding;

/// <summary>What a command's shards split: the problems of a solve (K of them), the targets of a sweep (T).</summary>
/// <param name="Name">The unit, singular: <c>problem</c>, <c>target</c>.</param>
/// <param name="Symbol">How messages count them: K, T.</param>
internal sealed record ShardUnit(string Name, string Symbol)
{
    public static readonly ShardUnit Problem = new("problem", "K");

    public static readonly ShardUnit Target = new("target", "T");

    /// <summary>The unit a manifest names (<see cref="Problem"/> for any name but <c>target</c>).</summary>
    public static ShardUnit Named(string name) => name == Target.Name ? Target : Problem;
}

/// <summary>
/// <c>--shard I/N</c>: shard I (0-based) of N takes the contiguous units [⌊I·K/N⌋, ⌊(I+1)·K/N⌋) of K, so the N shards
/// cover every unit once and differ in size by at most one.
/// </summary>
/// <param name="Index">I, in [0, N).</param>
/// <param name="Count">N ≥ 1.</param>
/// <param name="Unit">What is split.</param>
internal sealed record ShardSpec(int Index, int Count, ShardUnit Unit) : IProblemRange
{
    /// <summary>The <c>--shard</c> option of a command that splits <paramref name="units"/> (described for its help).</summary>
    public static Option<string> Option(string units) => new("--shard")
    {
        Description = $"I/N: run only shard I (from 0) of N, the {units} [⌊I·K/N⌋, ⌊(I+1)·K/N⌋), reading only their rows; " +
            "gpusparse merge joins the N folders (docs/scale-out.md)",
    };

    /// <summary>Parses <c>I/N</c> as the command line gives it (Slurm's <c>$SLURM_ARRAY_TASK_ID/N</c>).</summary>
    /// <exception cref="InputException">Not two whole numbers with 0 ≤ I &lt; N.</exception>
    public static ShardSpec Parse(string text, ShardUnit unit)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
            throw new InputException($"--shard {text}: expected I/N, two whole numbers (shard I of N, counted from 0), as --shard 0/4");
        if (count < 1 || index >= count)
            throw new InputException($"--shard {text}: I must be in [0, N) and N ≥ 1 (shards of N are 0/N … {Math.Max(count, 1) - 1}/N)");
        return new ShardSpec(index, count, unit);
    }

    /// <summary>The first unit of this shard of <paramref name="units"/>.</summary>
    public int StartOf(int units) => (int)((long)Index * units / Count);

    /// <summary>One past the last unit of this shard of <paramref name="units"/>.</summary>
    public int EndOf(int units) => (int)((Index + 1L) * units / Count);

    /// <summary>Checks that <paramref name="units"/> (from <paramref name="source"/>) give every shard one.</summary>
    /// <exception cref="InputException">K &lt; N: some shards would be empty.</exception>
    public void CheckFits(int units, string source)
    {
        if (units < Count)
            throw new InputException($"--shard {this}: {source} holds {Unit.Symbol} = {units} {Unit.Name}(s), fewer than the N = {Count} shards; " +
                $"use at most {units} shards (an empty shard would have nothing to write)");
    }

    public (int Start, int End) Of(int problems, string source)
    {
        CheckFits(problems, source);
        return (StartOf(problems), EndOf(problems));
    }

    public override string ToString() => $"{Index}/{Count}";
}
