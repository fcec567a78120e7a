using System.Numerics;
using GpuSparse.Model;

namespace GpuSparse.Anomaly;

/// <summary>
/// The robust codes of a batch of signals: per signal k the code x_k, the anomaly s_k, the reconstruction
/// D·x_k, the objective F and its duality gap (both in the units of F), and the underlying solve.
/// </summary>
public sealed class RobustCodingResult
{
    private readonly double[] _codes;
    private readonly double[] _anomalies;
    private readonly double[] _reconstructions;
    private readonly double[] _objectives;
    private readonly double[] _gaps;

    private RobustCodingResult(int count, int length, int atoms, BatchResult solve)
    {
        Count = count;
        Length = length;
        Atoms = atoms;
        Solve = solve;
        _codes = new double[ArraySize.Of("codes", count, atoms)];
        _anomalies = new double[ArraySize.Of("anomalies", count, length)];
        _reconstructions = new double[_anomalies.Length];
        _objectives = new double[count];
        _gaps = new double[count];
    }

    /// <summary>The number of signals K.</summary>
    public int Count { get; }

    /// <summary>The signal length n.</summary>
    public int Length { get; }

    /// <summary>The number of atoms p.</summary>
    public int Atoms { get; }

    /// <summary>The weighted-Lasso solve behind the codes (status, iterations, backend, elapsed time).</summary>
    public BatchResult Solve { get; }

    /// <summary>The code x_k (length p).</summary>
    public ReadOnlySpan<double> Code(int k) => _codes.AsSpan(k * Atoms, Atoms);

    /// <summary>The anomaly s_k (length n); <c>|s_k|</c> is the per-entry anomaly score.</summary>
    public ReadOnlySpan<double> Anomaly(int k) => _anomalies.AsSpan(k * Length, Length);

    /// <summary>The reconstruction D·x_k (length n): the signal with its anomaly removed.</summary>
    public ReadOnlySpan<double> Reconstruction(int k) => _reconstructions.AsSpan(k * Length, Length);

    /// <summary>The per-signal anomaly score ‖s_k‖₁.</summary>
    public double Score(int k)
    {
        double sum = 0;
        foreach (double e in Anomaly(k))
            sum += Math.Abs(e);
        return sum;
    }

    /// <summary>The robust-coding objective F(x_k, s_k), in float64.</summary>
    public double Objective(int k) => _objectives[k];

    /// <summary>The duality gap of problem k in the units of F (an upper bound on F(x_k, s_k) − F*).</summary>
    public double DualityGap(int k) => _gaps[k];

    /// <summary>How problem k's solve ended.</summary>
    public ProblemStatus Status(int k) => Solve[k].Status;

    /// <summary>Splits the Lasso coefficients (x, s) of each problem and evaluates F and D·x.</summary>
    internal static RobustCodingResult Create<T>(CodingDictionary dictionary, ReadOnlyMemory<T> signals,
        IReadOnlyList<RobustCodingSettings> settings, BatchResult solve) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = dictionary.Length, p = dictionary.Count, count = settings.Count;
        var result = new RobustCodingResult(count, n, p, solve);
        Parallel.For(0, count, k =>
        {
            var beta = solve[k].Coefficients;
            var code = result._codes.AsSpan(k * p, p);
            var anomaly = result._anomalies.AsSpan(k * n, n);
            var reconstruction = result._reconstructions.AsSpan(k * n, n);
            beta.AsSpan(0, p).CopyTo(code);
            beta.AsSpan(p, n).CopyTo(anomaly);
            for (int i = 0; i < n; i++)
            {
                double fitted = 0;
                for (int j = 0; j < p; j++)
                    fitted += dictionary[i, j] * code[j];
                reconstruction[i] = fitted;
            }
            var signal = new double[n];
            var source = signals.Span.Slice(k * n, n);
            for (int i = 0; i < n; i++)
                signal[i] = double.CreateTruncating(source[i]);
            result._objectives[k] = RobustSparseCoding.Objective(dictionary, signal, code, anomaly, settings[k]);
            // The Lasso objective is (n/m)·F on m = n + p augmented rows, and so is its gap.
            double rows = settings[k].CodeRidge > 0 ? n + p : n;
            result._gaps[k] = solve[k].DualityGap * rows / n;
        });
        return result;
    }
}
