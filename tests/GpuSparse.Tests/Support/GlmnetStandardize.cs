using System.Globalization;
using GpuSparse.Model;
using Xunit;

namespace GpuSparse.Tests.Support;

/// <summary>
/// glmnet 4.1.6 <c>standardize = TRUE</c> solutions with and without an intercept (Data/glmnet_standardize, made by
/// its <c>make_glmnet_standardize.R</c>; see PROVENANCE.md there). y is given to glmnet divided by its ys, so each
/// problem is GpuSparse's <c>Standardize = true</c>, λ = glmnet's lambda, r = alpha on y/ys.
/// </summary>
public sealed class GlmnetStandardize
{
    private static readonly Lazy<GlmnetStandardize> Cached = new(Read);

    private GlmnetStandardize(double[] x, double[] y, int features, Problem[] problems) =>
        (X, Y, Features, Problems) = (x, y, features, problems);

    /// <summary>X, row-major n × p.</summary>
    public double[] X { get; }

    /// <summary>y as generated (before the division by ys).</summary>
    public double[] Y { get; }

    public int Features { get; }

    public int Samples => Y.Length;

    public IReadOnlyList<Problem> Problems { get; }

    /// <summary>One glmnet fit: its settings in GpuSparse's terms, ys, and glmnet's a0 and β (raw scale).</summary>
    public sealed record Problem(ProblemSettings Settings, double ResponseScale, double Intercept, double[] Coefficients)
    {
        public override string ToString() =>
            $"glmnet(alpha = {Settings.L1Ratio}, lambda = {Settings.Lambda:G6}, intercept = {Settings.FitIntercept})";
    }

    public static GlmnetStandardize Load() => Cached.Value;

    public static TheoryData<int> Indices() => [.. Enumerable.Range(0, Load().Problems.Count)];

    /// <summary>y/ys, the response glmnet was given.</summary>
    public double[] ScaledResponse(Problem problem) => [.. Y.Select(v => v / problem.ResponseScale)];

    /// <summary>
    /// The objective of glmnet's standardized problem at raw-scale β — independently of the library:
    /// <c>1/(2n)‖y/ys − b₀ − Xβ‖² + λ·(r·Σ sⱼ|βⱼ| + (1 − r)/2·Σ sⱼ²βⱼ²)</c>, sⱼ the centred 1/n standard deviation, b₀ at
    /// its optimum for β with an intercept, 0 without. Returns (objective at the given β, objective at glmnet's β).
    /// </summary>
    public (double AtGlmnet, double At) Objectives(Problem problem, double[] beta)
    {
        int n = Samples, p = Features;
        var y = ScaledResponse(problem);
        var (xc, yc) = OracleSolver.Centre(X, y, n, p);
        var deviations = Reliability.CertificateSuite.Deviations(xc, n, p);
        var (xw, yw) = problem.Settings.FitIntercept ? (xc, yc) : (X, y);
        xw = Reliability.CertificateSuite.Divide(xw, n, p, deviations);
        double lambda = problem.Settings.Lambda, r = problem.Settings.L1Ratio;
        double[] l1 = [.. Enumerable.Repeat(lambda * r, p)], l2 = [.. Enumerable.Repeat(lambda * (1 - r), p)];
        double Of(double[] b) => OracleSolver.Objective(xw, yw, n, p, [.. b.Select((v, j) => v * deviations[j])], l1, l2);
        return (Of(problem.Coefficients), Of(beta));
    }

    private static GlmnetStandardize Read()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Data", "glmnet_standardize");
        var x = Table(Path.Combine(folder, "X.csv"));
        var y = Table(Path.Combine(folder, "y.csv")).Select(row => row[0]).ToArray();
        int p = x[0].Length;
        // intercept, alpha, lambda, ys, a0, b0 … b(p−1)
        var problems = Table(Path.Combine(folder, "problems.csv")).Select(row => new Problem(
            new ProblemSettings { FitIntercept = row[0] != 0, L1Ratio = row[1], Lambda = row[2], Standardize = true },
            row[3], row[4], row[5..])).ToArray();
        return new GlmnetStandardize([.. x.SelectMany(row => row)], y, p, problems);
    }

    private static double[][] Table(string path) =>
        [.. File.ReadLines(path).Skip(1).Where(line => line.Length > 0)
            .Select(line => line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())];
}
