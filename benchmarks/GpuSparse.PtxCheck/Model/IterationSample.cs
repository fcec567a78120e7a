using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Benchmarks;
using GpuSparse.Data;
using GpuSparse.Model;

namespace GpuSparse.PtxCheck.Model;

/// <summary>
/// Iteration counts measured by solving a sample of a workload on a managed backend (the reference FISTA path
/// or coordinate descent, whose sweeps are the device CD's iterations), at the target's tolerance.
/// </summary>
/// <param name="Workload">The workload sampled (its first <see cref="Workload.K"/> problems).</param>
/// <param name="Backend">The backend that counted (<c>reference</c> or <c>cd</c>).</param>
/// <param name="Order">Iterations (FISTA steps or CD sweeps) of every problem, in problem order.</param>
/// <param name="Converged">How many problems reached the tolerance.</param>
/// <param name="Seconds">Wall time of the sample's solve on this machine.</param>
internal sealed record IterationSample(Workload Workload, string Backend, int[] Order, int Converged, double Seconds)
{
    /// <summary>The counts, ascending.</summary>
    public int[] Iterations { get; } = [.. Order.Order()];

    /// <summary>Solves the sample on <paramref name="backend"/> in precision T.</summary>
    public static IterationSample Measure<T>(Workload workload, ISolverBackend backend, SolverOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = backend.Solve(workload.Create<T>(), options);
        var iterations = result.Problems.Select(r => r.Iterations).ToArray();
        return new IterationSample(workload, backend.Name, iterations, result.CountWith(ProblemStatus.Converged), result.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Solves the workload's problems with one shared design instead of their own: X is problem 0's, and problem
    /// k's response keeps its coefficients and noise, y_k = X·w_k + (y_k' − X_k'·w_k), its λ drawn as the workload
    /// draws it (a fraction of λ_max for this X and y). The sweep shape: many responses or λ on one X.
    /// </summary>
    public static IterationSample MeasureSharedDesign(Workload workload, ISolverBackend backend, SolverOptions options)
    {
        int n = workload.N, p = workload.P;
        var shared = PortableGenerator.Problem(n, p, workload.SeedBase);
        var fractions = new double[workload.K];
        PortableGenerator.Uniform01(workload.AlphaSeed, fractions);
        var responses = new double[workload.K * n];
        var settings = new ProblemSettings[workload.K];
        for (int k = 0; k < workload.K; k++)
        {
            var own = PortableGenerator.Problem(n, p, unchecked(workload.SeedBase + (ulong)k));
            var y = responses.AsSpan(k * n, n);
            for (int i = 0; i < n; i++)
            {
                double sharedFit = 0, ownFit = 0;
                for (int j = 0; j < p; j++)
                {
                    sharedFit += shared.X[i * p + j] * own.WTrue[j];
                    ownFit += own.X[i * p + j] * own.WTrue[j];
                }
                y[i] = sharedFit + (own.Y[i] - ownFit);
            }
            settings[k] = ProblemSettings.Lasso(Math.Pow(10.0, -2.0 + 1.5 * fractions[k]) * PortableGenerator.AlphaMax(shared.X, y, n, p));
        }
        var result = backend.Solve(ProblemBatch<double>.WithSharedDesign(shared.X, p, responses, settings), options);
        var iterations = result.Problems.Select(r => r.Iterations).ToArray();
        return new IterationSample(workload with { Name = workload.Name + " (shared X)" }, backend.Name, iterations,
            result.CountWith(ProblemStatus.Converged), result.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The mean over consecutive groups of 32 problems of the group's largest count, in problem order: the
    /// iterations a warp runs when its 32 threads solve 32 problems in step.
    /// </summary>
    public double WarpMaxMean => Order.Chunk(H200.WarpSize).Average(group => group.Max());

    /// <summary>The q-quantile by the nearest-rank rule.</summary>
    public int Quantile(double q) => Iterations[Math.Clamp((int)Math.Ceiling(q * Iterations.Length) - 1, 0, Iterations.Length - 1)];

    /// <summary>The mean, which sets a batch's total work when finished problems free their slot.</summary>
    public double Mean => Iterations.Average();

    /// <summary>The largest count.</summary>
    public int Max => Iterations[^1];
}
