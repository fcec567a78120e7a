namespace GpuSparse.Anomaly;

/// <summary>Quality of anomaly scores against ground-truth labels (true = anomalous).</summary>
public static class DetectionMetrics
{
    /// <summary>
    /// The area under the ROC curve via the Mann–Whitney statistic: the probability that a random anomalous
    /// item scores above a random normal one, ties counting one half. Ranks are averaged over ties, so
    /// <c>AUC = (R₊ − n₊(n₊ + 1)/2)/(n₊·n₋)</c> with R₊ the rank sum of the anomalous items.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, or one class is empty.</exception>
    public static double RocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        var (positives, negatives) = Count(scores, labels);
        var order = new int[scores.Length];
        for (int i = 0; i < order.Length; i++)
            order[i] = i;
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        double positiveRankSum = 0;
        for (int start = 0; start < keys.Length;)
        {
            int end = start;
            while (end + 1 < keys.Length && keys[end + 1] == keys[start])
                end++;
            // Ranks start..end (1-based start+1..end+1) share their mean.
            double rank = 0.5 * (start + end) + 1;
            for (int t = start; t <= end; t++)
                if (labels[order[t]])
                    positiveRankSum += rank;
            start = end + 1;
        }
        return (positiveRankSum - 0.5 * positives * (positives + 1.0)) / ((double)positives * negatives);
    }

    /// <summary>
    /// Precision and recall of the rule "anomalous when score &gt; <paramref name="threshold"/>"; precision
    /// is 1 when nothing is flagged (no false alarm was raised).
    /// </summary>
    public static (double Precision, double Recall) PrecisionRecall(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels,
        double threshold)
    {
        var (positives, _) = Count(scores, labels);
        int flagged = 0, hits = 0;
        for (int i = 0; i < scores.Length; i++)
            if (scores[i] > threshold)
            {
                flagged++;
                if (labels[i])
                    hits++;
            }
        return (flagged == 0 ? 1.0 : (double)hits / flagged, (double)hits / positives);
    }

    private static (int Positives, int Negatives) Count(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        if (scores.Length != labels.Length)
            throw new ArgumentException($"{scores.Length} scores for {labels.Length} labels", nameof(labels));
        int positives = 0;
        foreach (bool label in labels)
            if (label)
                positives++;
        int negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException($"needs both classes; got {positives} anomalous and {negatives} normal", nameof(labels));
        foreach (double s in scores)
            if (double.IsNaN(s))
                throw new ArgumentException("a score is NaN", nameof(scores));
        return (positives, negatives);
    }
}
