using GpuSparse.Backends;

namespace GpuSparse.Model;

/// <summary>Progress of a batch solve: problems finished (converged or otherwise) out of the total.</summary>
/// <param name="Finished">Problems finished so far.</param>
/// <param name="Total">Problems in the batch.</param>
/// <param name="Elapsed">Time since the solve started.</param>
public readonly record struct SolveProgress(int Finished, int Total, TimeSpan Elapsed);
