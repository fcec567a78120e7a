using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using GpuSparse.Model;

namespace GpuSparse.Benchmarks;

/// <summary>
/// Shows the accuracy a benchmark row reached: the worst or median relative duality gap gap/f over its
/// problems, and the iterations per problem. Benchmarks run in child processes, so the global setup writes
/// the numbers to a file (<see cref="Directory"/>) that the host reads when it prints the summary.
/// </summary>
public sealed class AccuracyColumn : IColumn
{
    private const string DirectoryVariable = "GPUSPARSE_BENCH_ACCURACY_DIR";
    private readonly int _field;

    private AccuracyColumn(string name, int field)
    {
        ColumnName = name;
        _field = field;
    }

    /// <summary>The columns: worst gap/f, median gap/f, mean iterations per problem, problems not converged.</summary>
    public static IColumn[] All { get; } =
    [
        new AccuracyColumn("GapMax", 0), new AccuracyColumn("GapMedian", 1),
        new AccuracyColumn("Iter/problem", 2), new AccuracyColumn("NotConverged", 3),
    ];

    /// <summary>Where the accuracy files live: $GPUSPARSE_BENCH_ACCURACY_DIR, set by <see cref="Program"/> for its children.</summary>
    public static string Directory
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable(DirectoryVariable);
            if (string.IsNullOrEmpty(dir))
            {
                dir = Path.GetFullPath(Path.Combine("BenchmarkDotNet.Artifacts", "accuracy"));
                Environment.SetEnvironmentVariable(DirectoryVariable, dir);
            }
            return dir;
        }
    }

    /// <summary>The file key of one benchmark row.</summary>
    public static string Key(string backend, string precision, string workload, double tolerance) =>
        string.Create(CultureInfo.InvariantCulture, $"{backend}_{precision}_{workload}_{tolerance:R}");

    /// <summary>Writes the accuracy of <paramref name="result"/> under <paramref name="key"/> and prints it to the log.</summary>
    public static void Record(string key, BatchResult result)
    {
        var relative = result.Problems.Select(r => r.Objective > 0 ? r.DualityGap / r.Objective : r.DualityGap).Order().ToArray();
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{relative[^1]:E2} {relative[relative.Length / 2]:E2} {result.Problems.Average(r => r.Iterations):F1} {result.Problems.Count - result.CountWith(ProblemStatus.Converged)}");
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(Path.Combine(Directory, key + ".txt"), line);
        Console.WriteLine($"// accuracy {key}: gap/f max, median; iterations/problem; not converged = {line}");
    }

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var p = benchmarkCase.Parameters;
        if (p["Backend"] is null)
            return "-";
        var key = Key((string)p["Backend"], (string)p["Precision"], p["Workload"].ToString()!, (double)p["Tolerance"]);
        var path = Path.Combine(Directory, key + ".txt");
        return File.Exists(path) ? File.ReadAllText(path).Split(' ')[_field] : "?";
    }

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    /// <inheritdoc />
    public string Id => nameof(AccuracyColumn) + ColumnName;

    /// <inheritdoc />
    public string ColumnName { get; }

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => _field;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => "accuracy reached: relative duality gap gap/f (max, median), mean iterations per problem, problems not converged";

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
