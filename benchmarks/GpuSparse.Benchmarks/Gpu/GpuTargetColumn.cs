using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using GpuSparse.Backends;

namespace GpuSparse.Benchmarks.Gpu;

/// <summary>
/// The target columns of a <see cref="GpuTargetBenchmarks"/> row: problems/s at the mean time, the goal, whether it is met,
/// and for a resident target the least kernel time of its calls (<see cref="ResidentSession{T}.KernelTime"/>) and the share
/// of the binding resource's peak that is: the cost model's demand on that resource (benchmarks/gpu/SHARES.tsv, per problem
/// at the H200's peak) over the kernel time, on CUDA only (issue 16: ≥ 60 %).
/// </summary>
public sealed class GpuTargetColumn : IColumn
{
    private const string SharesVariable = "GPUSPARSE_MODEL_SHARES";
    private readonly int _field;

    private GpuTargetColumn(string name, int field)
    {
        ColumnName = name;
        _field = field;
    }

    /// <summary>The columns: problems/s, goal, met, the least kernel time and the share of the binding resource.</summary>
    public static IColumn[] All { get; } =
    [
        new GpuTargetColumn("problems/s", 0), new GpuTargetColumn("goal", 1), new GpuTargetColumn("met", 2),
        new GpuTargetColumn("kernel (min)", 3), new GpuTargetColumn("binding share", 4),
    ];

    /// <summary>
    /// Writes the least kernel time of <paramref name="target"/>'s calls on <paramref name="backend"/> for the host process
    /// (benchmarks run in child processes: a file in <see cref="AccuracyColumn.Directory"/>).
    /// </summary>
    public static void RecordKernelTime(GpuTarget target, TimeSpan least, string backend)
    {
        Directory.CreateDirectory(AccuracyColumn.Directory);
        File.WriteAllText(KernelTimePath(target), string.Create(CultureInfo.InvariantCulture, $"{least.TotalSeconds:R} {backend}"));
        Console.WriteLine($"// kernel time {target.Name}: least {least.TotalMilliseconds:0.000} ms on {backend}");
    }

    private static string KernelTimePath(GpuTarget target) => Path.Combine(AccuracyColumn.Directory, $"kernel_{target.Name}.txt");

    // The least kernel time and its backend, when recorded.
    private static (double Seconds, string Backend)? KernelTime(GpuTarget target)
    {
        string path = KernelTimePath(target);
        if (!File.Exists(path))
            return null;
        var parts = File.ReadAllText(path).Split(' ');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), parts[1]);
    }

    // The cost model's binding resource and its demand per problem for the target, from SHARES.tsv ($GPUSPARSE_MODEL_SHARES,
    // else benchmarks/gpu/SHARES.tsv above the working or the application directory).
    private static (string Resource, double SecondsPerProblem)? Demand(GpuTarget target)
    {
        string? path = Environment.GetEnvironmentVariable(SharesVariable);
        if (string.IsNullOrEmpty(path))
            path = new[] { Environment.CurrentDirectory, AppContext.BaseDirectory }
                .SelectMany(Ancestors).Select(d => Path.Combine(d, "benchmarks", "gpu", "SHARES.tsv")).FirstOrDefault(File.Exists);
        if (path is null || !File.Exists(path))
            return null;
        foreach (var line in File.ReadLines(path))
        {
            var cells = line.Split('\t');
            if (cells.Length >= 4 && cells[0] == target.Name)
                return (cells[2], double.Parse(cells[3], CultureInfo.InvariantCulture));
        }
        return null;
    }

    private static IEnumerable<string> Ancestors(string directory)
    {
        for (var d = new DirectoryInfo(directory); d is not null; d = d.Parent)
            yield return d.FullName;
    }

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        if (benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Value is GpuTarget)?.Value is not GpuTarget target)
            return "-";
        if (_field == 1)
            return target.Goal;
        if (_field >= 3)
            return KernelTime(target) is not { } kernel ? "-"
                : _field == 3 ? $"{kernel.Seconds * 1e3:0.000} ms"
                : kernel.Backend != "cuda" ? $"n/a on {kernel.Backend} (the model assumes an H200)"
                : Demand(target) is { } demand ? $"{demand.SecondsPerProblem * target.Problems / kernel.Seconds:P0} of {demand.Resource}"
                : "no SHARES.tsv";
        double? nanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (nanoseconds is not { } mean)
            return "-";
        double seconds = mean * 1e-9;
        return _field == 0
            ? (target.Problems / seconds).ToString("N0", CultureInfo.InvariantCulture)
            : seconds <= target.GoalSeconds ? "yes" : "no";
    }

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    /// <inheritdoc />
    public string Id => nameof(GpuTargetColumn) + ColumnName;

    /// <inheritdoc />
    public string ColumnName { get; }

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => 10 + _field;

    /// <inheritdoc />
    public bool IsNumeric => _field is 0 or 3;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => _field switch
    {
        0 => "K divided by the mean time of one solve (or call)",
        1 => "the target of issue 16",
        2 => "whether the mean time meets the goal",
        3 => "the least device time of a call's kernels (ResidentSession.KernelTime; resident targets)",
        _ => "the cost model's demand on the binding resource (benchmarks/gpu/SHARES.tsv) over the least kernel time, on CUDA",
    };

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
