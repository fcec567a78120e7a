using GpuSparse.Backends;
using GpuSparse.Cli;
using GpuSparse.Data;
using GpuSparse.Engines;
using GpuSparse.IO;
using GpuSparse.Model;
using GpuSparse.Numerics;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// Designs too wide for a Gram matrix (p² beyond an int, or beyond memory): the cd backend solves them in the
/// residual form, with the reference backend's objective within the two certified gaps, and no size overflows.
/// </summary>
public sealed class WideDesignTests : IDisposable
{
    // The example at the default tolerance: with n = 2, tighter gaps take both backends beyond 20,000 iterations.
    private static readonly SolverOptions Options = new();

    private readonly string _folder = Directory.CreateTempSubdirectory("gpusparse-wide-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    // 70,000² overflows an int and would take 39 GB as a Gram matrix; 46,341 is the first p whose p² overflows.
    [InlineData(70_000)]
    [InlineData(46_341)]
    public void AWideDesignSolvesOnCdAndMatchesTheReferenceWithinTheGaps(int p)
    {
        const int n = 2;
        var data = PortableGenerator.Problem(n, p, 14_001, kNonzero: 2);
        var settings = ProblemSettings.Lasso(0.01, fitIntercept: false);
        var batch = ProblemBatch<double>.Single(data.X, p, data.Y, settings);
        using var cd = new CoordinateDescentBackend();
        using var reference = new ReferenceBackend();
        var actual = cd.Solve(batch, Options)[0];
        var expected = reference.Solve(batch, Options)[0];
        Assert.Equal(ProblemStatus.Converged, actual.Status);
        Assert.Equal(ProblemStatus.Converged, expected.Status);
        double fActual = Oracle.Objective(data.X, data.Y, n, p, actual.Coefficients, actual.Intercept, 0.01, 1);
        double fExpected = Oracle.Objective(data.X, data.Y, n, p, expected.Coefficients, expected.Intercept, 0.01, 1);
        Assert.True(Math.Abs(fActual - fExpected) <= actual.DualityGap + expected.DualityGap + 1e-14 * fExpected,
            $"cd f = {fActual:R} (gap {actual.DualityGap:E2}), reference f = {fExpected:R} (gap {expected.DualityGap:E2})");
        double gap = Oracle.DualityGap(data.X, data.Y, n, p, actual.Coefficients, 0.01, 1, fitIntercept: false);
        // The stopping rule without an intercept: gap ≤ tol·‖y‖²/n.
        double nullLoss = data.Y.Sum(v => v * v) / n;
        Assert.True(gap <= 1.000001 * Options.Tolerance * nullLoss, $"independent gap {gap:E2} against {Options.Tolerance * nullLoss:E2}");
    }

    [Fact]
    public void AskingForTheGramFormBeyondItsBudgetSolvesInTheResidualForm()
    {
        const int n = 3, p = 46_341;
        var data = PortableGenerator.Problem(n, p, 14_002, kNonzero: 3);
        var batch = ProblemBatch<float>.Single(data.X.Select(v => (float)v).ToArray(), p,
            data.Y.Select(v => (float)v).ToArray(), ProblemSettings.Lasso(0.05));
        using var gram = new CoordinateDescentBackend { Form = CoordinateDescentForm.Gram };
        using var residual = new CoordinateDescentBackend { Form = CoordinateDescentForm.Residual };
        var options = new SolverOptions();
        var forced = gram.Solve(batch, options)[0];
        Assert.Equal(ProblemStatus.Converged, forced.Status);
        Assert.Equal(residual.Solve(batch, options)[0].Coefficients, forced.Coefficients);
    }

    [Fact]
    public void TheCliSolvesATwoBySeventyThousandDesignOnTheDefaultBackend()
    {
        const int n = 2, p = 70_000;
        var data = PortableGenerator.Problem(n, p, 14_003, kNonzero: 2);
        string x = Path.Combine(_folder, "X.npy"), y = Path.Combine(_folder, "y.npy"), output = Path.Combine(_folder, "out");
        NpyWriter.Write(x, data.X, n, p);
        NpyWriter.Write(y, data.Y, n);
        int exit = Program.Main(["solve", "--x", x, "--y", y, "--alpha", "0.01", "--no-intercept", "--out", output]);
        Assert.Equal(0, exit);
        Assert.Contains("\"status\": \"converged\"", File.ReadAllText(Path.Combine(output, "result.json")));
        Assert.Equal([1, p], NpyReader.Read(Path.Combine(output, "coef.npy")).Shape);
    }

    [Theory]
    // Small p: G costs little more than a sweep; tall n: forming G (n·p²/2) costs more than the sweeps (2·S·n·p).
    [InlineData(64, 16, true)]
    [InlineData(1000, 8, true)]
    [InlineData(500, 200, false)]
    [InlineData(50, 200, false)]
    [InlineData(2, 70_000, false)]
    [InlineData(1, int.MaxValue, false)]
    public void TheFormIsChosenByCostAndNeverOverflows(int n, int p, bool gram) =>
        Assert.Equal(gram ? CoordinateDescentForm.Gram : CoordinateDescentForm.Residual, CoordinateDescent.ChooseForm(n, p, sizeof(double)));

    [Fact]
    public void TheGramBudgetIsCheckedWithoutOverflow()
    {
        Assert.True(CoordinateDescent.GramFits(2896, sizeof(double)));
        Assert.False(CoordinateDescent.GramFits(2897, sizeof(double)));
        Assert.False(CoordinateDescent.GramFits(46_341, sizeof(float)));
        Assert.False(CoordinateDescent.GramFits(int.MaxValue, sizeof(double)));
    }

    [Fact]
    public void AGramKernelCallTooLargeForItsArraysIsRefusedNotOverflowed() =>
        Assert.Throws<ArgumentException>(() => VectorKernels.Gram(new double[2], 1, 46_341, new double[16]));
}
