using System.Numerics;
using GpuSparse.Anomaly;
using GpuSparse.Backends;
using GpuSparse.Engines;
using GpuSparse.Model;
using Xunit;

namespace GpuSparse.Tests.Anomaly;

public sealed class RobustSparseCodingTests
{
    private static readonly SolverOptions Tight = new() { Tolerance = 1e-13, MaxIterations = 200_000 };
    private static readonly CodingDictionary Dct = CodingDictionary.Dct2D(4, 2);

    [Fact]
    public void AgreesWithTheWeightedLassoOnDAndIdentity()
    {
        const int n = 16, p = 6, count = 5;
        var signals = NoisySignals(count, seed: 11, spike: 2.0);
        var settings = new RobustCodingSettings { CodeLambda = 0.01, AnomalyLambda = 0.02 };
        using var backend = new ReferenceBackend();

        var coded = RobustSparseCoding.Solve<double>(backend, Dct, signals, settings, Tight);

        // The same problem written out by hand: β = (x, s) on [D, I] with λ = λ_s, w_x = λ_x/λ_s, w_s = 1.
        var design = new double[n * (p + n)];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < p; j++)
                design[i * (p + n) + j] = Dct[i, j];
            design[i * (p + n) + p + i] = 1;
        }
        var factors = Enumerable.Repeat(0.5, p).Concat(Enumerable.Repeat(1.0, n)).ToArray();
        var lasso = ProblemBatch<double>.WithSharedDesign(design, p + n, signals,
            Enumerable.Repeat(new ProblemSettings { Lambda = 0.02, FitIntercept = false, PenaltyFactors = factors }, count).ToArray());
        var direct = backend.Solve(lasso, Tight);

        for (int k = 0; k < count; k++)
        {
            Assert.Equal(ProblemStatus.Converged, coded.Status(k));
            var beta = direct[k].Coefficients;
            double reference = RobustSparseCoding.Objective(Dct, signals.AsSpan(k * n, n), beta.AsSpan(0, p), beta.AsSpan(p), settings);
            Assert.True(Math.Abs(coded.Objective(k) - reference) <= 1e-9 * reference, $"signal {k}: {coded.Objective(k)} vs {reference}");
            Assert.True(coded.DualityGap(k) <= 1e-9 * coded.Objective(k));
        }
    }

    [Fact]
    public void RidgeOnTheCodeIsExactThroughAugmentedRows()
    {
        const int n = 16, count = 4;
        var signals = NoisySignals(count, seed: 5, spike: 1.5);
        // Different ridges per problem: one problem per design, and a pure-L1 one without augmentation.
        RobustCodingSettings[] settings =
        [
            new() { CodeLambda = 0.02, CodeL1Ratio = 0.5, AnomalyLambda = 0.015 },
            new() { CodeLambda = 0.05, CodeL1Ratio = 0.2, AnomalyLambda = 0.01 },
            new() { CodeLambda = 0.01, CodeL1Ratio = 0.0, AnomalyLambda = 0.02 },
            new() { CodeLambda = 0.01, CodeL1Ratio = 1.0, AnomalyLambda = 0.02 },
        ];
        using var backend = new ReferenceBackend();

        var coded = RobustSparseCoding.Solve<double>(backend, Dct, signals, settings, Tight);

        for (int k = 0; k < count; k++)
        {
            var signal = signals.AsSpan(k * n, n).ToArray();
            var (code, anomaly) = CoordinateDescent(signal, settings[k]);
            double reference = RobustSparseCoding.Objective(Dct, signal, code, anomaly, settings[k]);
            Assert.Equal(ProblemStatus.Converged, coded.Status(k));
            Assert.True(Math.Abs(coded.Objective(k) - reference) <= 1e-9 * reference, $"signal {k}: {coded.Objective(k)} vs {reference}");
            // The objective difference bounds ‖Δ‖² through strong convexity only where r < 1; compare loosely.
            for (int j = 0; j < Dct.Count; j++)
                Assert.Equal(code[j], coded.Code(k)[j], 5);
        }
    }

    [Fact]
    public void CleanSignalInTheSpanHasExactlyZeroAnomaly()
    {
        var signals = new double[2 * Dct.Length];
        double[][] codes = [[1.0, -0.4, 0.3, 0, 0.2, 0], [0.5, 0, 0, -0.6, 0, 0.1]];
        for (int k = 0; k < 2; k++)
            for (int i = 0; i < Dct.Length; i++)
                for (int j = 0; j < Dct.Count; j++)
                    signals[k * Dct.Length + i] += Dct[i, j] * codes[k][j];
        using var backend = new ReferenceBackend();

        var coded = RobustSparseCoding.Solve<double>(backend, Dct, signals,
            new RobustCodingSettings { CodeLambda = 1e-4, AnomalyLambda = 0.01 }, Tight);

        for (int k = 0; k < 2; k++)
        {
            Assert.All(coded.Anomaly(k).ToArray(), e => Assert.Equal(0.0, e));
            Assert.Equal(0.0, coded.Score(k));
            for (int j = 0; j < Dct.Count; j++)
                Assert.Equal(codes[k][j], coded.Code(k)[j], 2);
        }
    }

    [Fact]
    public void SpikeIsFoundAtItsIndexFloat64() => SpikeIsFoundAtItsIndex<double>(tolerance: 1e-10);

    [Fact]
    public void SpikeIsFoundAtItsIndexFloat32() => SpikeIsFoundAtItsIndex<float>(tolerance: 1e-5);

    private static void SpikeIsFoundAtItsIndex<T>(double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int n = 16;
        (int Index, double Size)[] spikes = [(5, 0.8), (12, -0.6), (0, 1.2)];
        var clean = new double[] { 0.9, 0.3, -0.2, 0.1, 0, -0.15 };
        var signals = new T[spikes.Length * n];
        for (int k = 0; k < spikes.Length; k++)
            for (int i = 0; i < n; i++)
            {
                double v = Enumerable.Range(0, Dct.Count).Sum(j => Dct[i, j] * clean[j]) + (i == spikes[k].Index ? spikes[k].Size : 0);
                signals[k * n + i] = T.CreateTruncating(v);
            }
        using var backend = new ReferenceBackend();

        // n·λ_s = 0.16: the per-entry threshold, well below each spike and above the code's shrinkage leak.
        var coded = RobustSparseCoding.Solve<T>(backend, Dct, signals,
            new RobustCodingSettings { CodeLambda = 1e-4, AnomalyLambda = 0.01 }, new SolverOptions { Tolerance = tolerance });

        for (int k = 0; k < spikes.Length; k++)
        {
            var (index, size) = spikes[k];
            var anomaly = coded.Anomaly(k).ToArray();
            for (int i = 0; i < n; i++)
                if (i != index)
                    Assert.Equal(0.0, anomaly[i]);
            Assert.Equal(Math.Sign(size), Math.Sign(anomaly[index]));
            // With s = sᵢeᵢ, profiling x out (λ_x ≈ 0) leaves (1 − hᵢᵢ)(a − sᵢ)²/(2n) + λ_s|sᵢ|, hᵢᵢ = ‖Dᵀeᵢ‖² the
            // leverage: sᵢ = a − sign(a)·n·λ_s/(1 − hᵢᵢ). λ_x = 1e-4 moves it by O(n·λ_x) = 2e-3.
            double leverage = Enumerable.Range(0, Dct.Count).Sum(j => Dct[index, j] * Dct[index, j]);
            double expected = size - Math.Sign(size) * n * 0.01 / (1 - leverage);
            Assert.Equal(expected, anomaly[index], 0.005);
        }
    }

    [Fact]
    public void InvalidPenaltiesAreRejected()
    {
        using var backend = new ReferenceBackend();
        var signal = new double[Dct.Length];
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            RobustSparseCoding.Solve<double>(backend, Dct, signal, new RobustCodingSettings { CodeLambda = 0.1 }, Tight));
        Assert.Throws<ArgumentException>(() =>
            RobustSparseCoding.Solve<double>(backend, Dct, new double[Dct.Length + 1], new RobustCodingSettings { AnomalyLambda = 0.1 }, Tight));
    }

    /// <summary>Smooth signals on the dictionary plus noise, with one spike of the given size per signal.</summary>
    private static double[] NoisySignals(int count, int seed, double spike)
    {
        int n = Dct.Length;
        var random = new Random(seed);
        var signals = new double[count * n];
        for (int k = 0; k < count; k++)
        {
            var code = Enumerable.Range(0, Dct.Count).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            for (int i = 0; i < n; i++)
                signals[k * n + i] = Enumerable.Range(0, Dct.Count).Sum(j => Dct[i, j] * code[j]) + 0.05 * (random.NextDouble() - 0.5);
            signals[k * n + random.Next(n)] += spike * (k % 2 == 0 ? 1 : -1);
        }
        return signals;
    }

    /// <summary>
    /// An independent solver for F: exact coordinate minimisation over (x, s) (unit-norm atoms):
    /// xⱼ ← S(Dⱼᵀ(r + Dⱼxⱼ)/n, λ_x·r)/(1/n + λ_x(1 − r)), sᵢ ← S(rᵢ + sᵢ, n·λ_s).
    /// </summary>
    private static (double[] Code, double[] Anomaly) CoordinateDescent(double[] signal, RobustCodingSettings settings)
    {
        int n = Dct.Length, p = Dct.Count;
        var code = new double[p];
        var anomaly = new double[n];
        var residual = (double[])signal.Clone();
        for (int sweep = 0; sweep < 20_000; sweep++)
        {
            double change = 0;
            for (int j = 0; j < p; j++)
            {
                double rho = 0;
                for (int i = 0; i < n; i++)
                    rho += Dct[i, j] * (residual[i] + Dct[i, j] * code[j]);
                double next = Soft(rho / n, settings.CodeLambda * settings.CodeL1Ratio) / (1.0 / n + settings.CodeLambda * (1 - settings.CodeL1Ratio));
                for (int i = 0; i < n; i++)
                    residual[i] -= Dct[i, j] * (next - code[j]);
                change = Math.Max(change, Math.Abs(next - code[j]));
                code[j] = next;
            }
            for (int i = 0; i < n; i++)
            {
                double next = Soft(residual[i] + anomaly[i], n * settings.AnomalyLambda);
                residual[i] -= next - anomaly[i];
                change = Math.Max(change, Math.Abs(next - anomaly[i]));
                anomaly[i] = next;
            }
            if (change < 1e-15)
                break;
        }
        return (code, anomaly);
    }

    private static double Soft(double z, double t) => Math.Sign(z) * Math.Max(Math.Abs(z) - t, 0);
}
