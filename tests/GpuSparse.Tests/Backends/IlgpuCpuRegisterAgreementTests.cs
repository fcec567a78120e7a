using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Kernels.OnChip;
using GpuSparse.Model;
using GpuSparse.Tests.Support;
using ILGPU.Runtime.CPU;
using Xunit;
using Xunit.Abstractions;

namespace GpuSparse.Tests.Backends;

/// <summary>The register engine (a block per problem, X in registers, checks on-chip) on ILGPU's CPU accelerator.</summary>
public sealed class RegisterBackendsFixture : IDisposable
{
    /// <summary>Warps of 4, up to 8 a group: n ≤ 56, p ≤ 28.</summary>
    public static CPUDevice Warp4 { get; } = new(numThreadsPerWarp: 4, numWarpsPerMultiprocessor: 8, numMultiprocessors: 1);

    /// <summary>Warps of 32 as on CUDA, up to 8 a group: n ≤ 56, p ≤ 224 (50 × 200).</summary>
    public static CPUDevice Warp32 { get; } = new(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 8, numMultiprocessors: 1);

    public IlgpuBackend Small { get; } = IlgpuBackend.CreateCpu(Warp4).With(DeviceEngine.RegisterProximalGradient);

    public IlgpuBackend Wide { get; } = IlgpuBackend.CreateCpu(Warp32).With(DeviceEngine.RegisterProximalGradient);

    public void Dispose()
    {
        Small.Dispose();
        Wide.Dispose();
    }
}

/// <summary>
/// The register kernel against the reference path. Its sums run in tree order (over a warp's lanes, then over the
/// warps) where the reference sums in index order, so values are not bit-identical; as on CUDA (where FMA contraction
/// changes the rounding the same way) they are held to <see cref="IlgpuCudaAgreementTests.Float64Relative"/> (1e-9)
/// in float64 and <see cref="IlgpuCudaAgreementTests.Float32Relative"/> (1e-4) in float32: each reordered sum of m
/// terms differs from the reference's by at most 2γₘ·Σ|terms| (γₘ ≈ m·2⁻⁵³), and on these well-conditioned problems
/// the iterations do not amplify that beyond a few orders of magnitude (measured worst, with the checks' gap terms
/// summed over the lanes too: 3.6e-14 in float64, 3.2e-5 in float32, at n = 8, p = 27; on warps of 32, 1.1e-15 in
/// float64 and 2.0e-7 in float32). At a tolerance, a problem may stop at a
/// neighbouring check only if its gap there lay within <see cref="IlgpuCudaAgreementTests.GapRounding"/>·max(|f|, tol)
/// of the tolerance (<see cref="Agreement.Check"/>). The bound that holds for any problem is the certificate: every
/// returned solution's duality gap, recomputed on the host from the user's data by <see cref="Oracle"/>, is within
/// the tolerance (<see cref="ReturnedSolutions_AreCertifiedByAnIndependentHostGap"/>).
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuRegisterAgreementTests(RegisterBackendsFixture backends, ITestOutputHelper output)
    : IClassFixture<RegisterBackendsFixture>
{
    private const double Float64Relative = IlgpuCudaAgreementTests.Float64Relative;
    private const double Float32Relative = IlgpuCudaAgreementTests.Float32Relative;
    private const double GapRounding = IlgpuCudaAgreementTests.GapRounding;

    [Theory]
    [InlineData(SolverAlgorithm.Ista)]
    [InlineData(SolverAlgorithm.Fista)]
    public void SharedDesign_Float64_Agrees(SolverAlgorithm algorithm) =>
        AgreementScenarios.SharedDesign(backends.Small, algorithm, Float64Relative, output);

    [Theory]
    [InlineData(SolverAlgorithm.Ista)]
    [InlineData(SolverAlgorithm.Fista)]
    public void PerProblemDesigns_Float64_Agrees(SolverAlgorithm algorithm) =>
        AgreementScenarios.PerProblemDesigns(backends.Small, algorithm, Float64Relative, output);

    [Fact]
    public void OddShapes_Float64_Agree() => AgreementScenarios.OddShapes(backends.Small, Float64Relative, output, GapRounding);

    [Theory]
    [InlineData(SolverAlgorithm.Ista)]
    [InlineData(SolverAlgorithm.Fista)]
    public void SharedDesign_Float32_Agrees(SolverAlgorithm algorithm) =>
        AgreementScenarios.Float32(backends.Small, algorithm, Float32Relative, output);

    [Fact]
    public void AtTolerance_IterationCountsAgreeOutsideRoundingOfTheTolerance() =>
        AgreementScenarios.AtTolerance(backends.Small, Float64Relative, output, GapRounding);

    [Fact]
    public void InvalidProblemsAndChunks_Agree()
    {
        backends.Small.MaxProblemsPerChunk = 4;
        try
        {
            AgreementScenarios.InvalidAndChunked(backends.Small, Float64Relative, output);
        }
        finally
        {
            backends.Small.MaxProblemsPerChunk = IlgpuBackend.DefaultMaxProblemsPerChunk;
        }
    }

    /// <summary>
    /// n and p around the tile (7 rows and 7 columns a thread), the warp (4 lanes) and the block's limits (8 warps:
    /// n ≤ 56; 4 × 7 = 28 columns), p &gt; n and p &lt; n, both precisions, every penalty option, to a tolerance.
    /// Each (n, p) runs once, float64 or float32 by turns, so that each precision meets every n and every p.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ManyLengthsAndOddShapes_AgreeToATolerance(bool float32)
    {
        var options = new SolverOptions { Tolerance = float32 ? 1e-5 : 1e-8, MaxIterations = 300, CheckInterval = 5 };
        int[] lengths = [1, 6, 7, 8, 29, 56], features = [1, 3, 5, 8, 27, 28];
        for (int a = 0; a < lengths.Length; a++)
            for (int b = 0; b < features.Length; b++)
            {
                if (((a + b) % 2 == 1) != float32)
                    continue;
                int n = lengths[a], p = features[b];
                // four problems: Lasso, elastic net with penalty factors (one 0), Ridge with positivity, no intercept
                var settings = TestProblems.Mixed(4, p, seed: 3 * n + p);
                string scenario = $"n = {n}, p = {p}, {(float32 ? "float32" : "float64")}";
                var report = float32
                    ? Agreement.Check(backends.Small, TestProblems.PerProblem<float>([n], p, settings, seed: n + 5 * p), options, Float32Relative, gapRounding: 1e-6)
                    : Agreement.Check(backends.Small, TestProblems.PerProblem<double>([n], p, settings, seed: n + 5 * p), options, Float64Relative, gapRounding: GapRounding);
                output.WriteLine($"{scenario}: {report}");
            }
    }

    /// <summary>
    /// Every warp count W = ⌈n/7⌉ from 3 to 8, for the columns' owners (thread (w, l) sums c over the warps and forms
    /// β⁺ on the slots (l, b) with b ≡ w mod W: several slots a thread for W &lt; 7, one for W = 7, none for warp 7 of
    /// 8), p a multiple of the warp's 28 slots or not, both precisions, FISTA and ISTA, to a tolerance. Each (n, p)
    /// runs once, in one algorithm and one precision, so that every n, every p and every pair of algorithm and
    /// precision is among them (the precisions and algorithms share the kernel's indexing, which n and p exercise).
    /// </summary>
    [Theory]
    [InlineData(SolverAlgorithm.Fista)]
    [InlineData(SolverAlgorithm.Ista)]
    public void EveryWarpCount_AgreesToATolerance(SolverAlgorithm algorithm)
    {
        int[] lengths = [15, 22, 36, 43, 49, 50], features = [9, 28];
        for (int a = 0; a < lengths.Length; a++)
            for (int b = 0; b < features.Length; b++)
            {
                // FISTA runs the pairs (a + b) even, ISTA the others; float32 those with a = 2 or 3, both values of p
                if (((a + b) % 2 == 0) != (algorithm == SolverAlgorithm.Fista))
                    continue;
                int n = lengths[a], p = features[b];
                bool float32 = a / 2 == 1;
                var settings = TestProblems.Mixed(4, p, seed: 5 * n + p);
                var options = new SolverOptions
                {
                    // ISTA's slowest problem of every batch here ran to a limit of 300 (16 s on 2 cores); at 150, 13 of the 24 problems still converge first
                    Tolerance = float32 ? 1e-5 : 1e-8, MaxIterations = algorithm == SolverAlgorithm.Ista ? 150 : 300, CheckInterval = 5,
                    Algorithm = algorithm,
                };
                var report = float32
                    ? Agreement.Check(backends.Small, TestProblems.PerProblem<float>([n], p, settings, seed: 2 * n + p), options, Float32Relative, gapRounding: 1e-6)
                    : Agreement.Check(backends.Small, TestProblems.PerProblem<double>([n], p, settings, seed: 2 * n + p), options, Float64Relative, gapRounding: GapRounding);
                output.WriteLine($"{algorithm}, n = {n} ({RegisterFistaKernel.Warps(n)} warps), p = {p}, {(float32 ? "float32" : "float64")}: {report}");
            }
    }

    /// <summary>
    /// Warps of 32: the issue's 50 × 200 elastic nets (X in registers: 7 × 7 values a thread, 8 warps), p up to 224,
    /// and p below the warp or just past a multiple of it with n odd (lanes whose 7 slots are all padding, which the
    /// warp-wide gap sums must add as nothing). Each emulated thread is an OS thread waiting at every shuffle and
    /// barrier, so problems are few and iterations short: an iteration of 50 × 200 took 0.17 s on 2 cores. The issue's
    /// shape runs to its tolerance; the others, which test the kernel's indexing (every iteration and check runs all
    /// of it), stop at their tolerance or after 60 iterations, some problems each way.
    /// </summary>
    [Theory]
    [InlineData(50, 200, true)]
    [InlineData(6, 224, false)]
    [InlineData(9, 65, true)]
    [InlineData(13, 20, false)]
    [InlineData(7, 33, true)]
    [InlineData(15, 97, false)]
    [InlineData(43, 150, false)]
    [InlineData(36, 224, true)]
    public void WarpsOf32_WideProblems_Agree(int n, int p, bool float32)
    {
        var settings = TestProblems.Mixed(n * p > 5000 ? 1 : 2, p, seed: n + p);
        var options = new SolverOptions { Tolerance = float32 ? 1e-4 : 1e-7, MaxIterations = (n, p) == (50, 200) ? 200 : 60, CheckInterval = 10 };
        var report = float32
            ? Agreement.Check(backends.Wide, TestProblems.PerProblem<float>([n], p, settings, seed: 7 * p), options, Float32Relative, gapRounding: 1e-6)
            : Agreement.Check(backends.Wide, TestProblems.PerProblem<double>([n], p, settings, seed: 7 * p), options, Float64Relative, gapRounding: GapRounding);
        output.WriteLine($"{n} × {p}, {(float32 ? "float32" : "float64")}: {report}");
    }

    /// <summary>
    /// Problems kept past many launch windows (1, 2, 4, … check intervals each) are resumed exactly from the state
    /// the last window left in device memory: they agree with the reference as a single run would.
    /// </summary>
    [Fact]
    public void ProblemsResumedOverManyLaunchWindows_Agree()
    {
        var batch = TestProblems.PerProblem<double>([20, 13], 9, TestProblems.Mixed(8, 9, seed: 31), seed: 32);
        var options = new SolverOptions { Tolerance = 1e-12, MaxIterations = 600, CheckInterval = 2 };
        using var reference = new ReferenceBackend();
        Assert.Contains(reference.Solve(batch, options).Problems, r => r.Iterations > 2 * 31);
        output.WriteLine($"resumed over launch windows: {Agreement.Check(backends.Small, batch, options, Float64Relative, gapRounding: GapRounding)}");
    }

    /// <summary>
    /// The certificate, recomputed independently on the host (<see cref="Oracle.DualityGap"/>, plain loops on the
    /// user's data in float64) at every returned solution, is within the problem's tolerance and equals the reported
    /// gap to rounding (1e-10·max(|f|, tol) in float64, 1e-6 in float32): the device's float64 check certifies the
    /// problem the user gave, in both precisions.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReturnedSolutions_AreCertifiedByAnIndependentHostGap(bool float32)
    {
        const int n = 23, p = 27;
        var random = new Random(17);
        var settings = new ProblemSettings[8];
        for (int k = 0; k < settings.Length; k++)
        {
            double lambda = 0.02 + 0.2 * random.NextDouble();
            settings[k] = k % 2 == 0 ? ProblemSettings.Lasso(lambda, fitIntercept: k % 4 == 0) : ProblemSettings.ElasticNet(lambda, 0.5, fitIntercept: k % 3 != 0);
        }
        var options = new SolverOptions { Tolerance = float32 ? 1e-4 : 1e-8, MaxIterations = 2000 };
        if (float32)
            CheckCertificates(TestProblems.PerProblem<float>([n], p, settings, seed: 18), settings, options, n, p);
        else
            CheckCertificates(TestProblems.PerProblem<double>([n], p, settings, seed: 18), settings, options, n, p);
    }

    private void CheckCertificates<T>(ProblemBatch<T> batch, ProblemSettings[] settings, SolverOptions options, int n, int p)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var solved = backends.Small.Solve(batch, options);
        for (int k = 0; k < batch.Count; k++)
        {
            var result = solved[k];
            Assert.Equal(ProblemStatus.Converged, result.Status);
            var x = batch.Design(k).ToArray().Select(double.CreateTruncating).ToArray();
            var y = batch.Response(k).ToArray().Select(double.CreateTruncating).ToArray();
            double gap = Oracle.DualityGap(x, y, n, p, result.Coefficients, settings[k].Lambda, settings[k].L1Ratio, settings[k].FitIntercept);
            // float64: the two evaluations differ only in summation order. float32: the device certifies its float32
            // iterate on the working scale; the returned coefficients and intercept are that iterate mapped back to the
            // user's scale, which moves the recomputed gap by float32 rounding of the objective (measured 3.8e-8·|f|)
            double relative = typeof(T) == typeof(float) ? 1e-6 : 1e-10;
            double rounding = relative * Math.Max(Math.Abs(result.Objective), result.GapTolerance);
            output.WriteLine($"problem {k}: host gap {gap:E3}, device gap {result.DualityGap:E3}, tolerance {result.GapTolerance:E3}, objective {result.Objective:E3}");
            Assert.True(gap <= result.GapTolerance + rounding, $"problem {k}: host gap {gap:E6} above the tolerance {result.GapTolerance:E6}");
            Assert.True(Math.Abs(gap - result.DualityGap) <= rounding, $"problem {k}: host gap {gap:E9}, device gap {result.DualityGap:E9}");
        }
    }
}

/// <summary>
/// The register kernel on a CUDA device against the reference path, with the bounds of
/// <see cref="IlgpuCudaAgreementTests"/> (tree-order sums and FMA contraction both change only the rounding), and the
/// issue's 50 × 200 float32 elastic nets certified by the host's independent gap. Skipped without a device.
/// </summary>
public sealed class IlgpuCudaRegisterAgreementTests : IDisposable
{
    private readonly Lazy<IlgpuBackend> _backend = new(() => IlgpuBackend.CreateCuda().With(DeviceEngine.RegisterProximalGradient));
    private readonly ITestOutputHelper _output;

    public IlgpuCudaRegisterAgreementTests(ITestOutputHelper output) => _output = output;

    [CudaFact]
    public void MixedProblems_AgreeOutsideRoundingOfTheTolerance()
    {
        AgreementScenarios.AtTolerance(_backend.Value, IlgpuCudaAgreementTests.Float64Relative, _output, IlgpuCudaAgreementTests.GapRounding);
        AgreementScenarios.OddShapes(_backend.Value, IlgpuCudaAgreementTests.Float64Relative, _output, IlgpuCudaAgreementTests.GapRounding);
        var options = new SolverOptions { Tolerance = 1e-7, MaxIterations = 2000 };
        foreach (var (n, p) in new[] { (50, 200), (13, 224), (56, 65), (7, 100) })
        {
            var batch = TestProblems.PerProblem<double>([n], p, TestProblems.Mixed(12, p, seed: n + p), seed: 3 * p);
            _output.WriteLine($"{n} × {p}, float64: {Agreement.Check(_backend.Value, batch, options, IlgpuCudaAgreementTests.Float64Relative, gapRounding: IlgpuCudaAgreementTests.GapRounding)}");
        }
    }

    [CudaFact]
    public void WideElasticNets_50x200_Float32_AreCertifiedByTheHost()
    {
        const int n = 50, p = 200;
        var settings = Enumerable.Range(0, 64).Select(k => ProblemSettings.ElasticNet(1e-3 * (1 + k % 5), 0.5)).ToArray();
        var batch = TestProblems.PerProblem<float>([n], p, settings, seed: 5);
        var options = new SolverOptions { Tolerance = 1e-4, MaxIterations = 5000 };
        _output.WriteLine($"50 × 200, float32: {Agreement.Check(_backend.Value, batch, options, IlgpuCudaAgreementTests.Float32Relative, gapRounding: 1e-6)}");
        var solved = _backend.Value.Solve(batch, options);
        for (int k = 0; k < batch.Count; k++)
        {
            var x = batch.Design(k).ToArray().Select(v => (double)v).ToArray();
            var y = batch.Response(k).ToArray().Select(v => (double)v).ToArray();
            double gap = Oracle.DualityGap(x, y, n, p, solved[k].Coefficients, settings[k].Lambda, settings[k].L1Ratio, fitIntercept: true);
            Assert.True(gap <= solved[k].GapTolerance + 1e-6 * Math.Abs(solved[k].Objective), $"problem {k}: host gap {gap:E6}, tolerance {solved[k].GapTolerance:E6}");
        }
    }

    public void Dispose()
    {
        if (_backend.IsValueCreated)
            _backend.Value.Dispose();
    }
}
