using GpuSparse.Model;

namespace GpuSparse.Preparation;

/// <summary>
/// The blocks of a group penalty from per-feature group labels (<see cref="ProblemSettings.Groups"/>): the
/// features of a group must be contiguous in the working coordinates (the backends reorder a batch whose groups
/// are not, see <see cref="Backends.GroupOrdering"/>), each group is one block, and its weight w_g is √|g| unless the
/// group weights (or penalty factors) give it.
/// </summary>
internal static class GroupLayout
{
    /// <summary>Whether every label's features form one run of consecutive features.</summary>
    public static bool IsContiguous(ReadOnlySpan<int> labels)
    {
        var closed = new HashSet<int>();
        for (int j = 0; j < labels.Length; j++)
        {
            if (j > 0 && labels[j] != labels[j - 1] && !closed.Add(labels[j - 1]))
                return false;
            if (closed.Contains(labels[j]))
                return false;
        }
        return true;
    }

    /// <summary>
    /// The feature order that makes the groups contiguous: groups in the order of their first feature, features
    /// ascending within a group. <c>order[i]</c> is the feature at working position i.
    /// </summary>
    public static int[] ContiguousOrder(ReadOnlySpan<int> labels)
    {
        var members = new Dictionary<int, List<int>>();
        var first = new List<int>();
        for (int j = 0; j < labels.Length; j++)
        {
            if (!members.TryGetValue(labels[j], out var list))
            {
                members[labels[j]] = list = [];
                first.Add(labels[j]);
            }
            list.Add(j);
        }
        return [.. first.SelectMany(label => members[label])];
    }

    /// <summary>The end (exclusive) of the block at every feature of contiguous labels (read at a block's start).</summary>
    public static int[] BlockEnds(ReadOnlySpan<int> labels)
    {
        var ends = new int[labels.Length];
        for (int end = labels.Length, j = labels.Length - 1; j >= 0; j--)
        {
            if (j + 1 < labels.Length && labels[j + 1] != labels[j])
                end = j + 1;
            ends[j] = end;
        }
        return ends;
    }

    /// <summary>
    /// The per-feature factor of the penalty: w_g at every feature of group g, from the group weights when given
    /// (one per group, in ascending label order), else from the penalty factors when given (equal within a group,
    /// see <see cref="Check"/>), else √|g| (Yuan and Lin's weights). Without groups, the penalty factors as given.
    /// </summary>
    public static double[]? Factors(ProblemSettings settings)
    {
        if (settings.Groups is not { } labels || (settings.PenaltyFactors is not null && settings.GroupWeights is null))
            return settings.PenaltyFactors;
        if (settings.GroupWeights is { } weights)
        {
            var rank = RankOf(labels);
            return [.. labels.Select(label => weights[rank[label]])];
        }
        var sizes = new Dictionary<int, int>();
        foreach (int label in labels)
            sizes[label] = sizes.GetValueOrDefault(label) + 1;
        return [.. labels.Select(label => Math.Sqrt(sizes[label]))];
    }

    /// <summary>The index of every label among the distinct labels in ascending order (the order of the group weights).</summary>
    public static Dictionary<int, int> RankOf(ReadOnlySpan<int> labels)
    {
        var distinct = new SortedSet<int>();
        foreach (int label in labels)
            distinct.Add(label);
        return distinct.Select((label, index) => (label, index)).ToDictionary(e => e.label, e => e.index);
    }

    /// <summary>The fault of the group labels and weights of a problem with p features, or null.</summary>
    public static ValidationFailure? Check(ProblemSettings settings, int p)
    {
        if (settings.Groups is not { } labels)
            return settings.GroupWeights is null ? null : new("group_weights", "are given without group labels");
        if (labels.Length != p)
            return new("groups", $"has length {labels.Length} but p = {p}");
        if (!IsContiguous(labels))
            return new("groups", "the features of a group are not contiguous (the backends reorder them before validation)");
        if (settings.Positive)
            return new("groups", "a group penalty cannot be combined with positive = true");
        if (settings.GroupWeights is { } weights)
            return CheckWeights(weights, labels, settings.PenaltyFactors is not null);
        if (settings.PenaltyFactors is { } w)
        {
            var weight = new Dictionary<int, (double Value, int Feature)>();
            for (int j = 0; j < p; j++)
            {
                if (!weight.TryGetValue(labels[j], out var seen))
                    weight[labels[j]] = (w[j], j);
                else if (seen.Value != w[j])
                    return new("penalty_factors", $"w[{j}] = {w[j]} differs from w[{seen.Feature}] = {seen.Value} in group {labels[j]} " +
                        "(with groups the factors are group weights, equal within a group)");
            }
        }
        return null;
    }

    // One finite weight ≥ 0 per group, and not together with penalty factors (two weights for one group).
    private static ValidationFailure? CheckWeights(double[] weights, ReadOnlySpan<int> labels, bool penaltyFactors)
    {
        if (penaltyFactors)
            return new("group_weights", "cannot be combined with penalty_factors (both would weigh the groups)");
        var rank = RankOf(labels);
        if (weights.Length != rank.Count)
            return new("group_weights", $"has length {weights.Length} but the labels name {rank.Count} groups");
        var label = rank.ToDictionary(e => e.Value, e => e.Key);
        for (int g = 0; g < weights.Length; g++)
            if (!double.IsFinite(weights[g]) || weights[g] < 0)
                return new("group_weights", $"w[{g}] (group {label[g]}) is {weights[g]} (must be finite and ≥ 0)");
        return null;
    }

    /// <summary>
    /// The fault of a group whose columns the preparation scaled by different powers of two (columns outside
    /// [2⁻³², 2³²] without standardize): the group norm of the working coefficients would not be the one posed.
    /// </summary>
    public static ValidationFailure? CheckScales(ReadOnlySpan<int> labels, int[]? penaltyExponents)
    {
        if (penaltyExponents is null)
            return null;
        for (int j = 1; j < labels.Length; j++)
            if (labels[j] == labels[j - 1] && penaltyExponents[j] != penaltyExponents[j - 1])
                return new("X", $"columns {j - 1} and {j} of group {labels[j]} differ in size by more than 2^32: " +
                    "standardize or rescale them for a group penalty");
        return null;
    }
}
