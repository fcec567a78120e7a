using GpuSparse.Model;

namespace GpuSparse.Tests.Penalties;

/// <summary>
/// One generated group-Lasso problem: a design with correlated columns (AR(1) along the columns, ρ up to 0.8),
/// a sparse truth on a few groups, group sizes 1–10 (labels contiguous or scattered), λ a fraction of λ_max.
/// </summary>
public sealed record GroupProblem(int Seed, int Samples, int Features, double[] X, double[] Y, int[] Groups, double L1Ratio,
    double Lambda)
{
    public ProblemSettings Settings => new() { Lambda = Lambda, L1Ratio = L1Ratio, Groups = Groups };

    public override string ToString() => $"seed {Seed}: {Samples} × {Features}, {Groups.Distinct().Count()} groups, r = {L1Ratio}";
}

/// <summary>The generated problems and an independent solver for them (plain proximal gradient in float64).</summary>
public static class GroupProblems
{
    /// <summary>24 group-Lasso problems (r = 1): n ∈ {30, 60}, p ∈ {12, 40, 90} (p &gt; n included), scattered labels every third.</summary>
    public static IReadOnlyList<GroupProblem> Lasso { get; } = [.. Enumerable.Range(0, 24).Select(seed => Generate(seed, 1.0))];

    /// <summary>8 group elastic-net problems (r = 0.6) of the same kinds.</summary>
    public static IReadOnlyList<GroupProblem> ElasticNet { get; } = [.. Enumerable.Range(24, 8).Select(seed => Generate(seed, 0.6))];

    public static IEnumerable<object[]> LassoIndices => Enumerable.Range(0, Lasso.Count).Select(i => new object[] { i });

    public static IEnumerable<object[]> ElasticNetIndices => Enumerable.Range(0, ElasticNet.Count).Select(i => new object[] { i });

    public static GroupProblem Generate(int seed, double ratio)
    {
        var random = new Random(1000 + seed);
        int n = seed % 2 == 0 ? 30 : 60;
        int p = (seed / 2 % 3) switch { 0 => 12, 1 => 40, _ => 90 };
        double rho = 0.8 * random.NextDouble();
        var x = new double[n * p];
        for (int i = 0; i < n; i++)
        {
            double previous = Normal(random);
            for (int j = 0; j < p; j++)
            {
                // xⱼ = ρ·xⱼ₋₁ + √(1 − ρ²)·z: neighbouring columns (and groups) correlated
                double value = j == 0 ? previous : rho * previous + Math.Sqrt(1 - rho * rho) * Normal(random);
                x[i * p + j] = value;
                previous = value;
            }
        }
        var groups = new int[p];
        for (int j = 0, label = 0; j < p; label++)
        {
            int size = Math.Min(1 + random.Next(10), p - j);
            for (int e = 0; e < size; e++)
                groups[j++] = label;
        }
        if (seed % 3 == 2)
            random.Shuffle(groups);
        int groupCount = groups.Max() + 1;
        var truth = new double[p];
        for (int j = 0; j < p; j++)
            if (groups[j] % Math.Max(1, groupCount / 3) == 0)
                truth[j] = Normal(random);
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double acc = 2.0;
            for (int j = 0; j < p; j++)
                acc += x[i * p + j] * truth[j];
            y[i] = acc + 0.5 * Normal(random);
        }
        double fraction = 0.05 + 0.4 * random.NextDouble();
        double lambdaMax = IndependentGroupLasso.LambdaMax(x, y, n, p, groups, ratio);
        return new GroupProblem(seed, n, p, x, y, groups, ratio, fraction * lambdaMax);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
