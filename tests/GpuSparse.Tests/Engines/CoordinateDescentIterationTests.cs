using GpuSparse.Backends;
using GpuSparse.Data;
using GpuSparse.Engines;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Certificates;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Kernels.Steps;
using GpuSparse.Model;
using Xunit;

namespace GpuSparse.Tests.Engines;

/// <summary>
/// The one coordinate-descent iteration (<see cref="CoordinateDescent.Iterate"/>) that batches and path steps run: when
/// it checks, how it stops (on scripted forms), and that the path's restricted Gram form on every feature solves the
/// batch problem (a batch is a one-step path), also when features join between two runs as after a KKT check.
/// </summary>
public class CoordinateDescentIterationTests
{
    private const double Tolerance = 1e-8;

    /// <summary>What a scripted form does at each sweep and check, and where it was checked.</summary>
    private sealed class Script(bool[] moves, double[] gaps, bool[]? probes = null)
    {
        public int Sweeps;
        public int Checks;
        public List<int> CheckedAt { get; } = [];
        public double[] Beta { get; } = [0.0];
        public double[] Best { get; } = [-1.0];
        public bool[] Moves => moves;
        public double[] Gaps => gaps;
        public bool[]? Probes => probes;
    }

    private readonly struct ScriptedForm(Script script) : CoordinateDescent.IForm, IConvergenceProbe
    {
        public bool Sweep()
        {
            bool moved = script.Moves[script.Sweeps++];
            if (moved)
                script.Beta[0] += 1;
            return moved;
        }

        public (double Gap, double Objective) Check()
        {
            script.CheckedAt.Add(script.Sweeps);
            return (script.Gaps[script.Checks++], 1.0);
        }

        public bool MayHaveConverged(double tolerance) => script.Probes?[script.Sweeps - 1] ?? false;
    }

    private static (int Verdict, int Iteration, bool FixedPoint, CheckRecord Record) Run(Script script, int checkInterval, int maxIterations,
        CancellationToken cancellationToken = default)
    {
        var record = CheckRecord.First(1.0, 1.0, 1.0);
        int iteration = 0;
        var form = new ScriptedForm(script);
        int verdict = CoordinateDescent.Iterate(form, form, new CoordinateDescent.SweepLimits(Tolerance, maxIterations, checkInterval),
            ref record, script.Beta, script.Best, ref iteration, out bool fixedPoint, cancellationToken);
        return (verdict, iteration, fixedPoint, record);
    }

    private static bool[] Moving(int sweeps) => Enumerable.Repeat(true, sweeps).ToArray();

    [Fact]
    public void ChecksEveryIntervalUntilConverged()
    {
        var script = new Script(Moving(20), [0.5, 1e-9]);
        var (verdict, iteration, _, record) = Run(script, checkInterval: 3, maxIterations: 100);
        Assert.Equal(BatchStatus.Converged, verdict);
        Assert.Equal([3, 6], script.CheckedAt);
        Assert.Equal(6, iteration);
        Assert.Equal(1e-9, record.Gap);
    }

    [Fact]
    public void ASweepThatMovesNothingRightAfterACheckIsAFixedPoint()
    {
        var script = new Script([true, true, true, false], [0.5]);
        var (verdict, iteration, fixedPoint, _) = Run(script, checkInterval: 3, maxIterations: 100);
        Assert.Equal(BatchStatus.FixedPoint, verdict);
        Assert.True(fixedPoint);
        Assert.Equal(4, iteration);
        // The fixed point needs no check of its own: β has not changed since the last one.
        Assert.Equal([3], script.CheckedAt);
    }

    [Fact]
    public void ASweepThatMovesNothingOnADriftedStateIsCheckedNotAFixedPoint()
    {
        var script = new Script([true, false, false], [0.5]);
        var (verdict, iteration, _, _) = Run(script, checkInterval: 3, maxIterations: 100);
        Assert.Equal([2], script.CheckedAt);
        Assert.Equal(BatchStatus.FixedPoint, verdict);
        Assert.Equal(3, iteration);
    }

    [Fact]
    public void TheProbeCallsAChecksBetweenIntervals()
    {
        var script = new Script(Moving(20), [0.5, 1e-9], [false, true, false, true, false]);
        var (verdict, iteration, _, _) = Run(script, checkInterval: int.MaxValue, maxIterations: 100);
        Assert.Equal(BatchStatus.Converged, verdict);
        Assert.Equal([2, 4], script.CheckedAt);
        Assert.Equal(4, iteration);
    }

    [Fact]
    public void TheBudgetEndsWithACheck()
    {
        var script = new Script(Moving(20), [0.5, 0.4]);
        var (verdict, iteration, _, record) = Run(script, checkInterval: 3, maxIterations: 5);
        Assert.Equal(BatchStatus.MaxIterations, verdict);
        Assert.Equal([3, 5], script.CheckedAt);
        Assert.Equal(5, iteration);
        Assert.Equal(0.4, record.Gap);
    }

    [Fact]
    public void TheBestIterateIsTheSmallestGapsAndADivergedCheckStops()
    {
        var script = new Script(Moving(20), [0.5, 0.7, double.NaN]);
        var (verdict, iteration, _, record) = Run(script, checkInterval: 1, maxIterations: 100);
        Assert.Equal(BatchStatus.Diverged, verdict);
        Assert.Equal(3, iteration);
        Assert.Equal(3.0, script.Beta[0]);
        Assert.Equal(1.0, script.Best[0]);
        Assert.Equal(0.5, record.BestGap);
    }

    [Fact]
    public void CancellationLeavesTheProblemActive()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var script = new Script(Moving(20), [0.5]);
        var (verdict, iteration, _, _) = Run(script, checkInterval: 3, maxIterations: 100, cancelled.Token);
        Assert.Equal(BatchStatus.Active, verdict);
        Assert.Equal(0, iteration);
    }

    /// <summary>The Lasso weights λ on every coordinate.</summary>
    private readonly struct LassoWeights(double lambda) : IPenaltyWeights
    {
        public double L1Weight(int j) => lambda;

        public double L2Weight(int j) => 0;

        public int BlockEnd(int start) => start + 1;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheRestrictedFormOnEveryFeatureSolvesTheBatchProblem(bool featuresJoinInTwoSteps)
    {
        const int n = 60, p = 25;
        var problem = PortableGenerator.Problem(n, p, 9_100_000, kNonzero: 6, noise: 0.5);
        // G = XᵀX/n, c = Xᵀy/n: the problem without an intercept, ½βᵀGβ − cᵀβ + λ‖β‖₁ + ‖y‖²/(2n)
        var gram = new double[p * p];
        var c = new double[p];
        double responseNorm2 = 0;
        for (int i = 0; i < n; i++)
        {
            responseNorm2 += problem.Y[i] * problem.Y[i] / n;
            for (int a = 0; a < p; a++)
            {
                c[a] += problem.X[i * p + a] * problem.Y[i] / n;
                for (int b = 0; b < p; b++)
                    gram[a * p + b] += problem.X[i * p + a] * problem.X[i * p + b] / n;
            }
        }
        double lambda = 0.1 * c.Max(Math.Abs);
        // Within the Gram form's trusted tolerances (GramDualityGap.TrustedTolerance).
        double gapTolerance = 1e-11 * responseNorm2;
        var beta = new double[p];
        var q = (double[])c.Clone();
        var solved = new RestrictedGramCoordinateDescent(p);
        int sweeps = 0;
        try
        {
            foreach (int joined in featuresJoinInTwoSteps ? new[] { p / 2, p } : [p])
            {
                for (int j = solved.Count; j < joined; j++)
                    solved.Add(j, gram);
                var form = solved.Start<ElasticNet<double>, LassoWeights>(c, q, beta, new LassoWeights(lambda), responseNorm2);
                // As a path step: no check yet, and only a non-finite gap diverges.
                var record = new CheckRecord { Gap = double.PositiveInfinity, BestGap = double.PositiveInfinity, Runaway = double.PositiveInfinity };
                int verdict = CoordinateDescent.Iterate(form, form, new CoordinateDescent.SweepLimits(gapTolerance, 100_000, int.MaxValue),
                    ref record, ReadOnlySpan<double>.Empty, Span<double>.Empty, ref sweeps, out _, CancellationToken.None);
                Assert.Equal(BatchStatus.Converged, verdict);
                solved.Scatter(beta, q);
            }
        }
        finally
        {
            solved.Release();
        }

        // KKT: qⱼ = λ·sign βⱼ where βⱼ ≠ 0, |qⱼ| ≤ λ elsewhere, with q = c − Gβ recomputed here.
        for (int j = 0; j < p; j++)
        {
            double qj = c[j];
            for (int b = 0; b < p; b++)
                qj -= gram[j * p + b] * beta[b];
            Assert.Equal(qj, q[j], 1e-12);
            if (beta[j] != 0)
                Assert.True(Math.Abs(qj - lambda * Math.Sign(beta[j])) <= 1e-6 * lambda, $"feature {j}: q = {qj}, λ = {lambda}");
            else
                Assert.True(Math.Abs(qj) <= lambda * (1 + 1e-9), $"feature {j}: |q| = {Math.Abs(qj)} > λ = {lambda}");
        }

        // The batch engine on the same problem (no intercept) reaches the same coefficients.
        using var backend = BackendRegistry.Create("cd");
        var batch = ProblemBatch<double>.WithDesignPerProblem(problem.X, n, p, problem.Y, [ProblemSettings.Lasso(lambda, fitIntercept: false)]);
        var result = backend.Solve(batch, new SolverOptions { Tolerance = 1e-11, MaxIterations = 100_000 });
        Assert.Equal(ProblemStatus.Converged, result[0].Status);
        for (int j = 0; j < p; j++)
            Assert.Equal(result[0].Coefficients[j], beta[j], 1e-6);
    }
}
