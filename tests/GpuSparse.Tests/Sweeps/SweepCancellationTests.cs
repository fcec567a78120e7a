using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Data;
using GpuSparse.Model;
using GpuSparse.Sweeps;
using Xunit;

namespace GpuSparse.Tests.Sweeps;

/// <summary>
/// A cancelled sweep returns what it finished: the steps solved before the token fired are the uncancelled sweep's,
/// bit for bit; the rest are <see cref="ProblemStatus.Cancelled"/>, and cross-validation chooses among finished steps.
/// </summary>
public sealed class SweepCancellationTests
{
    private const int N = 60, P = 12, Steps = 10;

    /// <summary>The reference backend, cancelling the token once it has solved <c>after</c> batches (one per λ step).</summary>
    private sealed class CancelAfter(int after, CancellationTokenSource source) : ISolverBackend
    {
        private readonly ReferenceBackend _inner = new();
        private int _solves;

        public string Name => "reference";

        public GpuSparse.Backends.BackendCapabilities Capabilities => _inner.Capabilities;

        public BatchResult Solve<T>(ProblemBatch<T> batch, SolverOptions options, IProgress<SolveProgress>? progress = null,
            CancellationToken cancellationToken = default) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var result = _inner.Solve(batch, options, progress, cancellationToken);
            if (++_solves == after)
                source.Cancel();
            return result;
        }

        public void Dispose() => _inner.Dispose();
    }

    private static (double[] X, double[] Y) Data()
    {
        var problem = PortableGenerator.Problem(N, P, 77, kNonzero: 4, noise: 0.3);
        return (problem.X, problem.Y);
    }

    // Without screening every step is one batch, so "after 3 batches" is "after step 2".
    private static SweepOptions Options => new()
    {
        LambdaCount = Steps,
        L1Ratios = [1.0, 0.5],
        Path = new PathOptions { Screening = false, Solver = new SolverOptions { Tolerance = 1e-10 } },
    };

    [Fact]
    public void APathCancelledMidSweepKeepsTheFinishedStepsAndMarksTheRest()
    {
        var (x, y) = Data();
        using var reference = new ReferenceBackend();
        var full = PathSolver.Solve<double>(reference, x, P, [y], Options);
        using var source = new CancellationTokenSource();
        using var backend = new CancelAfter(3, source);
        var cancelled = PathSolver.Solve<double>(backend, x, P, [y], Options, source.Token);

        Assert.Equal(3, cancelled.BatchSolves);
        for (int k = 0; k < cancelled.Paths; k++)
        {
            for (int i = 0; i < 3; i++)
            {
                int at = cancelled.Index(k, i);
                Assert.Equal(ProblemStatus.Converged, cancelled.Statuses[at]);
                Assert.Equal(full.Coefficient(k, i).ToArray(), cancelled.Coefficient(k, i).ToArray());
                Assert.Equal(full.DualityGaps[at], cancelled.DualityGaps[at]);
            }
            for (int i = 3; i < Steps; i++)
            {
                int at = cancelled.Index(k, i);
                Assert.Equal(ProblemStatus.Cancelled, cancelled.Statuses[at]);
                Assert.Equal(full.Lambdas[at], cancelled.Lambdas[at]);
                Assert.True(double.IsNaN(cancelled.Intercepts[at]));
                Assert.Equal(0, cancelled.Iterations[at]);
            }
        }
        Assert.Equal(3 * cancelled.Paths, cancelled.CountWith(ProblemStatus.Converged));
    }

    [Fact]
    public void CrossValidationCancelledMidSweepChoosesAmongTheFinishedSteps()
    {
        var (x, y) = Data();
        int[] folds = Folds.Contiguous(N, 3);
        using var source = new CancellationTokenSource();
        using var backend = new CancelAfter(4, source);
        var cv = CrossValidation.Run<double>(backend, x, P, [y], folds, Options, source.Token);

        for (int c = 0; c < cv.Targets * cv.Ratios; c++)
            for (int i = 0; i < Steps; i++)
                Assert.Equal(i >= 4, double.IsNaN(cv.MseMean[c * Steps + i]));
        var choice = cv.Choices[0];
        Assert.InRange(choice.MinIndex, 0, 3);
        Assert.InRange(choice.OneSeIndex, 0, 3);
        Assert.True(double.IsFinite(choice.LambdaMin));
        Assert.All(choice.Coefficients, c => Assert.True(double.IsFinite(c)));
    }

    [Fact]
    public void CrossValidationCancelledBeforeItStartsHasNoChoice()
    {
        var (x, y) = Data();
        using var cd = new CoordinateDescentBackend();
        var cv = CrossValidation.Run<double>(cd, x, P, [y], Folds.Contiguous(N, 3), Options with { Path = new PathOptions() },
            new CancellationToken(canceled: true));
        Assert.All(cv.Paths.Statuses, status => Assert.Equal(ProblemStatus.Cancelled, status));
        Assert.All(cv.MseMean, m => Assert.True(double.IsNaN(m)));
        Assert.Equal(-1, cv.Choices[0].MinIndex);
        Assert.True(double.IsNaN(cv.Choices[0].LambdaMin));
    }
}
