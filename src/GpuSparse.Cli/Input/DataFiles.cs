using GpuSparse.Cli.Sharding;
using GpuSparse.IO;

namespace GpuSparse.Cli.Input;

/// <summary>
/// X and y as <c>solve</c>, <c>path</c> and <c>cv</c> read them: <c>--x X.npy --y y.npy</c>, <c>--x data.csv --target
/// COLUMN</c> (the other columns are X), or <c>--x X.csv --y y.csv</c> (a y CSV with K columns is K responses). X is
/// (n, p) or, for <c>solve</c>, (K, n, p); y is (n,) or (K, n). Both are checked to have rows and features. With a
/// range (<see cref="IProblemRange"/>: a shard, a window) only its problems of a (K, n, p) X and a (K, n) y are read.
/// </summary>
internal sealed record DataFiles(NpyArray X, string XPath, NpyArray Y, string YPath,
    IReadOnlyList<string>? FeatureNames, IReadOnlyList<string>? TargetNames)
{
    public int Samples => X.Shape[^2];

    public int Features => X.Shape[^1];

    /// <summary>The number of responses in y: 1 for (n,), K for (K, n) (the range's share when read for a range).</summary>
    public int Responses => Y.Shape.Length == 2 ? Y.Shape[0] : 1;

    /// <summary>The number of designs in the whole X file: K for (K, n, p), else 1.</summary>
    public int DesignProblems { get; private init; } = 1;

    /// <summary>The number of responses in the whole y file: K for (K, n), else 1.</summary>
    public int ResponseProblems { get; private init; } = 1;

    public static DataFiles Load(string xPath, string? yPath, string? target, bool designPerProblem, IProblemRange? range = null)
    {
        if (target is not null && yPath is not null)
            throw new InputException($"give the response either with --y FILE or with --target COLUMN of {xPath}, not both");
        DataFiles files;
        if (target is not null)
        {
            if (!InputFiles.IsCsv(xPath))
                throw new InputException($"--x {xPath}: --target names a column of a CSV file; for .npy input pass the response with --y y.npy");
            var table = InputFiles.ReadCsv(xPath, "--x");
            if (table.IndexOf(target) < 0)
                throw new InputException($"--target {target}: {xPath} has no column named '{target}'; its columns are: {string.Join(", ", table.Names)}");
            if (table.Columns < 2)
                throw new InputException($"--x {xPath}: the only column is the target '{target}'; X needs at least one more");
            files = new DataFiles(NpyArray.FromDoubles(table.ToRowMajor(target), table.Rows, table.Columns - 1), xPath,
                NpyArray.FromDoubles(table.Column(target), table.Rows), $"{xPath} (column '{target}')",
                [.. table.Names.Where(n => n != target)], [target]);
        }
        else
        {
            if (yPath is null)
                throw new InputException("give the response with --y FILE (.npy or .csv) or, for a CSV --x, with --target COLUMN");
            var (x, designs, names) = ReadDesign(xPath, range);
            var (y, responses, targets) = ReadResponse(yPath, range);
            files = new DataFiles(x, xPath, y, yPath, names, targets) { DesignProblems = designs, ResponseProblems = responses };
        }
        files.Check(designPerProblem);
        return files;
    }

    private void Check(bool designPerProblem)
    {
        int rank = X.Shape.Length;
        if (rank != 2 && !(designPerProblem && rank == 3))
            throw new InputException($"--x {XPath}: X must have shape (n, p){(designPerProblem ? " or (K, n, p)" : "")}, got {Shape(X)}");
        if (Y.Shape.Length is not (1 or 2))
            throw new InputException($"--y {YPath}: y must have shape (n,) or (K, n), got {Shape(Y)}");
        if (rank == 3 && X.Shape[0] == 0)
            throw new InputException($"--x {XPath}: X holds no problems (K = 0)");
        if (Samples == 0)
            throw new InputException($"--x {XPath}: X has no rows (n = 0): there is nothing to fit");
        if (Features == 0)
            throw new InputException($"--x {XPath}: X has no columns (p = 0): there is nothing to fit");
        if (Y.Shape[^1] != Samples)
            throw new InputException($"--y {YPath}: y has {Y.Shape[^1]} samples but X ({XPath}) has n = {Samples} rows");
        if (Y.Shape.Length == 2 && Y.Shape[0] == 0)
            throw new InputException($"--y {YPath}: y holds no responses (K = 0)");
    }

    private static (NpyArray Array, int Problems, IReadOnlyList<string>? Names) ReadDesign(string path, IProblemRange? range)
    {
        if (!InputFiles.IsCsv(path))
        {
            var (array, problems) = InputFiles.ReadNpy(path, "--x", range, problemRank: 3);
            return (array, problems, null);
        }
        var table = InputFiles.ReadCsv(path, "--x");
        return (NpyArray.FromDoubles(table.ToRowMajor(), table.Rows, table.Columns), 1, table.Names);
    }

    /// <summary>A CSV response: one column is y (n,); K columns are K responses, (K, n), of which a range keeps its own.</summary>
    private static (NpyArray Array, int Problems, IReadOnlyList<string>? Names) ReadResponse(string path, IProblemRange? range)
    {
        if (!InputFiles.IsCsv(path))
        {
            var (array, problems) = InputFiles.ReadNpy(path, "--y", range, problemRank: 2);
            return (array, problems, null);
        }
        var table = InputFiles.ReadCsv(path, "--y");
        if (table.Columns == 1)
            return (NpyArray.FromDoubles(table.Column(table.Names[0]), table.Rows), 1, table.Names);
        // Every target's name is kept (result.json names the whole y); a range holds its own columns' values.
        IEnumerable<string> held = table.Names;
        if (range is not null)
        {
            var (start, end) = range.Of(table.Columns, $"--y {path}");
            held = held.Take(end).Skip(start);
        }
        var stacked = held.SelectMany(table.Column).ToArray();
        return (NpyArray.FromDoubles(stacked, stacked.Length / table.Rows, table.Rows), table.Columns, table.Names);
    }

    /// <summary>
    /// The elements of <paramref name="array"/> in precision T (float32 input read as float32 stays exact): the array's
    /// own when it holds T (a file read straight into it), to be read only.
    /// </summary>
    public static T[] Convert<T>(NpyArray array) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? (T[])(object)array.AsSingles() : (T[])(object)array.AsDoubles();

    public static string Shape(NpyArray array) => "(" + string.Join(", ", array.Shape) + ")";
}
