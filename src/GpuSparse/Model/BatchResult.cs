namespace GpuSparse.Model;

/// <summary>The results of a batch, in the order of its problems.</summary>
public sealed class BatchResult
{
    /// <summary>Creates a batch result.</summary>
    public BatchResult(IReadOnlyList<ProblemResult> problems, string backend, TimeSpan elapsed)
    {
        Problems = problems;
        Backend = backend;
        Elapsed = elapsed;
    }

    /// <summary>One result per problem, in batch order.</summary>
    public IReadOnlyList<ProblemResult> Problems { get; }

    /// <summary>The backend that solved the batch.</summary>
    public string Backend { get; }

    /// <summary>Wall-clock time of the solve (preparation included).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The number of problems with the given status.</summary>
    public int CountWith(ProblemStatus status) => Problems.Count(r => r.Status == status);

    /// <summary>The problem results at the given index.</summary>
    public ProblemResult this[int k] => Problems[k];
}
