using System.Buffers;
using System.Numerics;
using GpuSparse.Numerics;

namespace GpuSparse.Sweeps;

/// <summary>
/// The working-scale Gram matrices <c>G = X̃ᵀX̃/n</c> (x̃ⱼ = (xⱼ − x̄ⱼ)/sⱼ, constant columns zero) of a sweep's
/// designs, formed once for the whole path. Cross-validation folds are not formed from their own rows: a fold's
/// training rows are all rows but the held-out ones, so its centred cross-products are the full design's minus the
/// held-out rows' (glmnet's and the "total minus the held-out part"), which costs one pass over the data
/// for all folds together instead of one per fold.
/// </summary>
internal static class PathGram
{
    /// <summary>The most memory the Gram matrices of one sweep may take; larger sweeps take the per-step batch route.</summary>
    public const long MaxBytes = 1L << 30;

    /// <summary>Whether <paramref name="designs"/> Gram matrices of p × p fit in <see cref="MaxBytes"/>.</summary>
    public static bool Fits(int designs, int features) => (long)designs * features * features * sizeof(double) <= MaxBytes;

    /// <summary>
    /// G of every design of <paramref name="sweep"/>. When <paramref name="foldOf"/> is given, design 1 + f is the
    /// rows i of design 0 with <c>foldOf[i] ≠ f</c> (as <see cref="CrossValidation"/> builds them) and is downdated
    /// from design 0's cross-products. The matrices come from the shared array pool (each row-major p × p at the start
    /// of its array): give them back with <see cref="Release"/>.
    /// </summary>
    public static double[][] Build<T>(SweepDesign<T>[] sweep, int[]? foldOf) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var full = sweep[0];
        int n = full.Samples, p = full.Features;
        var grams = new double[sweep.Length][];
        if (foldOf is null)
        {
            for (int d = 0; d < sweep.Length; d++)
            {
                var design = sweep[d];
                grams[d] = CrossProducts(design, Enumerable.Range(0, design.Samples).ToArray());
                Scale(grams[d], design, design.Samples);
            }
            return grams;
        }
        // S = Σᵢ (xᵢ − x̄)(xᵢ − x̄)ᵀ over all rows, x̄ the full design's means.
        var total = CrossProducts(full, Enumerable.Range(0, n).ToArray());
        for (int d = 1; d < sweep.Length; d++)
        {
            int f = d - 1;
            var training = sweep[d];
            int nTrain = training.Samples;
            int[] heldOut = [.. Enumerable.Range(0, n).Where(i => foldOf[i] == f)];
            var gram = CrossProducts(full, heldOut);
            // Σ_train (xᵢ − m)(xᵢ − m)ᵀ = (S − S_heldout) − n_train·δδᵀ with δ = m − x̄, m the training means
            var shift = new double[p];
            for (int j = 0; j < p; j++)
                shift[j] = training.MeanDifference(full, j);
            for (int a = 0; a < p; a++)
                for (int b = 0; b < p; b++)
                    gram[a * p + b] = total[a * p + b] - gram[a * p + b] - nTrain * shift[a] * shift[b];
            Scale(gram, training, nTrain);
            grams[d] = gram;
        }
        Scale(total, full, n);
        grams[0] = total;
        return grams;
    }

    /// <summary>Σ over <paramref name="rows"/> of (xᵢ − x̄)(xᵢ − x̄)ᵀ, x̄ the design's means (0 without an intercept), p × p, on all cores.</summary>
    private static double[] CrossProducts<T>(SweepDesign<T> design, int[] rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = design.Features;
        var source = new DesignRows<T>(design.Values.Span, p);
        // Pooled: a sweep called every step of a simulation would otherwise put megabytes per call on the large-object heap.
        var gram = ArrayPool<double>.Shared.Rent(p * p);
        gram.AsSpan(0, p * p).Clear();
        // Rows are centred a tile at a time (about 1 MiB), not into a copy of the whole design.
        int tile = Math.Max(1, (1 << 17) / p);
        var centred = ArrayPool<double>.Shared.Rent(Math.Min(tile, rows.Length) * p);
        for (int start = 0; start < rows.Length; start += tile)
        {
            int count = Math.Min(tile, rows.Length - start);
            for (int i = 0; i < count; i++)
                design.CentreRow(source.Row(rows[start + i]), centred.AsSpan(i * p, p));
            VectorKernels.AddGram(centred, count, p, gram, parallel: true);
        }
        ArrayPool<double>.Shared.Return(centred);
        VectorKernels.MirrorUpper(gram, p);
        return gram;
    }

    /// <summary>Gives the matrices of <see cref="Build{T}"/> back to the pool once the sweep is done with them.</summary>
    public static void Release(double[][] grams)
    {
        foreach (var gram in grams)
            ArrayPool<double>.Shared.Return(gram);
    }

    /// <summary>Gₐᵦ = Sₐᵦ/(n·sₐ·sᵦ); rows and columns of constant columns are zero (their coefficients never move).</summary>
    private static void Scale<T>(double[] gram, SweepDesign<T> design, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = design.Features;
        var scales = design.Scales;
        for (int a = 0; a < p; a++)
            for (int b = 0; b < p; b++)
                gram[a * p + b] = design.IsConstant(a) || design.IsConstant(b) ? 0.0 : gram[a * p + b] / (n * scales[a] * scales[b]);
    }
}
