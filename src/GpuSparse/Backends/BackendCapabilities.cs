using GpuSparse.Model;

namespace GpuSparse.Backends;

/// <summary>What a backend can run: its algorithms, precisions and the extra engines it offers.</summary>
public sealed record BackendCapabilities
{
    /// <summary>
    /// The algorithms it runs besides <see cref="SolverAlgorithm.Auto"/> (which every backend runs). Asked for another,
    /// <see cref="ISolverBackend.Solve{T}"/> throws <see cref="NotSupportedException"/> before solving anything.
    /// </summary>
    public required IReadOnlyList<SolverAlgorithm> Algorithms { get; init; }

    /// <summary>The element types of the batches it solves (float32 and float64 on every backend here).</summary>
    public IReadOnlyList<Type> Precisions { get; init; } = [typeof(float), typeof(double)];

    /// <summary>
    /// Whether regularization paths and cross-validation on it walk whole paths with a path engine of their own
    /// (one Gram matrix per design) instead of one batch per λ step.
    /// </summary>
    public bool PathEngine { get; init; }

    /// <summary>Whether it keeps designs on the device between solves (<see cref="ResidentSession{T}"/>).</summary>
    public bool ResidentSessions { get; init; }

    /// <summary>A limit of an algorithm on this backend, or null (e.g. device coordinate descent only for p ≤ 64).</summary>
    public string? Limits { get; init; }

    /// <summary>Whether it runs <paramref name="algorithm"/>.</summary>
    public bool Runs(SolverAlgorithm algorithm) => algorithm == SolverAlgorithm.Auto || Algorithms.Contains(algorithm);

    /// <summary>Whether it solves batches of element type <typeparamref name="T"/>.</summary>
    public bool Solves<T>() => Precisions.Contains(typeof(T));

    /// <summary>Every concrete algorithm, as the managed backends run them.</summary>
    internal static readonly IReadOnlyList<SolverAlgorithm> AllAlgorithms =
        [.. Enum.GetValues<SolverAlgorithm>().Where(a => a != SolverAlgorithm.Auto)];
}
