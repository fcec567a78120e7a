using System.Numerics;
using System.Runtime.CompilerServices;

namespace GpuSparse.Model;

/// <summary>
/// K independent regression problems with the same number of features p, in float32 or float64.
/// Designs are row-major (n × p). Either one design is shared by every problem
/// (<see cref="BatchLayout.SharedDesign"/>) or each problem has its own (<see cref="BatchLayout.DesignPerProblem"/>).
/// </summary>
/// <remarks>
/// The batch holds the caller's memory without copying. Only batch-wide faults throw
/// <see cref="ProblemValidationException"/>; a problem whose own arrays are malformed is reported by the
/// solver as <see cref="ProblemStatus.Invalid"/> while the others are solved.
/// </remarks>
public sealed class ProblemBatch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReadOnlyMemory<T>[] _designs;
    private readonly ReadOnlyMemory<T>[] _responses;
    private readonly ProblemSettings[] _settings;

    private ProblemBatch(BatchLayout layout, int features, ReadOnlyMemory<T>[] designs,
        ReadOnlyMemory<T>[] responses, ProblemSettings[] settings)
    {
        if (features <= 0)
            throw new ProblemValidationException(null, "X", $"the number of features p must be positive, got {features}");
        if (settings.Length == 0)
            throw new ProblemValidationException(null, "settings", "the batch is empty (K = 0)");
        if (responses.Length != settings.Length)
            throw new ProblemValidationException(null, "y",
                $"{responses.Length} responses for {settings.Length} problem settings (K must agree)");
        if (layout == BatchLayout.DesignPerProblem && designs.Length != settings.Length)
            throw new ProblemValidationException(null, "X",
                $"{designs.Length} designs for {settings.Length} problem settings (K must agree)");
        for (int k = 0; k < settings.Length; k++)
            if (settings[k] is null)
                throw new ProblemValidationException(k, "settings", "is null");
        Layout = layout;
        Features = features;
        _designs = designs;
        _responses = responses;
        _settings = settings;
    }

    /// <summary>The storage layout of the designs.</summary>
    public BatchLayout Layout { get; }

    /// <summary>The number of problems K.</summary>
    public int Count => _settings.Length;

    /// <summary>The number of features p, the same for every problem.</summary>
    public int Features { get; }

    /// <summary>A batch whose problems share one design X (n × p, row-major), each with its own response.</summary>
    /// <param name="design">X, row-major, of length n·p.</param>
    /// <param name="features">p.</param>
    /// <param name="responses">One y of length n per problem.</param>
    /// <param name="settings">One <see cref="ProblemSettings"/> per problem.</param>
    public static ProblemBatch<T> WithSharedDesign(ReadOnlyMemory<T> design, int features,
        IReadOnlyList<ReadOnlyMemory<T>> responses, IReadOnlyList<ProblemSettings> settings) =>
        new(BatchLayout.SharedDesign, features, [design], Copy(responses), Copy(settings));

    /// <summary>
    /// A batch whose problems share one design X, with the responses stored contiguously as a
    /// K × n row-major block (problem k's y is <c>responses[k·n .. (k+1)·n)</c>).
    /// </summary>
    public static ProblemBatch<T> WithSharedDesign(ReadOnlyMemory<T> design, int features,
        ReadOnlyMemory<T> responses, IReadOnlyList<ProblemSettings> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (features <= 0)
            throw new ProblemValidationException(null, "X", $"the number of features p must be positive, got {features}");
        int n = design.Length / features;
        if (settings.Count == 0)
            throw new ProblemValidationException(null, "settings", "the batch is empty (K = 0)");
        if (responses.Length != (long)n * settings.Count)
            throw new ProblemValidationException(null, "y",
                $"holds {responses.Length} values; {settings.Count} problems of n = {n} samples need {(long)n * settings.Count}");
        var ys = new ReadOnlyMemory<T>[settings.Count];
        for (int k = 0; k < ys.Length; k++)
            ys[k] = responses.Slice(k * n, n);
        return new(BatchLayout.SharedDesign, features, [design], ys, [.. settings]);
    }

    /// <summary>A batch in which every problem has its own design (n_k × p, row-major) and response (n_k).</summary>
    public static ProblemBatch<T> WithDesignPerProblem(IReadOnlyList<ReadOnlyMemory<T>> designs, int features,
        IReadOnlyList<ReadOnlyMemory<T>> responses, IReadOnlyList<ProblemSettings> settings) =>
        new(BatchLayout.DesignPerProblem, features, Copy(designs), Copy(responses), Copy(settings));

    /// <summary>
    /// A batch in which every problem has its own design of the same n, stored contiguously as a
    /// K × n × p row-major block, with the responses as a K × n block.
    /// </summary>
    public static ProblemBatch<T> WithDesignPerProblem(ReadOnlyMemory<T> designs, int samples, int features,
        ReadOnlyMemory<T> responses, IReadOnlyList<ProblemSettings> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        int count = settings.Count;
        // In long, n·p first (exact), then K·n·p (exact while n·p ≤ Array.MaxLength); a matching length bounds every slice below.
        long designSize = (long)samples * features;
        if (samples < 0 || features < 0 || designSize > Array.MaxLength || designs.Length != count * designSize)
            throw new ProblemValidationException(null, "X",
                $"holds {designs.Length} values; {count} problems of {samples} × {features} need {count * (double)designSize:G}");
        if (responses.Length != (long)count * samples)
            throw new ProblemValidationException(null, "y",
                $"holds {responses.Length} values; {count} problems of n = {samples} samples need {(long)count * samples}");
        var xs = new ReadOnlyMemory<T>[count];
        var ys = new ReadOnlyMemory<T>[count];
        for (int k = 0; k < count; k++)
        {
            xs[k] = designs.Slice(k * samples * features, samples * features);
            ys[k] = responses.Slice(k * samples, samples);
        }
        return new(BatchLayout.DesignPerProblem, features, xs, ys, [.. settings]);
    }

    /// <summary>A batch of one problem.</summary>
    public static ProblemBatch<T> Single(ReadOnlyMemory<T> design, int features, ReadOnlyMemory<T> response,
        ProblemSettings settings) =>
        new(BatchLayout.SharedDesign, features, [design], [response], [settings]);

    // The caller's lists are copied so that later changes to them cannot change the batch.
    private static TItem[] Copy<TItem>(IReadOnlyList<TItem> items, [CallerArgumentExpression(nameof(items))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(items, name);
        return [.. items];
    }

    /// <summary>The design of problem k (row-major; shared designs return the same memory for every k).</summary>
    public ReadOnlyMemory<T> Design(int k) => Layout == BatchLayout.SharedDesign ? _designs[0] : _designs[k];

    /// <summary>The index of problem k's design among the distinct designs (always 0 for a shared design).</summary>
    public int DesignIndex(int k) => Layout == BatchLayout.SharedDesign ? 0 : k;

    /// <summary>The number of distinct designs (1 for a shared design, K otherwise).</summary>
    public int DesignCount => _designs.Length;

    /// <summary>The response y of problem k.</summary>
    public ReadOnlyMemory<T> Response(int k) => _responses[k];

    /// <summary>The settings of problem k.</summary>
    public ProblemSettings Settings(int k) => _settings[k];

    /// <summary>The number of samples n of problem k's design (its length divided by p, rounded down).</summary>
    public int Samples(int k) => Design(k).Length / Features;
}
