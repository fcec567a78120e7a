using System.Numerics;
using GpuSparse.Benchmarks;
using GpuSparse.Model;
using GpuSparse.Solvers;

namespace GpuSparse.PtxCheck.Model;

/// <summary>
/// Iteration counts measured by solving a sample of a workload on a managed backend (the reference FISTA path
/// or coordinate descent, whose sweeps are the device CD's iterations), at the target's tolerance.
/// </summary>
/// <param name="Workload">The workload sampled (its first <see cref="Workload.K"/> problems).</param>
/// <param name="Backend">The backend that counted (<c>reference</c> or <c>cd</c>).</param>
/// <param name="Iterations">Iterations (FISTA steps or CD sweeps) of every problem, ascending.</param>
/// <param name="Converged">How many problems reached the tolerance.</param>
/// <param name="Seconds">Wall time of the sample's solve on this machine.</param>
internal sealed record IterationSample(Workload Workload, string Backend, int[] Iterations, int Converged, double Seconds)
{
    /// <summary>Solves the sample on <paramref name="backend"/> in precision T.</summary>
    public static IterationSample Measure<T>(Workload workload, ISolverBackend backend, SolverOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = backend.Solve(workload.Create<T>(), options);
        var iterations = result.Problems.Select(r => r.Iterations).Order().ToArray();
        return new IterationSample(workload, backend.Name, iterations, result.CountWith(ProblemStatus.Converged), result.Elapsed.TotalSeconds);
    }

    /// <summary>The q-quantile by the nearest-rank rule.</summary>
    public int Quantile(double q) => Iterations[Math.Clamp((int)Math.Ceiling(q * Iterations.Length) - 1, 0, Iterations.Length - 1)];

    /// <summary>The mean, which sets a batch's total work when finished problems free their slot.</summary>
    public double Mean => Iterations.Average();

    /// <summary>The largest count.</summary>
    public int Max => Iterations[^1];
}
