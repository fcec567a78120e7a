using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using GpuSparse.Model;
using GpuSparse.Sweeps;

namespace GpuSparse.Benchmarks;

/// <summary>
/// Shows the accuracy a benchmark row reached: the worst or median relative duality gap gap/f over its
/// problems (a batch's problems, a sweep's (path, λ) entries), and the iterations per problem. Benchmarks run in
/// child processes, so the global setup writes the numbers to a file (<see cref="Directory"/>), named by the
/// row's <see cref="Key"/>, that the host reads when it prints the summary; rows without one show "-".
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

    /// <summary>
    /// The file key of one benchmark row: <paramref name="benchmark"/> (class.method) and every parameter of the
    /// row by name, in name order, so that the global setup and the column spell it alike.
    /// </summary>
    public static string Key(string benchmark, params (string Name, object? Value)[] parameters) =>
        string.Join("_", parameters.OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={Convert.ToString(p.Value, CultureInfo.InvariantCulture)}").Prepend(benchmark));

    /// <summary>Writes the accuracy of a batch's problems under <paramref name="key"/>.</summary>
    public static void Record(string key, BatchResult result) =>
        Record(key, result.Problems.Select(r => (r.DualityGap, r.Objective, r.Iterations, r.Status)).ToArray());

    /// <summary>Writes the accuracy of a sweep's (path, λ) entries under <paramref name="key"/>.</summary>
    public static void Record(string key, PathResult result) =>
        Record(key, result.DualityGaps.Select((gap, e) => (gap, result.Objectives[e], result.Iterations[e], result.Statuses[e])).ToArray());

    /// <summary>Writes gap/f max and median, mean iterations and the count not converged, and prints them to the log.</summary>
    private static void Record(string key, (double Gap, double Objective, int Iterations, ProblemStatus Status)[] problems)
    {
        var relative = problems.Select(r => r.Objective > 0 ? r.Gap / r.Objective : r.Gap).Order().ToArray();
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{relative[^1]:E2} {relative[relative.Length / 2]:E2} {problems.Average(r => r.Iterations):F1} {problems.Count(r => r.Status != ProblemStatus.Converged)}");
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(Path.Combine(Directory, key + ".txt"), line);
        Console.WriteLine($"// accuracy {key}: gap/f max, median; iterations/problem; not converged = {line}");
    }

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var descriptor = benchmarkCase.Descriptor;
        var key = Key($"{descriptor.Type.Name}.{descriptor.WorkloadMethod.Name}",
            [.. benchmarkCase.Parameters.Items.Select(p => (p.Name, p.Value))]);
        var path = Path.Combine(Directory, key + ".txt");
        return File.Exists(path) ? File.ReadAllText(path).Split(' ')[_field] : "-";
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
