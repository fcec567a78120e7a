namespace GpuSparse.Kernels.Batched;

/// <summary>The per-problem status codes kept on the device (plain ints, so that they can be counted atomically).</summary>
public static class BatchStatus
{
    /// <summary>Still iterating.</summary>
    public const int Active = 0;

    /// <summary>The duality gap reached the tolerance.</summary>
    public const int Converged = 1;

    /// <summary>The iteration limit was reached first.</summary>
    public const int MaxIterations = 2;

    /// <summary>The gap or the objective became non-finite, or the objective ran away.</summary>
    public const int Diverged = 3;

    /// <summary>Not iterated at all: the host found the problem's input invalid.</summary>
    public const int Skipped = 4;

    /// <summary>
    /// Coordinate descent only: a sweep right after a check moved no coordinate, so β is a fixed point of the
    /// iteration with the gap still above the tolerance (reported as the iteration limit, with its own message).
    /// </summary>
    public const int FixedPoint = 5;
}
