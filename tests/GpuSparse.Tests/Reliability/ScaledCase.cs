using GpuSparse.Model;
using GpuSparse.Tests.Support;

namespace GpuSparse.Tests.Reliability;

/// <summary>
/// One random problem of the scale property test: a well-scaled base problem (X₀, y₀) moved to
/// X = s_x·X₀ + offsets and y = s_y·y₀ + offset, with s_x in 10^[−200, 200], s_y in 10^[−140, 140] (½‖y_c‖²/n must stay
/// a float64) and, with an intercept, offsets 10^[0, 14] times the column's size; λ and r posed for the moved problem.
/// The oracle's problem is the moved one brought back by the test: X'' = (X − O)/s_x exactly as stored, y'' likewise,
/// l1'' = λ·r/(s_x·s_y) and l2'' = λ·(1 − r)/s_x² from the λ and r actually passed (without standardize; with it, the
/// columns are divided by their standard deviation and l1'' = λ·r/s_y, l2'' = λ·(1 − r)), so f = s_y²·f''.
/// </summary>
internal sealed class ScaledCase
{
    private ScaledCase() { }

    public required double[] X { get; init; }

    public required double[] Y { get; init; }

    public required ProblemSettings Settings { get; init; }

    /// <summary>s_y: the objective of the posed problem is s_y² times the oracle's.</summary>
    public required double ResponseScale { get; init; }

    /// <summary>β'' = (s_x/s_y)·β, times the standard deviation of each column with standardize.</summary>
    public required double[] CoefficientScales { get; init; }

    public required double[] OracleX { get; init; }

    public required double[] OracleY { get; init; }

    public required double[] OracleL1 { get; init; }

    public required double[] OracleL2 { get; init; }

    private string Description { get; init; } = "";

    public double[] ToOracleCoefficients(double[] beta) => [.. beta.Select((b, j) => b * CoefficientScales[j])];

    public override string ToString() => Description;

    /// <summary>The float64 draw: X in 10^[−200, 200], y in 10^[−140, 140], offsets 10^[0, 14].</summary>
    public static ScaledCase Draw(Random random, int n, int p) => Draw(random, n, p, 200, 140, 14, float32: false);

    /// <summary>
    /// A draw with X in 10^[−xDecades, xDecades], y in 10^[−yDecades, yDecades] and offsets 10^[0, offsetDecades];
    /// with <paramref name="float32"/> X, y and the offsets are rounded to float32 (X − O stays exact in float64).
    /// </summary>
    public static ScaledCase Draw(Random random, int n, int p, double xDecades, double yDecades, double offsetDecades, bool float32)
    {
        double Store(double v) => float32 ? (float)v : v;
        while (true)
        {
            bool intercept = random.Next(2) == 0, standardize = random.Next(3) == 0;
            double r0 = random.Next(2) == 0 ? 1.0 : 0.5;
            double log10X = xDecades * (2 * random.NextDouble() - 1), log10Y = yDecades * (2 * random.NextDouble() - 1);
            // β = (s_y/s_x)·β'' must be a float64 too.
            if (Math.Abs(log10X - log10Y) > 290)
                continue;
            double sx = Math.Pow(10, log10X), sy = Math.Pow(10, log10Y);
            var x0 = Enumerable.Range(0, n * p).Select(_ => CertificateSuite.Gaussian(random)).ToArray();
            double[] w = [1.5, 0, -2, 0.5, 0];
            var y0 = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, p).Sum(j => x0[i * p + j] * w[j % w.Length])
                + 0.3 * CertificateSuite.Gaussian(random)).ToArray();
            // Offsets of at least twice a column's largest value keep X − O exact (Sterbenz), so the oracle sees the stored X.
            var offsets = new double[p];
            double responseOffset = 0;
            if (intercept)
            {
                for (int j = 0; j < p; j++)
                    offsets[j] = Store((random.Next(2) == 0 ? 1 : -1) * Math.Pow(10, offsetDecades * random.NextDouble()) * 8 * sx);
                responseOffset = Store((random.Next(2) == 0 ? 1 : -1) * Math.Pow(10, offsetDecades * random.NextDouble()) * 2 * sy * y0.Max(Math.Abs));
            }
            var x = new double[n * p];
            var xBack = new double[n * p];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < p; j++)
                {
                    x[i * p + j] = Store(sx * x0[i * p + j] + offsets[j]);
                    xBack[i * p + j] = (x[i * p + j] - offsets[j]) / sx;
                }
            var y = y0.Select(v => Store(sy * v + responseOffset)).ToArray();
            var yBack = y.Select(v => (v - responseOffset) / sy).ToArray();
            var (xo, yo) = intercept ? OracleSolver.Centre(xBack, yBack, n, p) : (xBack, yBack);
            // glmnet's standard deviation is centred whether or not there is an intercept.
            var deviations = standardize ? CertificateSuite.Deviations(OracleSolver.Centre(xBack, yBack, n, p).Xc, n, p) : [.. Enumerable.Repeat(1.0, p)];
            xo = CertificateSuite.Divide(xo, n, p, deviations);
            // λ_max'' of the oracle's problem, then a λ'' between 0.5 % and 50 % of it, posed on the moved scale.
            double lambdaMax = Enumerable.Range(0, p).Max(j => Math.Abs(Enumerable.Range(0, n).Sum(i => xo[i * p + j] * yo[i]))) / (n * r0);
            double lambda0 = lambdaMax * Math.Pow(10, -2.3 + 2 * random.NextDouble());
            double l1Scale = standardize ? sy : sx * sy, l2Scale = standardize ? 1 : sx * sx;
            double lambda = lambda0 * (r0 * l1Scale + (1 - r0) * l2Scale);
            if (!double.IsFinite(lambda) || lambda == 0 || float32 && !float.IsFinite((float)lambda))
                continue;
            double ratio = r0 == 1 ? 1 : lambda0 * r0 * l1Scale / lambda;
            double l1 = standardize ? lambda * ratio / sy : lambda * ratio / sx / sy;
            double l2 = standardize ? lambda * (1 - ratio) : lambda * (1 - ratio) / sx / sx;
            double toOracle = Math.Pow(10, log10X - log10Y);
            return new ScaledCase
            {
                X = x,
                Y = y,
                Settings = new ProblemSettings { Lambda = lambda, L1Ratio = ratio, FitIntercept = intercept, Standardize = standardize },
                ResponseScale = sy,
                CoefficientScales = [.. deviations.Select(d => d * toOracle)],
                OracleX = xo,
                OracleY = yo,
                OracleL1 = [.. Enumerable.Repeat(l1, p)],
                OracleL2 = [.. Enumerable.Repeat(l2, p)],
                Description = $"s_x = 1e{log10X:F1}, s_y = 1e{log10Y:F1}, intercept {intercept}, standardize {standardize}, " +
                              $"λ = {lambda:G4}, r = {ratio:G4}",
            };
        }
    }
}
