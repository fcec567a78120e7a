using System.Numerics;
using GpuSparse.Data;

namespace GpuSparse.Benchmarks.Gpu;

/// <summary>How a target's data move: host arrays in and out on every solve, or designs kept on the device.</summary>
public enum TargetMode
{
    /// <summary><c>IlgpuBackend.Solve</c> on a batch in host memory; results back in host memory.</summary>
    HostToHost,

    /// <summary>
    /// A <c>ResidentSession</c> holding the designs on the device; each call moves y, λ and l1_ratio in and the
    /// results out, and starts cold (warm starts reset before every call).
    /// </summary>
    Resident,
}

/// <summary>
/// One target of issue 16: K problems of a benchmark workload's shape (the workload's problems repeated
/// <see cref="Copies"/> times when K exceeds it: the same shapes and iteration counts, distinct memory), the
/// precision, the stopping tolerance and the goal.
/// </summary>
/// <param name="Name">The row's name in the tables.</param>
/// <param name="Workload">The problems (its first <c>K / Copies</c>).</param>
/// <param name="Copies">How many times the workload's problems repeat.</param>
/// <param name="Single">float32 when true, float64 otherwise.</param>
/// <param name="Tolerance">Relative gap tolerance (scikit-learn's rule).</param>
/// <param name="Mode">How the data move.</param>
/// <param name="GoalSeconds">The most time one solve (or call) of all K problems may take.</param>
/// <param name="Goal">The goal as issue 16 states it.</param>
public sealed record GpuTarget(string Name, Workload Workload, int Copies, bool Single, double Tolerance, TargetMode Mode,
    double GoalSeconds, string Goal)
{
    private static readonly Workload Lasso = Workload.All.Single(w => w.Name == "K1000_n64_p32");
    private static readonly Workload ElasticNet = Workload.All.Single(w => w.Name == "ENet20000_n50_p200");

    /// <summary>The targets at full size (for a GPU: $GPUSPARSE_BENCH_GPU_TARGETS=all).</summary>
    public static readonly GpuTarget[] Full =
    [
        new("LassoHostToHost", Lasso, 1000, Single: false, 1e-6, TargetMode.HostToHost, 1.0, "≥ 1,000,000 problems/s"),
        new("LassoResident", Lasso, 1000, Single: false, 1e-6, TargetMode.Resident, 0.1, "≥ 10,000,000 problems/s"),
        new("ElasticNetResident", ElasticNet, 1, Single: true, 1e-4, TargetMode.Resident, 0.020, "≤ 20 ms"),
    ];

    /// <summary>The same targets on 32 and 8 problems, for the smoke job and machines without a GPU (goals scaled by K).</summary>
    public static readonly GpuTarget[] Scaled =
    [
        Full[0] with { Workload = Lasso with { K = 32 }, Copies = 1, GoalSeconds = 32e-6 },
        Full[1] with { Workload = Lasso with { K = 32 }, Copies = 1, GoalSeconds = 3.2e-6 },
        Full[2] with { Workload = ElasticNet with { K = 8 }, GoalSeconds = 8e-6 },
    ];

    /// <summary>K, the number of problems.</summary>
    public int Problems => Workload.K * Copies;

    /// <summary>
    /// The data in precision T: X (K·n·p, problem-major), y (K·n), λ and l1_ratio per problem, the workload's
    /// problems repeated <see cref="Copies"/> times.
    /// </summary>
    public (T[] Designs, T[] Responses, double[] Lambdas, double[] L1Ratios) Create<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var w = PortableGenerator.Batch(Workload.K, Workload.N, Workload.P, Workload.SeedBase, Workload.AlphaSeed);
        int designLength = w.X.Length, responseLength = w.Y.Length;
        var designs = new T[checked((long)designLength * Copies)];
        var responses = new T[checked((long)responseLength * Copies)];
        var x = w.X.Select(T.CreateTruncating).ToArray();
        var y = w.Y.Select(T.CreateTruncating).ToArray();
        for (int copy = 0; copy < Copies; copy++)
        {
            x.CopyTo(designs, (long)copy * designLength);
            y.CopyTo(responses, (long)copy * responseLength);
        }
        var lambdas = Enumerable.Range(0, Problems).Select(k => Workload.Lambda ?? w.Alphas[k % Workload.K]).ToArray();
        var ratios = Enumerable.Repeat(Workload.L1Ratio, Problems).ToArray();
        return (designs, responses, lambdas, ratios);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
