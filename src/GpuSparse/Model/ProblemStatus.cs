namespace GpuSparse.Model;

/// <summary>How the solve of one problem ended.</summary>
public enum ProblemStatus
{
    /// <summary>The duality gap reached the tolerance: the solution is certified.</summary>
    Converged,

    /// <summary>The iteration limit was hit first; the best iterate is returned with its gap.</summary>
    MaxIterations,

    /// <summary>The input of this problem is invalid (see the message); nothing was solved.</summary>
    Invalid,

    /// <summary>
    /// The iterates became non-finite or the objective grew without bound; the best finite iterate is
    /// returned with its gap, and the message says where the iteration ran away.
    /// </summary>
    Diverged,

    /// <summary>The solve was cancelled before this problem finished; the last iterate is returned.</summary>
    Cancelled,
}
