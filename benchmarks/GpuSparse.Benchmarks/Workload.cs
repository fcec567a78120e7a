using GpuSparse.Data;
using GpuSparse.Model;

namespace GpuSparse.Benchmarks;

/// <summary>
/// One benchmark workload from the portable generator (the same data as <c>shared/peers/time_peers.py</c>):
/// K problems of n × p, Lasso at the generator's α_k unless an elastic net (λ, l1_ratio) is given.
/// </summary>
public sealed record Workload(string Name, int K, int N, int P, ulong SeedBase, ulong AlphaSeed, double? Lambda = null, double L1Ratio = 1)
{
    /// <summary>The workloads of the issue; names match the peers' bench names.</summary>
    public static readonly Workload[] All =
    [
        new("K1000_n64_p32", 1000, 64, 32, 1_000_000, 777),
        new("K10000_n64_p32", 10_000, 64, 32, 1_000_000, 777),
        new("K100_n500_p200", 100, 500, 200, 2_000_000, 778),
        new("ENet20000_n50_p200", 20_000, 50, 200, 4_000_000, 779, Lambda: 1e-3, L1Ratio: 0.5),
    ];

    /// <summary>Generates the batch in precision T.</summary>
    public ProblemBatch<T> Create<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var w = PortableGenerator.Batch(K, N, P, SeedBase, AlphaSeed);
        var settings = w.Alphas.Select(a => Lambda is { } lambda
            ? ProblemSettings.ElasticNet(lambda, L1Ratio)
            : ProblemSettings.Lasso(a)).ToArray();
        var x = w.X.Select(T.CreateTruncating).ToArray();
        var y = w.Y.Select(T.CreateTruncating).ToArray();
        return ProblemBatch<T>.WithDesignPerProblem(x, N, P, y, settings);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
