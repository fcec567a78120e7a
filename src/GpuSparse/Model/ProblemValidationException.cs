namespace GpuSparse.Model;

/// <summary>
/// Bad input, naming the problem index (when one problem is at fault) and the field.
/// Per-problem faults found while solving are reported as <see cref="ProblemStatus.Invalid"/> results
/// instead, so that one bad problem never spoils the rest of a batch; this exception is thrown only
/// where no problem can be solved (an empty batch, arrays of different batch sizes).
/// </summary>
public sealed class ProblemValidationException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public ProblemValidationException(int? problemIndex, string field, string reason)
        : base(Describe(problemIndex, field, reason))
    {
        ProblemIndex = problemIndex;
        Field = field;
        Reason = reason;
    }

    /// <summary>The index of the faulty problem in the batch, or null when the fault concerns the whole batch.</summary>
    public int? ProblemIndex { get; }

    /// <summary>The field at fault (<c>X</c>, <c>y</c>, <c>lambda</c>, <c>l1_ratio</c>, <c>penalty_factors</c>, …).</summary>
    public string Field { get; }

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; }

    internal static string Describe(int? problemIndex, string field, string reason) =>
        problemIndex is { } k ? $"problem {k}, field '{field}': {reason}" : $"field '{field}': {reason}";
}
