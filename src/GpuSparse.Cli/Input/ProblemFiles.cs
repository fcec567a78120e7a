using System.Globalization;
using System.Numerics;
using GpuSparse.IO;
using GpuSparse.Model;

namespace GpuSparse.Cli.Input;

/// <summary>
/// The arrays of a <c>solve</c> call as read from .npy or CSV files: X (n, p) shared or (K, n, p) per problem,
/// y (n,) or (K, n), and α and l1_ratio as numbers or (K,) arrays. A CSV X is (n, p) with named columns; its
/// response is one of its columns (<c>--target</c>) or a separate CSV whose K columns are K responses.
/// </summary>
internal sealed class ProblemFiles
{
    private ProblemFiles(NpyArray x, string xPath, NpyArray y, string yPath, double[] alphas, double[] l1Ratios, int count)
    {
        X = x;
        XPath = xPath;
        Y = y;
        YPath = yPath;
        Alphas = alphas;
        L1Ratios = l1Ratios;
        Count = count;
    }

    public NpyArray X { get; }

    /// <summary>Column names when X came from a CSV header; null for .npy.</summary>
    public IReadOnlyList<string>? FeatureNames { get; private init; }

    public string XPath { get; }

    public NpyArray Y { get; }

    public string YPath { get; }

    public double[] Alphas { get; }

    public double[] L1Ratios { get; }

    /// <summary>The number of problems K.</summary>
    public int Count { get; }

    public bool SharedDesign => X.Shape.Length == 2;

    public int Samples => X.Shape[^2];

    public int Features => X.Shape[^1];

    public static ProblemFiles Load(string xPath, string? yPath, string alpha, string l1Ratio, string? target = null)
    {
        if (target is not null && yPath is not null)
            throw new InputException($"give the response either with --y FILE or with --target COLUMN of {xPath}, not both");
        NpyArray x, y;
        IReadOnlyList<string>? names = null;
        if (target is not null)
        {
            if (!IsCsv(xPath))
                throw new InputException($"{xPath}: --target names a column of a CSV file; for .npy input pass the response with --y y.npy");
            var table = ReadCsv(xPath);
            if (table.IndexOf(target) < 0)
                throw new InputException($"{xPath}: no column named '{target}' for --target; the columns are: {string.Join(", ", table.Names)}");
            if (table.Columns < 2)
                throw new InputException($"{xPath}: the only column is the target '{target}'; X needs at least one more");
            names = [.. table.Names.Where(n => n != target)];
            x = FromDoubles(table.ToRowMajor(target), table.Rows, table.Columns - 1);
            y = FromDoubles(table.Column(target), table.Rows);
            yPath = $"{xPath} (column '{target}')";
        }
        else
        {
            if (yPath is null)
                throw new InputException("give the response with --y FILE (.npy or .csv) or, for a CSV --x, with --target COLUMN");
            (x, names) = ReadDesign(xPath);
            y = ReadResponse(yPath);
        }
        var files = Load(x, xPath, y, yPath, alpha, l1Ratio);
        return names is null ? files : new ProblemFiles(files.X, xPath, files.Y, yPath, files.Alphas, files.L1Ratios, files.Count) { FeatureNames = names };
    }

    private static ProblemFiles Load(NpyArray x, string xPath, NpyArray y, string yPath, string alpha, string l1Ratio)
    {
        if (x.Shape.Length is not (2 or 3))
            throw new InputException($"{xPath}: X must have shape (n, p) or (K, n, p), got {Shape(x)}");
        if (y.Shape.Length is not (1 or 2))
            throw new InputException($"{yPath}: y must have shape (n,) or (K, n), got {Shape(y)}");
        int n = x.Shape[^2];
        if (y.Shape[^1] != n)
            throw new InputException($"{yPath}: y has {y.Shape[^1]} samples but X ({xPath}) has n = {n} rows");
        int fromX = x.Shape.Length == 3 ? x.Shape[0] : 1;
        int fromY = y.Shape.Length == 2 ? y.Shape[0] : 1;
        var alphas = Parameter(alpha, "--alpha");
        var ratios = Parameter(l1Ratio, "--l1-ratio");
        int count = new[] { fromX, fromY, alphas.Length, ratios.Length }.Max();
        Check(fromX, count, xPath, "X");
        Check(fromY, count, yPath, "y");
        Check(alphas.Length, count, alpha, "alpha");
        Check(ratios.Length, count, l1Ratio, "l1_ratio");
        return new ProblemFiles(x, xPath, y, yPath, Broadcast(alphas, count), Broadcast(ratios, count), count);
    }

    /// <summary>Builds the batch in precision T; y and the hyperparameters are broadcast over K.</summary>
    public ProblemBatch<T> ToBatch<T>(Func<int, ProblemSettings> settingsFor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = Convert<T>(X);
        var y = Convert<T>(Y);
        int n = Samples, p = Features;
        var settings = Enumerable.Range(0, Count).Select(settingsFor).ToArray();
        var responses = Enumerable.Range(0, Count)
            .Select(k => y.Slice(Y.Shape.Length == 2 ? k * n : 0, n)).ToArray();
        if (SharedDesign)
            return ProblemBatch<T>.WithSharedDesign(x, p, responses, settings);
        var designs = Enumerable.Range(0, Count)
            .Select(k => x.Slice(k * n * p, n * p)).ToArray();
        return ProblemBatch<T>.WithDesignPerProblem(designs, p, responses, settings);
    }

    /// <summary>The option or file that holds a field of the problem model, for error messages.</summary>
    public string SourceOf(string field, string alpha, string l1Ratio) => field switch
    {
        "X" => XPath,
        "y" => YPath,
        "lambda" => $"--alpha {alpha}",
        "l1_ratio" => $"--l1-ratio {l1Ratio}",
        _ => field,
    };

    private static ReadOnlyMemory<T> Convert<T>(NpyArray array) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Without a copy when the file already holds T in this machine's byte order (the batch only reads it).
        if (typeof(T) == typeof(float))
            return (ReadOnlyMemory<T>)(object)array.AsSingles();
        return (ReadOnlyMemory<T>)(object)array.AsDoubles();
    }

    private static bool IsCsv(string path) => Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase);

    private static (NpyArray Array, IReadOnlyList<string>? Names) ReadDesign(string path)
    {
        if (!IsCsv(path))
            return (Read(path), null);
        var table = ReadCsv(path);
        return (FromDoubles(table.ToRowMajor(), table.Rows, table.Columns), table.Names);
    }

    /// <summary>A CSV response: one column is y (n,); K columns are K responses, (K, n).</summary>
    private static NpyArray ReadResponse(string path)
    {
        if (!IsCsv(path))
            return Read(path);
        var table = ReadCsv(path);
        if (table.Columns == 1)
            return FromDoubles(table.Column(table.Names[0]), table.Rows);
        var stacked = table.Names.SelectMany(table.Column).ToArray();
        return FromDoubles(stacked, table.Columns, table.Rows);
    }

    private static CsvTable ReadCsv(string path)
    {
        try
        {
            return CsvTable.Read(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException($"{path}: file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(e.Message, e);
        }
    }

    // The solve path reads every input as an NpyArray; CSV values are float64 in native byte order.
    private static NpyArray FromDoubles(double[] values, params int[] shape) =>
        new(shape, NpyDataType.Float64, !BitConverter.IsLittleEndian,
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), values.Length);

    private static NpyArray Read(string path)
    {
        try
        {
            return NpyReader.Read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(e is FileNotFoundException or DirectoryNotFoundException
                ? $"{path}: file not found"
                : e.Message, e);
        }
    }

    private static double[] Parameter(string text, string option)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            return [value];
        var array = Read(text);
        if (array.Shape.Length > 1)
            throw new InputException($"{text} ({option}): must be a number or a (K,) array, got shape {Shape(array)}");
        return array.ToDouble();
    }

    private static void Check(int length, int count, string source, string field)
    {
        if (length != 1 && length != count)
            throw new InputException($"{source}: field '{field}' gives {length} problems but another input gives K = {count}");
    }

    private static double[] Broadcast(double[] values, int count) =>
        values.Length == count ? values : Enumerable.Repeat(values[0], count).ToArray();

    private static string Shape(NpyArray array) => "(" + string.Join(", ", array.Shape) + ")";
}
