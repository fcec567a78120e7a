using GpuSparse.Model;

namespace GpuSparse.Backends;

/// <summary>
/// Backends name a problem by its index in the batch they were given ("problem 3: …"). A batch cut into parts (over
/// devices, in windows, in shards) must name the problem of the whole batch: this renumbers a part's messages.
/// </summary>
public static class ProblemNumbering
{
    /// <summary>
    /// The results of a part whose first problem is <paramref name="first"/> in the whole batch: messages beginning
    /// "problem k" say "problem first + k"; everything else is unchanged.
    /// </summary>
    /// <param name="problems">The part's results, in its order.</param>
    /// <param name="first">The index in the whole batch of the part's problem 0.</param>
    public static IReadOnlyList<ProblemResult> Renumbered(IReadOnlyList<ProblemResult> problems, int first) =>
        first == 0 ? problems : [.. problems.Select((result, k) => result.Message is { } message && Names(message, k, out int length)
            ? result with { Message = $"problem {first + k}{message[length..]}" }
            : result)];

    // Whether the message begins "problem k" (not "problem k0…"), and how long that is.
    private static bool Names(string message, int k, out int length)
    {
        string prefix = $"problem {k}";
        length = prefix.Length;
        return message.StartsWith(prefix, StringComparison.Ordinal) && (message.Length == length || !char.IsAsciiDigit(message[length]));
    }
}
