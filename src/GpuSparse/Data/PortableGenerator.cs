using System.Diagnostics;
using GpuSparse.Backends;
using GpuSparse.Model;

namespace GpuSparse.Data;

/// <summary>
/// One synthetic regression problem from <see cref="PortableGenerator.Problem"/>.
/// </summary>
/// <param name="X">Design matrix, row-major <c>Samples × Features</c>.</param>
/// <param name="Y">Response, length <c>Samples</c>.</param>
/// <param name="WTrue">Coefficients the response was generated from, length <c>Features</c>.</param>
/// <param name="Samples">Number of rows n.</param>
/// <param name="Features">Number of columns p.</param>
public sealed record PortableProblem(double[] X, double[] Y, double[] WTrue, int Samples, int Features);

/// <summary>
/// A batch of independent Lasso problems with their regularisation strengths, as produced by
/// <see cref="PortableGenerator.Batch"/>.
/// </summary>
/// <param name="X">Design matrices, contiguous <c>Count × Samples × Features</c>, each row-major.</param>
/// <param name="Y">Responses, contiguous <c>Count × Samples</c>.</param>
/// <param name="Alphas">Regularisation strength of each problem, length <c>Count</c>.</param>
/// <param name="Count">Number of problems K.</param>
/// <param name="Samples">Rows per problem n.</param>
/// <param name="Features">Columns per problem p.</param>
public sealed record BatchWorkload(double[] X, double[] Y, double[] Alphas, int Count, int Samples, int Features);

/// <summary>
/// Bit-reproducible port of the portable generator in the reference material (<c>peers_common.py</c>):
/// the reference batch data and every benchmark workload are regenerated from it instead of being stored.
/// Every operation is an exact or single IEEE-rounded step in the same order as numpy, so X is
/// bit-identical; y and alpha_max differ from numpy only by summation order (rounding).
/// </summary>
public static class PortableGenerator
{
    private const ulong NoiseSeedOffset = 0x5851F42D4C957F2D;
    private const double TwoPowMinus53 = 1.0 / 9007199254740992.0;
    private static readonly double Sqrt3 = Math.Sqrt(3.0);

    /// <summary>
    /// Output <paramref name="i"/> (0-based) of SplitMix64 started from state <paramref name="seed"/>:
    /// <c>mix(seed + (i+1)·0x9E3779B97F4A7C15)</c>, all arithmetic wrapping modulo 2^64.
    /// </summary>
    /// <param name="seed">Initial state.</param>
    /// <param name="i">Index of the output, ≥ 0.</param>
    /// <returns>The 64-bit output.</returns>
    public static ulong SplitMix64(ulong seed, long i) => Numerics.SplitMix64.Output(seed, i);

    /// <summary>Fills <paramref name="dest"/> with <c>(z_i &gt;&gt; 11)·2^-53</c>: exact doubles in [0, 1).</summary>
    /// <param name="seed">SplitMix64 seed.</param>
    /// <param name="dest">Receives outputs 0 … dest.Length-1.</param>
    public static void Uniform01(ulong seed, Span<double> dest)
    {
        for (int i = 0; i < dest.Length; i++)
        {
            dest[i] = (SplitMix64(seed, i) >> 11) * TwoPowMinus53;
        }
    }

    /// <summary>Fills <paramref name="dest"/> with <c>(2u - 1)·√3</c>: mean 0, variance 1.</summary>
    /// <param name="seed">SplitMix64 seed.</param>
    /// <param name="dest">Receives outputs 0 … dest.Length-1.</param>
    public static void USym(ulong seed, Span<double> dest)
    {
        Uniform01(seed, dest);
        for (int i = 0; i < dest.Length; i++)
        {
            // Same three roundings as numpy's (2.0 * u - 1.0) * sqrt3; .NET does not contract to FMA.
            dest[i] = (2.0 * dest[i] - 1.0) * Sqrt3;
        }
    }

    /// <summary>
    /// The portable synthetic Lasso problem: <c>X = usym(seed, n·p)</c> row-major,
    /// <c>w_true[m·(p / k)] = (-1)^m (1 + m mod 3)</c> for m &lt; k, and
    /// <c>y = X w_true + noise·usym(seed + 0x5851F42D4C957F2D, n) + 1</c>.
    /// </summary>
    /// <param name="n">Number of samples, ≥ 1.</param>
    /// <param name="p">Number of features, ≥ 1.</param>
    /// <param name="seed">SplitMix64 seed of X; the noise uses a fixed offset from it.</param>
    /// <param name="kNonzero">Support size k of w_true, 1 … p; default max(1, min(n, p) / 8).</param>
    /// <param name="noise">Scale of the noise added to y.</param>
    /// <returns>The problem.</returns>
    public static PortableProblem Problem(int n, int p, ulong seed, int? kNonzero = null, double noise = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 1);
        int k = kNonzero ?? Math.Max(1, Math.Min(p, n) / 8);
        // k > p would place support indices past the end (numpy raises IndexError there).
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1, nameof(kNonzero));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, p, nameof(kNonzero));

        var x = new double[checked(n * p)];
        USym(seed, x);

        var w = new double[p];
        int step = Math.Max(1, p / k);
        for (int m = 0; m < k; m++)
        {
            w[m * step] = (m % 2 == 0 ? 1.0 : -1.0) * (1 + (m % 3));
        }

        var e = new double[n];
        USym(unchecked(seed + NoiseSeedOffset), e);
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double dot = 0.0;
            for (int j = 0; j < p; j++)
            {
                dot += x[i * p + j] * w[j];
            }
            y[i] = dot + noise * e[i] + 1.0;
        }
        return new PortableProblem(x, y, w, n, p);
    }

    /// <summary>
    /// Smallest alpha whose solution is all zero: <c>max_j |x_jᵀ y| / (n · l1Ratio)</c>, on centred
    /// X and y when <paramref name="fitIntercept"/> is set.
    /// </summary>
    /// <param name="x">Design matrix, row-major n × p.</param>
    /// <param name="y">Response, length n.</param>
    /// <param name="n">Number of samples.</param>
    /// <param name="p">Number of features.</param>
    /// <param name="l1Ratio">Elastic-net mixing, in (0, 1].</param>
    /// <param name="fitIntercept">Whether the intercept is fitted (data centred).</param>
    /// <returns>alpha_max; 0 when centred y or X is zero.</returns>
    public static double AlphaMax(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int n, int p,
        double l1Ratio = 1, bool fitIntercept = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 1);
        if (x.Length != (long)n * p || y.Length != n)
        {
            throw new ArgumentException($"Expected X of {(long)n * p} and y of {n} elements, got {x.Length} and {y.Length}.");
        }
        if (!(l1Ratio > 0 && l1Ratio <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(l1Ratio), l1Ratio, "alpha_max is finite only for l1Ratio in (0, 1].");
        }

        double yMean = 0.0;
        var xMean = new double[p];
        if (fitIntercept)
        {
            for (int i = 0; i < n; i++)
            {
                yMean += y[i];
                for (int j = 0; j < p; j++)
                {
                    xMean[j] += x[i * p + j];
                }
            }
            yMean /= n;
            for (int j = 0; j < p; j++)
            {
                xMean[j] /= n;
            }
        }

        var corr = new double[p];
        for (int i = 0; i < n; i++)
        {
            double centredY = y[i] - yMean;
            for (int j = 0; j < p; j++)
            {
                corr[j] += (x[i * p + j] - xMean[j]) * centredY;
            }
        }
        double max = 0.0;
        foreach (double c in corr)
        {
            max = Math.Max(max, Math.Abs(c));
        }
        return max / (n * l1Ratio);
    }

    /// <summary>
    /// The batch workload of the reference material: problem k is <c>Problem(n, p, seedBase + k)</c> and
    /// <c>alpha_k = 10^(-2 + 1.5·u_k) · alpha_max_k</c> with <c>u = Uniform01(alphaSeed, count)</c>, so
    /// alphas span 0.01 … ~0.32 of each problem's alpha_max (Lasso, intercept fitted).
    /// </summary>
    /// <param name="count">Number of problems K, ≥ 1.</param>
    /// <param name="n">Samples per problem.</param>
    /// <param name="p">Features per problem.</param>
    /// <param name="seedBase">Seed of problem 0.</param>
    /// <param name="alphaSeed">Seed of the alpha fractions.</param>
    /// <param name="progress">Counts the problems generated, of <paramref name="count"/>.</param>
    /// <returns>Contiguous X, y and alphas.</returns>
    public static BatchWorkload Batch(int count, int n, int p, ulong seedBase = 1_000_000, ulong alphaSeed = 777,
        IProgress<SolveProgress>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 1);
        int problemSize = checked(n * p);
        var x = new double[checked(count * problemSize)];
        var y = new double[checked(count * n)];
        var alphas = new double[count];
        var generated = new ProgressReporter(progress, count, Stopwatch.StartNew());
        Uniform01(alphaSeed, alphas);
        for (int k = 0; k < count; k++)
        {
            var problem = Problem(n, p, unchecked(seedBase + (ulong)k));
            problem.X.CopyTo(x, k * problemSize);
            problem.Y.CopyTo(y, k * n);
            alphas[k] = Math.Pow(10.0, -2.0 + 1.5 * alphas[k]) * AlphaMax(problem.X, problem.Y, n, p);
            generated.Finished();
        }
        return new BatchWorkload(x, y, alphas, count, n, p);
    }
}
