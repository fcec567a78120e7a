using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Model;

namespace GpuSparse.Anomaly;

/// <summary>
/// Robust sparse coding of many signals against one dictionary, solved as ONE batch of weighted Lasso
/// problems: <c>y = Dx + s</c> with a sparse code x and a sparse error s (the anomaly); see
/// <see cref="RobustCodingSettings"/> for the objective F.
/// </summary>
/// <remarks>
/// β = (x, s) on the design A = [D, I], no intercept (a constant offset belongs in D as a DC atom), r = 1 and penalty
/// factors w_x = λ_x·r_x/λ, w_s = λ_s/λ with λ = max(λ_x·r_x, λ_s): the mapping is exact. A ridge on x alone
/// (λ_x·(1 − r_x) &gt; 0) is moved into the data as p extra rows <c>[c·I, 0]</c>, <c>c = √(n·λ_x(1 − r_x))</c>, with λ
/// scaled by n/(n + p), so the Lasso objective is exactly n/(n + p) times F and the minimisers coincide.
/// </remarks>
public static class RobustSparseCoding
{
    /// <summary>
    /// Codes K signals (a K × n row-major block) against <paramref name="dictionary"/> with the same penalties.
    /// </summary>
    public static RobustCodingResult Solve<T>(ISolverBackend backend, CodingDictionary dictionary, ReadOnlyMemory<T> signals,
        RobustCodingSettings settings, SolverOptions options, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Solve(backend, dictionary, signals, Enumerable.Repeat(settings, SignalCount(dictionary, signals)).ToArray(), options, cancellationToken);

    /// <summary>
    /// Codes K signals (a K × n row-major block, n = <see cref="CodingDictionary.Length"/>) against
    /// <paramref name="dictionary"/>, problem k with <paramref name="settings"/>[k], as one batch on
    /// <paramref name="backend"/>.
    /// </summary>
    public static RobustCodingResult Solve<T>(ISolverBackend backend, CodingDictionary dictionary, ReadOnlyMemory<T> signals,
        IReadOnlyList<RobustCodingSettings> settings, SolverOptions options, CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(backend);
        var batch = ToLassoBatch(dictionary, signals, settings);
        var solved = backend.Solve(batch, options, cancellationToken: cancellationToken);
        return RobustCodingResult.Create(dictionary, signals, settings, solved);
    }

    /// <summary>
    /// The equivalent weighted-Lasso batch (see the remarks of <see cref="RobustSparseCoding"/>): problem k's
    /// coefficients are <c>(x_k, s_k)</c>, p + n of them. Designs are shared when every problem has the same
    /// ridge λ_x(1 − r_x) (the usual case) and given per problem otherwise.
    /// </summary>
    public static ProblemBatch<T> ToLassoBatch<T>(CodingDictionary dictionary, ReadOnlyMemory<T> signals,
        IReadOnlyList<RobustCodingSettings> settings)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        ArgumentNullException.ThrowIfNull(settings);
        int count = SignalCount(dictionary, signals);
        if (settings.Count != count)
            throw new ArgumentException($"{settings.Count} settings for {count} signals", nameof(settings));
        foreach (var s in settings)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(settings));
            s.Validate();
        }
        int n = dictionary.Length, features = dictionary.Count + n;
        var designs = new Dictionary<double, ReadOnlyMemory<T>>();
        var designOf = new ReadOnlyMemory<T>[count];
        var responses = new ReadOnlyMemory<T>[count];
        var lasso = new ProblemSettings[count];
        for (int k = 0; k < count; k++)
        {
            var s = settings[k];
            double ridge = s.CodeRidge;
            if (!designs.TryGetValue(ridge, out var design))
                designs[ridge] = design = AugmentedDesign<T>(dictionary, ridge);
            designOf[k] = design;
            var signal = signals.Slice(k * n, n);
            responses[k] = ridge > 0 ? Padded(signal, dictionary.Count) : signal;
            lasso[k] = LassoSettings(s, n, dictionary.Count);
        }
        return designs.Count == 1
            ? ProblemBatch<T>.WithSharedDesign(designOf[0], features, responses, lasso)
            : ProblemBatch<T>.WithDesignPerProblem(designOf, features, responses, lasso);
    }

    /// <summary>
    /// F(x, s) = 1/(2n)‖y − Dx − s‖² + λ_x(r‖x‖₁ + (1 − r)/2‖x‖²) + λ_s‖s‖₁, evaluated in float64.
    /// </summary>
    public static double Objective(CodingDictionary dictionary, ReadOnlySpan<double> signal, ReadOnlySpan<double> code,
        ReadOnlySpan<double> anomaly, RobustCodingSettings settings)
    {
        int n = dictionary.Length, p = dictionary.Count;
        double rss = 0;
        for (int i = 0; i < n; i++)
        {
            double fitted = anomaly[i];
            for (int j = 0; j < p; j++)
                fitted += dictionary[i, j] * code[j];
            rss += (signal[i] - fitted) * (signal[i] - fitted);
        }
        double codeL1 = 0, codeL2 = 0, anomalyL1 = 0;
        foreach (double x in code)
        {
            codeL1 += Math.Abs(x);
            codeL2 += x * x;
        }
        foreach (double e in anomaly)
            anomalyL1 += Math.Abs(e);
        return rss / (2.0 * n) + settings.CodeLambda * (settings.CodeL1Ratio * codeL1 + 0.5 * (1 - settings.CodeL1Ratio) * codeL2)
            + settings.AnomalyLambda * anomalyL1;
    }

    /// <summary>
    /// The Lasso settings of one problem: λ = max(λ_x·r, λ_s) and factors (λ_x·r/λ, …, λ_s/λ, …), λ scaled
    /// by n/(n + p) when the ridge on x is carried by p augmented rows.
    /// </summary>
    private static ProblemSettings LassoSettings(RobustCodingSettings settings, int n, int atoms)
    {
        double codeL1 = settings.CodeLambda * settings.CodeL1Ratio;
        double lambda = Math.Max(codeL1, settings.AnomalyLambda);
        var factors = new double[atoms + n];
        Array.Fill(factors, codeL1 / lambda, 0, atoms);
        Array.Fill(factors, settings.AnomalyLambda / lambda, atoms, n);
        double rows = settings.CodeRidge > 0 ? n + atoms : n;
        return new ProblemSettings
        {
            Lambda = lambda * n / rows,
            L1Ratio = 1,
            FitIntercept = false,
            PenaltyFactors = factors,
        };
    }

    /// <summary>
    /// [D, I] (n × (p + n)), with the rows [c·I_p, 0], c = √(n·ridge), appended when ridge &gt; 0:
    /// then ‖[y; 0] − Aβ‖² = ‖y − Dx − s‖² + n·ridge·‖x‖².
    /// </summary>
    private static T[] AugmentedDesign<T>(CodingDictionary dictionary, double ridge)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = dictionary.Length, p = dictionary.Count, features = p + n;
        int rows = ridge > 0 ? n + p : n;
        var design = new T[ArraySize.Of("augmented design", rows, features)];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < p; j++)
                design[i * features + j] = T.CreateTruncating(dictionary[i, j]);
            design[i * features + p + i] = T.One;
        }
        if (ridge > 0)
        {
            var c = T.CreateTruncating(Math.Sqrt(n * ridge));
            for (int j = 0; j < p; j++)
                design[(n + j) * features + j] = c;
        }
        return design;
    }

    private static T[] Padded<T>(ReadOnlyMemory<T> signal, int zeros) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var padded = new T[signal.Length + zeros];
        signal.Span.CopyTo(padded);
        return padded;
    }

    private static int SignalCount<T>(CodingDictionary dictionary, ReadOnlyMemory<T> signals)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        if (signals.Length == 0 || signals.Length % dictionary.Length != 0)
            throw new ArgumentException(
                $"holds {signals.Length} values, not a positive multiple of the signal length n = {dictionary.Length}", nameof(signals));
        return signals.Length / dictionary.Length;
    }
}
