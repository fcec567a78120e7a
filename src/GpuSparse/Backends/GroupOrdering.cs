using System.Numerics;
using GpuSparse.Preparation;
using GpuSparse.Model;

namespace GpuSparse.Backends;

/// <summary>
/// Makes the groups of a batch contiguous for the block penalties, which take a group as a run of consecutive
/// coordinates: a problem whose group labels are not contiguous is solved on its columns reordered by
/// <see cref="GroupLayout.ContiguousOrder"/> (one copy of X per design and labels array), and its coefficients are
/// put back in the order posed. Nothing is copied for a batch whose groups are all contiguous.
/// </summary>
internal static class GroupOrdering
{
    /// <summary>Whether some problem of <paramref name="batch"/> has group labels (of length p) that are not contiguous.</summary>
    public static bool Reorders<T>(ProblemBatch<T> batch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int k = 0; k < batch.Count; k++)
            if (Order(batch, k) is not null)
                return true;
        return false;
    }

    /// <summary>Solves <paramref name="batch"/> on <paramref name="backend"/> with every problem's groups made contiguous.</summary>
    public static BatchResult Solve<T>(ISolverBackend backend, ProblemBatch<T> batch, SolverOptions options,
        IProgress<SolveProgress>? progress, CancellationToken cancellationToken) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = batch.Count, p = batch.Features;
        var orders = new int[]?[count];
        var designs = new ReadOnlyMemory<T>[count];
        var responses = new ReadOnlyMemory<T>[count];
        var settings = new ProblemSettings[count];
        // one reordered copy per design and labels (a CLI batch shares both), not one per problem
        var copies = new Dictionary<(int Design, int[] Labels), ReadOnlyMemory<T>>();
        for (int k = 0; k < count; k++)
        {
            var order = orders[k] = Order(batch, k);
            var given = batch.Settings(k);
            responses[k] = batch.Response(k);
            if (order is null)
                designs[k] = batch.Design(k);
            else if (!copies.TryGetValue((batch.DesignIndex(k), given.Groups!), out designs[k]))
                copies[(batch.DesignIndex(k), given.Groups!)] = designs[k] = Columns(batch.Design(k).Span, p, order);
            settings[k] = order is null ? given : given with
            {
                Groups = Permute(given.Groups, order),
                PenaltyFactors = Permute(given.PenaltyFactors, order),
                WarmStart = Permute(given.WarmStart, order),
            };
        }
        // a shared design stays shared when every problem was reordered the same way
        bool shared = batch.Layout == BatchLayout.SharedDesign && orders.All(order => order is not null) && copies.Count == 1;
        var reordered = shared
            ? ProblemBatch<T>.WithSharedDesign(designs[0], p, responses, settings)
            : ProblemBatch<T>.WithDesignPerProblem(designs, p, responses, settings);
        var solved = backend.Solve(reordered, options, progress, cancellationToken);
        var results = new ProblemResult[count];
        for (int k = 0; k < count; k++)
        {
            var result = solved[k];
            if (orders[k] is { } order)
            {
                var coefficients = new double[p];
                for (int i = 0; i < p; i++)
                    coefficients[order[i]] = result.Coefficients[i];
                result = result with { Coefficients = coefficients };
            }
            results[k] = result;
        }
        return new BatchResult(results, solved.Backend, solved.Elapsed);
    }

    // The contiguous order of problem k's groups, or null when they need none (or are invalid: validation reports them).
    private static int[]? Order<T>(ProblemBatch<T> batch, int k) where T : unmanaged, IFloatingPointIeee754<T> =>
        batch.Settings(k).Groups is { } labels && labels.Length == batch.Features && !GroupLayout.IsContiguous(labels)
            ? GroupLayout.ContiguousOrder(labels)
            : null;

    // X[:, order] as a new row-major design (a design whose length is not a multiple of p is left to validation).
    private static ReadOnlyMemory<T> Columns<T>(ReadOnlySpan<T> design, int p, int[] order)
    {
        if (design.Length % p != 0)
            return design.ToArray();
        var reordered = new T[design.Length];
        for (int row = 0; row < design.Length; row += p)
            for (int i = 0; i < p; i++)
                reordered[row + i] = design[row + order[i]];
        return reordered;
    }

    private static TValue[]? Permute<TValue>(TValue[]? values, int[] order) =>
        values is null || values.Length != order.Length ? values : [.. order.Select(j => values[j])];
}
