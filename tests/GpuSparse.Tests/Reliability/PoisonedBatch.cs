using System.Numerics;
using GpuSparse.Data;
using GpuSparse.Model;

namespace GpuSparse.Tests.Reliability;

/// <summary>
/// The isolation workload: <c>PortableGenerator.Batch(1000, 64, 32)</c>, with one design per problem or with
/// problem 0's design shared by all, clean or with ten problems poisoned in ten different ways.
/// </summary>
public static class PoisonedBatch
{
    /// <summary>K, n, p of the workload.</summary>
    public const int Count = 1000, Samples = 64, Features = 32;

    private static readonly Lazy<BatchWorkload> Workload = new(() => PortableGenerator.Batch(Count, Samples, Features));

    /// <summary>The poisoned problems of the design-per-problem batch and the field each must be reported on.</summary>
    public static IReadOnlyDictionary<int, string> PerProblemPoison { get; } = new Dictionary<int, string>
    {
        [3] = "X", [97] = "X", [150] = "y", [333] = "y", [404] = "lambda",
        [500] = "l1_ratio", [612] = "penalty_factors", [777] = "warm_start", [888] = "X", [999] = "lambda",
    };

    /// <summary>The poisoned problems of the shared-design batch and the field each must be reported on.</summary>
    public static IReadOnlyDictionary<int, string> SharedPoison { get; } = new Dictionary<int, string>
    {
        [0] = "y", [97] = "y", [150] = "y", [333] = "lambda", [404] = "lambda",
        [500] = "l1_ratio", [612] = "penalty_factors", [777] = "warm_start", [888] = "warm_start", [999] = "penalty_factors",
    };

    /// <summary>
    /// The first <paramref name="count"/> problems with one design each; <paramref name="poisoned"/> (whole batch only)
    /// breaks the problems of <see cref="PerProblemPoison"/>.
    /// </summary>
    public static ProblemBatch<T> PerProblem<T>(bool poisoned, int count = Count) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (poisoned && count != Count)
            throw new ArgumentException("only the whole batch is poisoned", nameof(count));
        var w = Workload.Value;
        int n = Samples, p = Features;
        var xs = Enumerable.Range(0, count).Select(k => Convert<T>(w.X.AsSpan(k * n * p, n * p))).ToArray();
        var ys = Enumerable.Range(0, count).Select(k => Convert<T>(w.Y.AsSpan(k * n, n))).ToArray();
        var settings = Enumerable.Range(0, count).Select(k => ProblemSettings.Lasso(w.Alphas[k])).ToArray();
        if (poisoned)
        {
            xs[3][100] = T.NaN;
            xs[97][5] = T.PositiveInfinity;
            ys[150][63] = T.NaN;
            ys[333] = ys[333][..^1];
            settings[404] = settings[404] with { Lambda = -settings[404].Lambda };
            settings[500] = settings[500] with { L1Ratio = double.NaN };
            settings[612] = settings[612] with { PenaltyFactors = [.. Enumerable.Repeat(1.0, p - 1), -1] };
            settings[777] = settings[777] with { WarmStart = [double.NaN, .. new double[p - 1]] };
            xs[888] = xs[888][..^1];
            settings[999] = settings[999] with { Lambda = double.PositiveInfinity };
        }
        return ProblemBatch<T>.WithDesignPerProblem([.. xs.Select(x => (ReadOnlyMemory<T>)x)], p,
            [.. ys.Select(y => (ReadOnlyMemory<T>)y)], settings);
    }

    /// <summary>Problem 0's design shared by every problem; <paramref name="poisoned"/> breaks the problems of <see cref="SharedPoison"/>.</summary>
    public static ProblemBatch<T> Shared<T>(bool poisoned) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var w = Workload.Value;
        int n = Samples, p = Features;
        var x = Convert<T>(w.X.AsSpan(0, n * p));
        var ys = Enumerable.Range(0, Count).Select(k => Convert<T>(w.Y.AsSpan(k * n, n))).ToArray();
        // The fractions of α_max of the workload, on problem 0's design: a sweep over targets and λ.
        var settings = Enumerable.Range(0, Count).Select(k => ProblemSettings.ElasticNet(w.Alphas[k], k % 2 == 0 ? 1.0 : 0.5)).ToArray();
        if (poisoned)
        {
            ys[0][0] = T.NaN;
            ys[97][10] = T.NegativeInfinity;
            ys[150] = [.. ys[150], T.One];
            settings[333] = settings[333] with { Lambda = -1 };
            settings[404] = settings[404] with { Lambda = double.NaN };
            settings[500] = settings[500] with { L1Ratio = 1.5 };
            settings[612] = settings[612] with { PenaltyFactors = new double[p - 1] };
            settings[777] = settings[777] with { WarmStart = new double[p + 1] };
            settings[888] = settings[888] with { WarmStart = [.. new double[p - 1], double.PositiveInfinity] };
            settings[999] = settings[999] with { PenaltyFactors = [double.NaN, .. Enumerable.Repeat(1.0, p - 1)] };
        }
        return ProblemBatch<T>.WithSharedDesign(x, p, [.. ys.Select(y => (ReadOnlyMemory<T>)y)], settings);
    }

    private static T[] Convert<T>(ReadOnlySpan<double> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new T[values.Length];
        for (int i = 0; i < values.Length; i++)
            result[i] = T.CreateTruncating(values[i]);
        return result;
    }
}
