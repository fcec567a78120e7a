using GpuSparse.Numerics;

namespace GpuSparse.Sweeps;

/// <summary>Assignments of samples to cross-validation folds (fold ids 0 … K − 1, one per sample).</summary>
public static class Folds
{
    /// <summary>
    /// scikit-learn's <c>KFold(K)</c> without shuffling: contiguous blocks in sample order, the first n mod K
    /// folds one sample larger.
    /// </summary>
    public static int[] Contiguous(int samples, int folds)
    {
        Check(samples, folds);
        var ids = new int[samples];
        int start = 0;
        for (int f = 0; f < folds; f++)
        {
            int size = samples / folds + (f < samples % folds ? 1 : 0);
            Array.Fill(ids, f, start, size);
            start += size;
        }
        return ids;
    }

    /// <summary>
    /// glmnet's scheme, <c>sample(rep(1:K, length = n))</c>, with a portable shuffle: ids i mod K permuted by a
    /// Fisher–Yates shuffle driven by SplitMix64 output of <paramref name="seed"/> (the same on every platform).
    /// </summary>
    public static int[] Shuffled(int samples, int folds, ulong seed)
    {
        Check(samples, folds);
        var ids = new int[samples];
        for (int i = 0; i < samples; i++)
            ids[i] = i % folds;
        for (int i = samples - 1; i > 0; i--)
        {
            // j uniform in 0 … i from the top 53 bits of the i-th SplitMix64 output.
            double u = (SplitMix64.Output(seed, samples - 1 - i) >> 11) * (1.0 / (1UL << 53));
            int j = (int)(u * (i + 1));
            (ids[i], ids[j]) = (ids[j], ids[i]);
        }
        return ids;
    }

    /// <summary>
    /// Renumbers arbitrary fold labels (R's 1 … K, any integers) to 0 … K − 1 in ascending label order.
    /// Throws when fewer than two folds are present.
    /// </summary>
    public static int[] Normalize(IReadOnlyList<int> labels)
    {
        var distinct = labels.Distinct().Order().ToArray();
        if (distinct.Length < 2)
            throw new ArgumentException($"cross-validation needs at least 2 folds, the fold ids hold {distinct.Length}", nameof(labels));
        var index = distinct.Select((label, f) => (label, f)).ToDictionary(e => e.label, e => e.f);
        return [.. labels.Select(label => index[label])];
    }

    private static void Check(int samples, int folds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, folds);
    }
}
