using System.Numerics;
using GpuSparse.Model;

namespace GpuSparse.Tests.Backends;

/// <summary>Seeded random batches covering every penalty option, for the backend agreement tests.</summary>
internal static class TestProblems
{
    /// <summary>A mix of Lasso, elastic net, Ridge, positivity, penalty factors (with zeros), standardize and no intercept.</summary>
    public static ProblemSettings[] Mixed(int count, int features, int seed)
    {
        var random = new Random(seed);
        var settings = new ProblemSettings[count];
        for (int k = 0; k < count; k++)
        {
            double lambda = 0.02 + 0.3 * random.NextDouble();
            var baseSettings = (k % 4) switch
            {
                0 => ProblemSettings.Lasso(lambda),
                1 => ProblemSettings.ElasticNet(lambda, 0.5),
                2 => ProblemSettings.Ridge(lambda),
                _ => ProblemSettings.ElasticNet(lambda, 0.9),
            };
            double[]? factors = null;
            if (k % 3 == 1)
            {
                factors = new double[features];
                for (int j = 0; j < features; j++)
                    factors[j] = j == 0 ? 0.0 : 0.5 + random.NextDouble();
            }
            settings[k] = baseSettings with
            {
                Positive = k % 5 == 2,
                Standardize = k % 2 == 1,
                FitIntercept = k % 7 != 3,
                PenaltyFactors = factors,
            };
        }
        return settings;
    }

    /// <summary>Problems with one shared n × p design (optionally with an all-zero column).</summary>
    public static ProblemBatch<T> Shared<T>(int samples, int features, ProblemSettings[] settings, int seed, bool zeroColumn = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var x = Design<T>(random, samples, features, zeroColumn);
        var ys = new ReadOnlyMemory<T>[settings.Length];
        for (int k = 0; k < ys.Length; k++)
            ys[k] = Response(random, x, samples, features);
        return ProblemBatch<T>.WithSharedDesign(x, features, ys, settings);
    }

    /// <summary>Problems with their own designs; problem k has <c>samples[k % samples.Length]</c> rows.</summary>
    public static ProblemBatch<T> PerProblem<T>(int[] samples, int features, ProblemSettings[] settings, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var xs = new ReadOnlyMemory<T>[settings.Length];
        var ys = new ReadOnlyMemory<T>[settings.Length];
        for (int k = 0; k < settings.Length; k++)
        {
            int n = samples[k % samples.Length];
            var x = Design<T>(random, n, features, zeroColumn: k % 4 == 3);
            xs[k] = x;
            ys[k] = Response(random, x, n, features);
        }
        return ProblemBatch<T>.WithDesignPerProblem(xs, features, ys, settings);
    }

    private static T[] Design<T>(Random random, int samples, int features, bool zeroColumn)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = new T[samples * features];
        for (int i = 0; i < samples; i++)
            for (int j = 0; j < features; j++)
                x[i * features + j] = zeroColumn && j == features - 1
                    ? T.Zero
                    : T.CreateTruncating(1.0 + j % 3 + (2 * random.NextDouble() - 1) * (1 + j % 2));
        return x;
    }

    private static T[] Response<T>(Random random, T[] x, int samples, int features)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = new T[samples];
        for (int i = 0; i < samples; i++)
        {
            double acc = 0.5 + 0.3 * (2 * random.NextDouble() - 1);
            for (int j = 0; j < Math.Min(features, 4); j++)
                acc += (j % 2 == 0 ? 1.5 : -0.8) * double.CreateTruncating(x[i * features + j]);
            y[i] = T.CreateTruncating(acc);
        }
        return y;
    }
}
