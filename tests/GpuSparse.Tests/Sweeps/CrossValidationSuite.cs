using System.Text.Json;
using GpuSparse.Backends;
using GpuSparse.Data;
using GpuSparse.IO;
using GpuSparse.Model;
using GpuSparse.Sweeps;
using GpuSparse.Tests.Support;
using Xunit;

namespace GpuSparse.Tests.Sweeps;

/// <summary>
/// Cross-validation against scikit-learn LassoCV / ElasticNetCV and cv.glmnet on the same folds and grids
/// (Data/sweeps, made by make_cv_references.py; the peers solved at tol 1e-12 / thresh 1e-14), on one backend
/// (bound to each in its own class).
/// </summary>
public abstract class CrossValidationSuite : BackendBinding
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Data", "sweeps");
    private static readonly JsonElement References =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "references.json"))).RootElement.GetProperty("sets");

    // Our paths are solved to a duality gap of 1e-14·‖y_c‖²/n, the peers' to tol 1e-12 (CD) and thresh 1e-14
    // (glmnet). A gap g bounds ‖β − β*‖ by √(2g/μ) (μ ≥ λ(1 − r) + the smallest eigenvalue of XᵀX/n), and the
    // held-out MSE moves by about 2·‖X_test(β − β*)‖/√MSE relative: ~1e-7 here. At 1e-11 the elastic-net
    // curves (r = 0.2, small μ) differed from ElasticNetCV's by up to 5e-6, which this bound explains.
    private const double Tolerance = 1e-14;
    private const double MseRelative = 1e-6;

    private static double[] Read(string file) => NpyReader.Read(Path.Combine(Root, file)).ToDouble();

    private static (double[] X, double[] Y, int P) Data(string set)
    {
        if (set == "diabetes")
        {
            var diabetes = ReferenceCases.Load("diabetes");
            return (diabetes.X, diabetes.Y, diabetes.Features);
        }
        var synth = PortableGenerator.Problem(300, 60, 7, noise: 1.0);
        return (synth.X, synth.Y, 60);
    }

    private CrossValidationResult Run(string set, double[] ratios, CvAveraging averaging, double[]? lambdas = null)
    {
        var (x, y, p) = Data(set);
        var folds = NpyReader.Read(Path.Combine(Root, $"{set}_fold_ids.npy")).ToDouble().Select(v => (int)v).ToArray();
        return CrossValidation.Run<double>(Backend, x, p, [y], folds, new SweepOptions
        {
            L1Ratios = ratios,
            Grid = GridConvention.ScikitLearn,
            Lambdas = lambdas,
            Averaging = averaging,
            Path = new PathOptions { Solver = new SolverOptions { Tolerance = Tolerance, MaxIterations = 1_000_000 } },
        });
    }

    private static void AssertRelative(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected),
            $"{what}: expected {expected:R}, got {actual:R} (relative {Math.Abs(actual - expected) / Math.Abs(expected):E2})");

    [SkippableTheory]
    [InlineData("diabetes")]
    [InlineData("synth")]
    public void LassoCvMatchesScikitLearnLassoCv(string set)
    {
        var result = Run(set, [1.0], CvAveraging.Unweighted);
        var alphas = Read($"{set}_lassocv_alphas.npy");
        var msePath = Read($"{set}_lassocv_mse_path.npy");
        int folds = result.FoldCount, steps = result.Steps;
        for (int i = 0; i < steps; i++)
        {
            AssertRelative(alphas[i], result.Lambdas[i], 1e-12, $"alpha {i}");
            for (int f = 0; f < folds; f++)
                AssertRelative(msePath[i * folds + f], result.FoldMse[f * steps + i], MseRelative, $"fold {f} MSE at step {i}");
        }
        Assert.Equal(References.GetProperty(set).GetProperty("lassocv").GetProperty("alpha").GetDouble(),
            result.Choices[0].LambdaMin, 1e-15);
    }

    [SkippableTheory]
    [InlineData("diabetes")]
    [InlineData("synth")]
    public void ElasticNetCvMatchesScikitLearnElasticNetCv(string set)
    {
        var ratios = Read($"{set}_enetcv_l1_ratios.npy");
        var result = Run(set, ratios, CvAveraging.Unweighted);
        var alphas = Read($"{set}_enetcv_alphas.npy");
        var msePath = Read($"{set}_enetcv_mse_path.npy");
        int folds = result.FoldCount, steps = result.Steps;
        for (int r = 0; r < ratios.Length; r++)
            for (int i = 0; i < steps; i++)
            {
                AssertRelative(alphas[r * steps + i], result.Lambdas[r * steps + i], 1e-12, $"r {ratios[r]} alpha {i}");
                for (int f = 0; f < folds; f++)
                    AssertRelative(msePath[(r * steps + i) * folds + f], result.FoldMse[(r * folds + f) * steps + i],
                        MseRelative, $"r {ratios[r]} fold {f} MSE at step {i}");
            }
        var reference = References.GetProperty(set).GetProperty("enetcv");
        Assert.Equal(reference.GetProperty("l1_ratio").GetDouble(), result.Choices[0].L1Ratio);
        Assert.Equal(reference.GetProperty("alpha").GetDouble(), result.Choices[0].LambdaMin, 1e-15);
    }

    [SkippableTheory]
    [InlineData("diabetes")]
    [InlineData("synth")]
    public void LassoCvMatchesCvGlmnetCurvesAndChoices(string set)
    {
        var result = Run(set, [1.0], CvAveraging.FoldSizeWeighted, Read($"{set}_lassocv_alphas.npy"));
        var cvm = Read($"{set}_glmnet_cvm.npy");
        var cvsd = Read($"{set}_glmnet_cvsd.npy");
        for (int i = 0; i < result.Steps; i++)
        {
            AssertRelative(cvm[i], result.MseMean[i], MseRelative, $"cvm {i}");
            // The standard error is a difference of nearly equal MSEs: 1e-6 of the MSE is up to ~1e-4 of it.
            Assert.True(Math.Abs(cvsd[i] - result.MseStandardError[i]) <= MseRelative * cvm[i], $"cvsd {i}: {cvsd[i]} vs {result.MseStandardError[i]}");
        }
        var reference = References.GetProperty(set).GetProperty("cv_glmnet");
        Assert.Equal(reference.GetProperty("lambda_min").GetDouble(), result.Choices[0].LambdaMin, 1e-15);
        Assert.Equal(reference.GetProperty("lambda_1se").GetDouble(), result.Choices[0].Lambda1se, 1e-15);
    }

    [SkippableFact]
    public void RefitIsTheFullDataSolutionAtLambdaMin()
    {
        var (x, y, p) = Data("diabetes");
        var result = Run("diabetes", [1.0], CvAveraging.Unweighted);
        var choice = result.Choices[0];
        var gap = Oracle.DualityGap(x, y, x.Length / p, p, choice.Coefficients, choice.LambdaMin, 1.0, fitIntercept: true);
        // The solver stops at gap ≤ tol·‖y_c‖²/n = 2·tol·f(0); 1e-9 covers the oracle's rounding.
        double nullObjective = Oracle.Objective(x, y, x.Length / p, p, new double[p], y.Average(), 0, 1);
        Assert.InRange(gap, -1e-9, 2 * Tolerance * nullObjective + 1e-9);
        Assert.Equal(y.Average() - Enumerable.Range(0, p).Sum(j => Enumerable.Range(0, x.Length / p).Average(i => x[i * p + j]) * choice.Coefficients[j]),
            choice.Intercept, 1e-8);
    }
}
