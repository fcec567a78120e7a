using System.CommandLine;
using GpuSparse.Backends;
using GpuSparse.Cli.Output;
using GpuSparse.Engines;
using GpuSparse.Model;

namespace GpuSparse.Cli.Commands;

/// <summary>
/// Every option more than one command takes, declared once: one name (and its scikit-learn or glmnet alias), one
/// meaning and one default everywhere. Commands create their instances here and never re-declare them.
/// </summary>
internal static class CommonOptions
{
    public static Option<string> Format() => Choice("--format", "how printed rows look: table, csv or json", "table", "table", "csv", "json");

    /// <summary><c>--backend</c>; <paramref name="sweep"/>: for <c>path</c> and <c>cv</c>, where <c>auto</c> is always <c>cd</c>.</summary>
    public static Option<string> Backend(bool sweep = false) => Choice("--backend",
        $"where to solve: auto ({(sweep ? "cd, whose path engine walks whole paths" : "CUDA when present, else cd")}), " +
        string.Join(", ", GpuSparse.Backends.BackendRegistry.Backends.Select(backend => backend.Name)), "auto", SolverBackends.Names);

    public static Option<string> Devices() => new("--devices")
    {
        Description = "the accelerators of --backend cuda or cpu to split a batch over, in proportion to their measured speed: all, or indices as 0,1 " +
            "(cpu: each index one emulated ILGPU CPU accelerator); results are those of one device",
    };

    public static Option<string> Precision() => Choice("--precision", "f64 or f32", "f64", "f64", "f32");

    public static Option<string> Algorithm() => Choice("--algorithm",
        "auto (the backend's own: fista on reference, cd on cd, on a device cd for p ≤ 64 else fista), fista, ista, cd (coordinate descent, " +
        "Gram or residual form by shape), cd-gram or cd-residual; a backend that cannot run it says so", "auto", AlgorithmNames.Keys.ToArray());

    /// <summary>The <c>--algorithm</c> values and the algorithms they name.</summary>
    public static readonly IReadOnlyDictionary<string, SolverAlgorithm> AlgorithmNames = new Dictionary<string, SolverAlgorithm>
    {
        ["auto"] = SolverAlgorithm.Auto,
        ["fista"] = SolverAlgorithm.Fista,
        ["ista"] = SolverAlgorithm.Ista,
        ["cd"] = SolverAlgorithm.CoordinateDescent,
        ["cd-gram"] = SolverAlgorithm.GramCoordinateDescent,
        ["cd-residual"] = SolverAlgorithm.ResidualCoordinateDescent,
    };

    public static Option<double> Tolerance(double defaultValue = 1e-4) => new("--tol")
    {
        Description = "stop when the duality gap ≤ tol·‖y − ȳ‖²/n (scikit-learn's rule)",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<int> MaxIterations() => new("--max-iter")
    {
        Description = "iteration limit per problem (per λ step in a sweep), ≥ 1",
        DefaultValueFactory = _ => 10_000,
    };

    public static Option<string> Out(string description, string? defaultValue = null)
    {
        var option = new Option<string>("--out") { Description = description + " (created; written in full or not at all)", Required = defaultValue is null };
        if (defaultValue is not null)
            option.DefaultValueFactory = _ => defaultValue;
        return option;
    }

    public static Option<bool> Overwrite() => new("--overwrite")
    {
        Description = "replace an --out folder that holds other files (an earlier result of this tool is replaced without it)",
    };

    public static Option<string> X(string description) => new("--x") { Description = description, Required = true };

    public static Option<string> Y(string description) => new("--y") { Description = description };

    public static Option<string> Target() => new("--target") { Description = "the column of the --x CSV that is y (the other columns are X)" };

    public static Option<string> L1Ratio(string description) => new("--l1-ratio") { Description = description, DefaultValueFactory = _ => "1" };

    public static Option<bool> NoIntercept() => new("--no-intercept") { Description = "do not fit an intercept (glmnet intercept=FALSE)" };

    public static Option<bool?> FitIntercept() => new("--fit-intercept")
    {
        Description = "scikit-learn's fit_intercept: true (the default) or false, the same as --no-intercept",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static Option<bool> Standardize() => new("--standardize") { Description = "glmnet's standardize: penalise coefficients of columns scaled to unit 1/n variance" };

    public static Option<bool> Positive() => new("--positive") { Description = "constrain coefficients to be ≥ 0 (scikit-learn positive=True, glmnet lower.limits=0)" };

    public static OutputFormat ParseFormat(string value) => value switch
    {
        "csv" => OutputFormat.Csv,
        "json" => OutputFormat.Json,
        _ => OutputFormat.Table,
    };

    public static SolverAlgorithm ParseAlgorithm(string value) => AlgorithmNames[value];

    /// <summary>The <c>--algorithm</c> value of <paramref name="algorithm"/>.</summary>
    public static string AlgorithmName(SolverAlgorithm algorithm) => AlgorithmNames.First(pair => pair.Value == algorithm).Key;

    private static Option<string> Choice(string name, string description, string defaultValue, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(values);
        return option;
    }
}
