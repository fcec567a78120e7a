using GpuSparse.Backends;
using GpuSparse.Model;
using Xunit;
using Xunit.Abstractions;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// The agreement checks every ILGPU backend must pass against the reference path, shared by the CPU-accelerator
/// and the CUDA test classes. With Tolerance = 0 every problem runs exactly MaxIterations iterations with a gap
/// check every CheckInterval, so the whole trajectory is compared.
/// </summary>
internal static class AgreementScenarios
{
    private static SolverOptions Exact(SolverAlgorithm algorithm, int iterations = 23) =>
        new() { Algorithm = algorithm, Tolerance = 0, MaxIterations = iterations, CheckInterval = 4 };

    // The scenarios' certificate parameter: the bound on gaps and objectives where it is not the values' (Agreement.Check).

    public static AgreementReport SharedDesign(ISolverBackend backend, SolverAlgorithm algorithm, double relative, ITestOutputHelper output,
        double gapRounding = 0, double? certificate = null)
    {
        var settings = TestProblems.Mixed(24, 7, seed: 1);
        var batch = TestProblems.Shared<double>(20, 7, settings, seed: 2);
        return Report(output, $"shared design, {algorithm}, float64",
            Agreement.Check(backend, batch, Exact(algorithm), relative, gapRounding: gapRounding, certificateRelative: certificate));
    }

    public static AgreementReport PerProblemDesigns(ISolverBackend backend, SolverAlgorithm algorithm, double relative, ITestOutputHelper output,
        double gapRounding = 0, double? certificate = null)
    {
        var settings = TestProblems.Mixed(20, 6, seed: 3);
        var batch = TestProblems.PerProblem<double>([12, 9, 12, 5], 6, settings, seed: 4);
        return Report(output, $"per-problem designs, {algorithm}, float64",
            Agreement.Check(backend, batch, Exact(algorithm), relative, gapRounding: gapRounding, certificateRelative: certificate));
    }

    /// <param name="gapRounding">0 where the operation order is the reference's; otherwise the gap's rounding bound (a gap that rounds to ≤ 0 converges).</param>
    public static void OddShapes(ISolverBackend backend, double relative, ITestOutputHelper output, double gapRounding = 0, double? certificate = null)
    {
        // (n, p, zero column): one sample, one feature, p > n, an all-zero column
        foreach (var (n, p, zero) in new[] { (1, 3, false), (10, 1, false), (5, 12, false), (9, 4, true) })
        {
            var settings = TestProblems.Mixed(8, p, seed: 5 + n);
            var batch = TestProblems.Shared<double>(n, p, settings, seed: 6 + p, zeroColumn: zero);
            foreach (var algorithm in new[] { SolverAlgorithm.Ista, SolverAlgorithm.Fista })
                Report(output, $"n = {n}, p = {p}{(zero ? ", zero column" : "")}, {algorithm}",
                    Agreement.Check(backend, batch, Exact(algorithm, 9), relative, gapRounding: gapRounding, certificateRelative: certificate));
        }
    }

    public static AgreementReport Float32(ISolverBackend backend, SolverAlgorithm algorithm, double relative, ITestOutputHelper output,
        double gapRounding = 0, double? certificate = null)
    {
        var settings = TestProblems.Mixed(24, 7, seed: 7);
        var batch = TestProblems.Shared<float>(20, 7, settings, seed: 8);
        return Report(output, $"shared design, {algorithm}, float32",
            Agreement.Check(backend, batch, Exact(algorithm), relative, gapRounding: gapRounding, certificateRelative: certificate));
    }

    /// <param name="gapRounding">0 on the CPU accelerator (identical iteration counts); on CUDA the gap's rounding bound (see <see cref="Agreement.Check"/>).</param>
    public static void AtTolerance(ISolverBackend backend, double relative, ITestOutputHelper output, double gapRounding = 0, double? certificate = null)
    {
        var settings = TestProblems.Mixed(12, 5, seed: 9);
        var batch = TestProblems.PerProblem<double>([15, 11], 5, settings, seed: 10);
        var options = new SolverOptions { Tolerance = 1e-6, MaxIterations = 400, CheckInterval = 10 };
        Report(output, "to tolerance 1e-6", Agreement.Check(backend, batch, options, relative, gapRounding: gapRounding, certificateRelative: certificate));
        // the scenario is only meaningful if problems stop at different checks, by convergence
        using var reference = new ReferenceBackend();
        var solved = reference.Solve(batch, options);
        Assert.True(solved.CountWith(ProblemStatus.Converged) > batch.Count / 2, "most problems should converge");
        Assert.True(solved.Problems.Select(r => r.Iterations).Distinct().Count() > 2, "iteration counts should differ");
    }

    public static void InvalidAndChunked(ISolverBackend backend, double relative, ITestOutputHelper output, double gapRounding = 0, double? certificate = null)
    {
        var settings = TestProblems.Mixed(13, 4, seed: 11);
        settings[5] = settings[5] with { Lambda = -1 };
        var batch = TestProblems.Shared<double>(10, 4, settings, seed: 12);
        Report(output, "an invalid problem, chunks of 4",
            Agreement.Check(backend, batch, Exact(SolverAlgorithm.Fista, 7), relative, gapRounding: gapRounding, certificateRelative: certificate));
    }

    private static AgreementReport Report(ITestOutputHelper output, string scenario, AgreementReport report)
    {
        output.WriteLine($"{scenario}: {report}");
        return report;
    }
}
