using System.Numerics;
using GpuSparse.Cli.Sharding;
using GpuSparse.IO;
using GpuSparse.Model;

namespace GpuSparse.Cli.Input;

/// <summary>
/// The batch of a <c>solve</c> call: the data (<see cref="DataFiles"/>: X (n, p) shared or (K, n, p) per problem,
/// y (n,) or (K, n)) and α and l1_ratio as numbers or (K,) arrays, all broadcast to one K. For a range of the
/// batch (a <c>--shard</c>, a window of a batch larger than memory) only its problems [<see cref="First"/>, <see cref="First"/> + <see cref="Count"/>) of the K
/// are read and held.
/// </summary>
internal sealed class ProblemFiles
{
    private ProblemFiles(DataFiles data, double[] alphas, double[] l1Ratios, int count, int first, int total)
    {
        Data = data;
        Alphas = alphas;
        L1Ratios = l1Ratios;
        Count = count;
        First = first;
        Total = total;
    }

    public DataFiles Data { get; }

    public NpyArray X => Data.X;

    public NpyArray Y => Data.Y;

    public double[] Alphas { get; }

    public double[] L1Ratios { get; }

    /// <summary>The number of problems held: K, or the range's share of it.</summary>
    public int Count { get; }

    /// <summary>The index in the whole batch of the first problem held (0 without a range).</summary>
    public int First { get; }

    /// <summary>The number of problems K of the whole batch.</summary>
    public int Total { get; }

    public bool SharedDesign => X.Shape.Length == 2;

    public int Samples => Data.Samples;

    public int Features => Data.Features;

    /// <summary>
    /// Checks the numbers given to <c>--alpha</c> and <c>--l1-ratio</c> (wrong for every problem: bad usage), before
    /// anything is read.
    /// </summary>
    /// <exception cref="InputException">A number is out of range, or a value is neither a number nor a file.</exception>
    public static void CheckScalars(string alpha, string l1Ratio)
    {
        InputFiles.Number(alpha, "--alpha", InputFiles.NonNegative);
        InputFiles.Number(l1Ratio, "--l1-ratio", InputFiles.Ratio);
    }

    public static ProblemFiles Load(string xPath, string? yPath, string alpha, string l1Ratio, string? target = null, IProblemRange? range = null)
    {
        var (alphas, alphaProblems) = Parameter(alpha, "--alpha", InputFiles.NonNegative, range);
        var (ratios, ratioProblems) = Parameter(l1Ratio, "--l1-ratio", InputFiles.Ratio, range);
        var data = DataFiles.Load(xPath, yPath, target, designPerProblem: true, range);
        // Shapes as the files give them (a range holds fewer rows), so messages name what the user wrote.
        string Rows(NpyArray array, int problems) => range is null || problems == 1
            ? DataFiles.Shape(array)
            : $"{problems} rows, of which {array.Shape[0]} were read";
        var counts = new (int Count, string Source)[]
        {
            (data.DesignProblems, $"--x {xPath} (X {Rows(data.X, data.DesignProblems)})"),
            (data.ResponseProblems, $"--y {data.YPath} (y {Rows(data.Y, data.ResponseProblems)})"),
            (alphaProblems, $"--alpha {alpha}"),
            (ratioProblems, $"--l1-ratio {l1Ratio}"),
        };
        var widest = counts.MaxBy(c => c.Count);
        foreach (var (count, source) in counts)
            if (count != 1 && count != widest.Count)
                throw new InputException($"{source} gives K = {count} problems but {widest.Source} gives K = {widest.Count}");
        var (first, end) = range?.Of(widest.Count, widest.Source) ?? (0, widest.Count);
        return new ProblemFiles(data, Broadcast(alphas, end - first), Broadcast(ratios, end - first), end - first, first, widest.Count);
    }

    /// <summary>Builds the batch in precision T; y and the hyperparameters are broadcast over K.</summary>
    public ProblemBatch<T> ToBatch<T>(Func<int, ProblemSettings> settingsFor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = DataFiles.Convert<T>(X);
        var y = DataFiles.Convert<T>(Y);
        int n = Samples, p = Features;
        var settings = Enumerable.Range(0, Count).Select(settingsFor).ToArray();
        var responses = Enumerable.Range(0, Count)
            .Select(k => (ReadOnlyMemory<T>)y.AsMemory(Y.Shape.Length == 2 ? k * n : 0, n)).ToArray();
        if (SharedDesign)
            return ProblemBatch<T>.WithSharedDesign(x, p, responses, settings);
        var designs = Enumerable.Range(0, Count)
            .Select(k => (ReadOnlyMemory<T>)x.AsMemory(k * n * p, n * p)).ToArray();
        return ProblemBatch<T>.WithDesignPerProblem(designs, p, responses, settings);
    }

    /// <summary>The option or file that holds a field of the problem model, for error messages.</summary>
    public string SourceOf(string field, string alpha, string l1Ratio) => field switch
    {
        "X" => Data.XPath,
        "y" => Data.YPath,
        "lambda" => $"--alpha {alpha}",
        "l1_ratio" => $"--l1-ratio {l1Ratio}",
        _ => field,
    };

    /// <summary>Which response of y held problem k fits, counted in the whole y: its row of a (K, n) y, or the one y.</summary>
    public int TargetOf(int k) => Y.Shape.Length == 2 ? First + k : 0;

    // A number (checked) or a (K,) .npy whose entries are checked per problem by the solver, so one bad entry spoils only its problem.
    private static (double[] Values, int Problems) Parameter(string text, string option, Func<double, string?> check, IProblemRange? range)
    {
        if (InputFiles.Number(text, option, check) is { } value)
            return ([value], 1);
        var array = InputFiles.ReadNpy(text, option);
        if (array.Shape.Length > 1)
            throw new InputException($"{option} {text}: must be a number or a (K,) array, got shape {DataFiles.Shape(array)}");
        if (array.Length == 0)
            throw new InputException($"{option} {text}: holds no values");
        var values = array.ToDouble();
        if (range is null || values.Length == 1)
            return (values, values.Length);
        // (K,) values are small next to X: read whole, the range keeps its own.
        var (start, end) = range.Of(values.Length, $"{option} {text}");
        return (values[start..end], values.Length);
    }

    private static double[] Broadcast(double[] values, int count) =>
        values.Length == count ? values : Enumerable.Repeat(values[0], count).ToArray();
}
