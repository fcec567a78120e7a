using GpuSparse.Backends;
using GpuSparse.Data;
using GpuSparse.Engines;
using GpuSparse.Model;
using GpuSparse.Preparation;
using GpuSparse.Tests.Backends;
using GpuSparse.Tests.Reliability;
using Xunit;

namespace GpuSparse.Tests.Engines;

/// <summary>
/// <see cref="GroupPolish"/> on a device batch's converged group-Lasso iterates: each problem's polish is the same
/// bits whatever ran before it on the thread (its pooled arrays carry nothing over) and on whichever thread it runs;
/// a device batch collected on several threads gives the bits of one; a warm polish allocates none of its arrays.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class GroupPolishTests(CpuBackendFixture fixture) : IClassFixture<CpuBackendFixture>
{
    // 600 problems of 24 × 12 in groups (Problems): a device batch weighs each
    // problem's polish (GroupPolish.CostBytes) and so collects them in several ranges, where the staged bytes
    // alone would make one
    private const int Count = 600, Samples = 24, Features = 12;
    private static readonly SolverOptions Options = new() { Tolerance = 1e-10, MaxIterations = 20_000 };
    private readonly IlgpuBackend _backend = fixture.Backend;

    [Fact]
    public void EachPolishIsTheSameBitsInAnyOrderAndOnAnyThread()
    {
        var problems = Problems();
        var iterates = ConvergedIterates(problems);
        var forward = new Polished[Count];
        for (int k = 0; k < Count; k++)
            forward[k] = Polish(problems[k], iterates[k]);
        var backward = new Polished[Count];
        for (int k = Count - 1; k >= 0; k--)
            backward[k] = Polish(problems[k], iterates[k]);
        var parallel = new Polished[Count];
        Parallel.For(0, Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k => parallel[k] = Polish(problems[k], iterates[k]));
        // most converged iterates are polished (the others keep the engine's, which is no test of the polish)
        Assert.True(forward.Count(p => p.Certificate is not null) > Count / 2,
            $"only {forward.Count(p => p.Certificate is not null)} of {Count} problems polished");
        for (int k = 0; k < Count; k++)
        {
            Assert.Equal(forward[k].Certificate, backward[k].Certificate);
            Assert.Equal(forward[k].Certificate, parallel[k].Certificate);
            if (forward[k].Certificate is null)
                continue;
            Assert.Equal(forward[k].Beta, backward[k].Beta);
            Assert.Equal(forward[k].Beta, parallel[k].Beta);
        }
    }

    [Fact]
    public void CollectingOnSeveralThreadsGivesTheBitsOfOne()
    {
        var problems = Problems();
        var one = Collect(problems, threads: 1);
        var several = Collect(problems, threads: 4);
        Assert.True(one.Count(r => r.Status == ProblemStatus.Converged) > Count / 2);
        ReliabilitySuite.AssertBitIdentical(new BatchResult(one, "cpu", TimeSpan.Zero), new BatchResult(several, "cpu", TimeSpan.Zero),
            Enumerable.Range(0, Count));
    }

    [Fact]
    public void AWarmPolishAllocatesNoneOfItsArrays()
    {
        var problems = Problems();
        var iterates = ConvergedIterates(problems);
        var polished = new double[Features];
        const int calls = 50;
        int taken = 0;
        // every array a polish rents is in the pool after the first call of each size
        for (int k = 0; k < calls; k++)
            GroupPolish.Polish(problems[k], iterates[k], polished);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < calls; k++)
            taken += GroupPolish.Polish(problems[k], iterates[k], polished) is null ? 0 : 1;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(taken > calls / 2, $"only {taken} of {calls} problems polished");
        // what remains is VectorKernels.AddGram's closure (48 bytes a call); the arrays (X_A, G_AA, H, …) would be kilobytes
        Assert.True(allocated <= 64 * calls, $"{calls} warm polishes allocated {allocated} bytes");
    }

    private sealed record Polished((double Gap, double Objective)? Certificate, double[] Beta);

    private static Polished Polish(PreparedProblem<double> problem, double[] iterate)
    {
        var beta = new double[Features];
        return new Polished(GroupPolish.Polish(problem, iterate, beta), beta);
    }

    // The portable generator's problems at 0.05·α_max (the Lasso's), in groups of 3, 3, 3, 2 and 1.
    private static PreparedProblem<double>[] Problems()
    {
        int[] groups = [.. Enumerable.Range(0, Features).Select(j => j / 3 + (j == Features - 1 ? 1 : 0))];
        var data = PortableGenerator.Batch(Count, Samples, Features, seedBase: 9_000);
        var settings = Enumerable.Range(0, Count).Select(k =>
        {
            var problem = PortableGenerator.Problem(Samples, Features, (ulong)(9_000 + k));
            return ProblemSettings.Lasso(0.05 * PortableGenerator.AlphaMax(problem.X, problem.Y, Samples, Features)) with { Groups = groups };
        }).ToArray();
        var batch = ProblemBatch<double>.WithDesignPerProblem(data.X, Samples, Features, data.Y, settings);
        return [.. BatchPreparation.Prepare(batch, Options).Problems.Select(p => p!)];
    }

    private DeviceBatch<double> Run(PreparedProblem<double>[] problems, int? threads)
    {
        var device = new DeviceBatch<double>(_backend.Accelerator, _backend.Kernels, Count, Samples, Features,
            designPerProblem: true, positive: false, grouped: true) { StagingThreads = threads };
        device.Load(problems);
        return device;
    }

    // The last iterates (working scale) of the problems, every one converged.
    private double[][] ConvergedIterates(PreparedProblem<double>[] problems)
    {
        using var device = Run(problems, threads: null);
        int iteration = device.Run(Options, null, CancellationToken.None);
        device.Download();
        return [.. Enumerable.Range(0, Count).Select(k =>
        {
            Assert.Equal(ProblemStatus.Converged, device.Outcome(k, iteration).Status);
            return device.Iterate(k, best: false).ToArray();
        })];
    }

    private ProblemResult[] Collect(PreparedProblem<double>[] problems, int threads)
    {
        using var device = Run(problems, threads);
        int iteration = device.Run(Options, null, CancellationToken.None);
        var results = new ProblemResult[Count];
        device.Collect(problems, iteration, results);
        return results;
    }
}
