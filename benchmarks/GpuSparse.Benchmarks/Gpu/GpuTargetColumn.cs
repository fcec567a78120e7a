using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace GpuSparse.Benchmarks.Gpu;

/// <summary>The target columns of a <see cref="GpuTargetBenchmarks"/> row: problems/s at the mean time, the goal, and whether it is met.</summary>
public sealed class GpuTargetColumn : IColumn
{
    private readonly int _field;

    private GpuTargetColumn(string name, int field)
    {
        ColumnName = name;
        _field = field;
    }

    /// <summary>The columns: problems/s, goal, met.</summary>
    public static IColumn[] All { get; } = [new GpuTargetColumn("problems/s", 0), new GpuTargetColumn("goal", 1), new GpuTargetColumn("met", 2)];

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        if (benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Value is GpuTarget)?.Value is not GpuTarget target)
            return "-";
        if (_field == 1)
            return target.Goal;
        double? nanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (nanoseconds is not { } mean)
            return "-";
        double seconds = mean * 1e-9;
        return _field == 0
            ? (target.Problems / seconds).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)
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
    public bool IsNumeric => _field == 0;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => _field switch
    {
        0 => "K divided by the mean time of one solve (or call)",
        1 => "the target of issue 16",
        _ => "whether the mean time meets the goal",
    };

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
