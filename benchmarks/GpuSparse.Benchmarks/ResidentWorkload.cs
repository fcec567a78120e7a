using GpuSparse.Backends;
using GpuSparse.Model;

namespace GpuSparse.Benchmarks;

/// <summary>
/// The calls of the resident-session benchmarks: K problems on one shared design X of n × p (entries uniform in
/// [−1, 1]), y = x₀ − 0.5·x₁ + noise of ±0.1, λ = 0.01 + 0.001·(k mod 50), Lasso (r = 1), and the caller's result
/// arrays. Seeded, so every run and every benchmark case calls on the same values.
/// </summary>
internal sealed class ResidentWorkload
{
    private readonly double[] _coefficients, _intercepts, _gaps;
    private readonly int[] _iterations;

    public ResidentWorkload(int problems, int samples, int features)
    {
        Problems = problems;
        Features = features;
        var random = new Random(42);
        Design = new double[samples * features];
        for (int e = 0; e < Design.Length; e++)
            Design[e] = 2 * random.NextDouble() - 1;
        Responses = new double[problems * samples];
        for (int k = 0; k < problems; k++)
            for (int i = 0; i < samples; i++)
                Responses[k * samples + i] = Design[i * features] - 0.5 * Design[i * features + 1] + 0.1 * (2 * random.NextDouble() - 1);
        Lambdas = [.. Enumerable.Range(0, problems).Select(k => 0.01 + 0.001 * (k % 50))];
        Ratios = [.. Enumerable.Repeat(1.0, problems)];
        _coefficients = new double[problems * features];
        _intercepts = new double[problems];
        _gaps = new double[problems];
        _iterations = new int[problems];
        Statuses = new ProblemStatus[problems];
    }

    /// <summary>K.</summary>
    public int Problems { get; }

    /// <summary>p.</summary>
    public int Features { get; }

    /// <summary>X, n × p row-major.</summary>
    public double[] Design { get; }

    /// <summary>The K responses, K × n.</summary>
    public double[] Responses { get; }

    /// <summary>λ per problem.</summary>
    public double[] Lambdas { get; }

    /// <summary>r per problem.</summary>
    public double[] Ratios { get; }

    /// <summary>The statuses of the last call.</summary>
    public ProblemStatus[] Statuses { get; }

    /// <summary>The caller's result arrays.</summary>
    public ResidentOutput Output => new(_coefficients, _intercepts, _gaps, _iterations, Statuses);

    /// <summary>Opens a session of the K problems on X.</summary>
    public ResidentSession<double> Open(IlgpuBackend backend, SolverOptions options) =>
        ResidentSession<double>.WithSharedDesign(backend, Design, Features, Problems, new ResidentOptions(), options);

    /// <summary>One call of the session on these problems.</summary>
    public void Solve(ResidentSession<double> session) => session.Solve(Responses, Lambdas, Ratios, Output);
}
