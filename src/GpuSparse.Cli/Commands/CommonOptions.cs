using System.CommandLine;
using GpuSparse.Cli.Output;
using GpuSparse.Solvers;

namespace GpuSparse.Cli.Commands;

/// <summary>Options several commands share, so that each has one name, one meaning and one default everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string> Format() => Choice("--format", "how printed results look: table, csv or json", "table", "table", "csv", "json");

    public static Option<string> Backend() => Choice("--backend", "where to solve: auto (CUDA when present, else cd), cd (coordinate descent, managed), reference (managed ISTA/FISTA), cpu (ILGPU CPU accelerator) or cuda", "auto", SolverBackends.Names);

    public static Option<string> Precision() => Choice("--precision", "f64 or f32", "f64", "f64", "f32");

    public static Option<string> Algorithm() => Choice("--algorithm", "fista or ista", "fista", "fista", "ista");

    public static Option<double> Tolerance(double defaultValue = 1e-4) => new("--tol")
    {
        Description = "stop when the duality gap ≤ tol·‖y − ȳ‖²/n (scikit-learn's rule)",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<int> MaxIterations() => new("--max-iter")
    {
        Description = "iteration limit per problem",
        DefaultValueFactory = _ => 10_000,
    };

    public static Option<string> Out(string description, string? defaultValue = null)
    {
        var option = new Option<string>("--out") { Description = description, Required = defaultValue is null };
        if (defaultValue is not null)
            option.DefaultValueFactory = _ => defaultValue;
        return option;
    }

    public static OutputFormat ParseFormat(string value) => value switch
    {
        "csv" => OutputFormat.Csv,
        "json" => OutputFormat.Json,
        _ => OutputFormat.Table,
    };

    public static SolverAlgorithm ParseAlgorithm(string value) => value == "ista" ? SolverAlgorithm.Ista : SolverAlgorithm.Fista;

    private static Option<string> Choice(string name, string description, string defaultValue, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(values);
        return option;
    }
}
