using System.CommandLine;
using System.Globalization;
using GpuSparse.Backends;
using GpuSparse.Cli.Input;
using GpuSparse.IO;
using GpuSparse.Solvers;
using GpuSparse.Sweeps;

namespace GpuSparse.Cli.Commands;

/// <summary>The options <c>path</c> and <c>cv</c> share: data, L1 ratios, the λ grid and the solver.</summary>
internal sealed class SweepArguments
{
    private readonly Option<string> _x = new("--x") { Description = "X.npy: (n, p), float32 or float64", Required = true };
    private readonly Option<string> _y = new("--y") { Description = "y.npy: (n,) or (T, n) for T targets swept together", Required = true };
    private readonly Option<string> _l1Ratio = new("--l1-ratio") { Description = "L1 ratios r in [0, 1], comma-separated (1 = Lasso)", DefaultValueFactory = _ => "1" };
    private readonly Option<int> _nLambda = new("--n-lambda") { Description = "number of λ values of the grid", DefaultValueFactory = _ => LambdaGrid.DefaultCount };
    private readonly Option<double?> _minRatio = new("--lambda-min-ratio") { Description = "λ_min/λ_max (default: glmnet 1e-4 when n ≥ p else 1e-2; sklearn 1e-3)" };
    private readonly Option<string> _grid = new("--grid") { Description = "glmnet or sklearn: whose default grid", DefaultValueFactory = _ => "glmnet" };
    private readonly Option<string?> _lambdas = new("--lambdas") { Description = "a user grid: a (L,) .npy of λ values (overrides --grid)" };
    private readonly Option<bool> _noIntercept = new("--no-intercept") { Description = "do not fit an intercept" };
    private readonly Option<bool> _standardize = new("--standardize") { Description = "glmnet's standardize" };
    private readonly Option<bool> _noScreening = new("--no-screening") { Description = "solve every feature at every step (no strong rules)" };
    private readonly Option<double> _tol = new("--tol") { Description = "stop each step when the duality gap ≤ tol·‖y − ȳ‖²/n", DefaultValueFactory = _ => 1e-4 };
    private readonly Option<int> _maxIter = new("--max-iter") { Description = "iteration limit per step", DefaultValueFactory = _ => 10_000 };
    private readonly Option<string> _out = new("--out") { Description = "output folder", Required = true };
    private readonly Option<string> _backend = CommonOptions.Backend();

    public SweepArguments() => _grid.AcceptOnlyFromAmong("glmnet", "sklearn");

    /// <summary>Adds the shared options to a command.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _x, _y, _l1Ratio, _nLambda, _minRatio, _grid, _lambdas, _noIntercept, _standardize, _noScreening, _tol, _maxIter, _out, _backend })
            command.Add(option);
    }

    /// <summary>The sweep the parsed options describe, its data loaded.</summary>
    public SweepInput Read(ParseResult parse)
    {
        var x = Load(parse.GetValue(_x)!);
        var y = Load(parse.GetValue(_y)!);
        if (x.Shape.Length != 2)
            throw new InputException($"{parse.GetValue(_x)}: X must be (n, p), got ({string.Join(", ", x.Shape)})");
        int n = x.Shape[0], p = x.Shape[1];
        if (y.Shape.Length is < 1 or > 2 || y.Shape[^1] != n)
            throw new InputException($"{parse.GetValue(_y)}: y must be ({n},) or (T, {n}), got ({string.Join(", ", y.Shape)})");
        var yValues = y.ToDouble();
        int targets = y.Shape.Length == 1 ? 1 : y.Shape[0];
        var ratios = parse.GetValue(_l1Ratio)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double r) && r >= 0 && r <= 1
                ? r : throw new InputException($"--l1-ratio: '{t}' is not a number in [0, 1]")).ToArray();
        if (ratios.Length == 0)
            throw new InputException("--l1-ratio: no values");
        var lambdas = parse.GetValue(_lambdas) is { } path ? Load(path).ToDouble() : null;
        if (lambdas is { Length: 0 } || lambdas?.Any(l => !(l >= 0) || double.IsInfinity(l)) == true)
            throw new InputException($"--lambdas: every λ must be finite and ≥ 0, and there must be one");
        return new SweepInput(x.ToDouble(), n, p,
            [.. Enumerable.Range(0, targets).Select(t => (ReadOnlyMemory<double>)yValues.AsMemory(t * n, n))],
            new SweepOptions
            {
                L1Ratios = ratios,
                Grid = parse.GetValue(_grid) == "sklearn" ? GridConvention.ScikitLearn : GridConvention.Glmnet,
                LambdaCount = parse.GetValue(_nLambda),
                LambdaMinRatio = parse.GetValue(_minRatio),
                Lambdas = lambdas,
                Path = new PathOptions
                {
                    FitIntercept = !parse.GetValue(_noIntercept),
                    Standardize = parse.GetValue(_standardize),
                    Screening = !parse.GetValue(_noScreening),
                    Solver = new SolverOptions { Tolerance = parse.GetValue(_tol), MaxIterations = parse.GetValue(_maxIter) },
                },
            },
            parse.GetValue(_out)!, parse.GetValue(_backend)!);
    }

    private static NpyArray Load(string path)
    {
        try
        {
            return NpyReader.Read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NpyFormatException)
        {
            throw new InputException(e is FileNotFoundException or DirectoryNotFoundException ? $"{path}: file not found" : e.Message, e);
        }
    }
}

/// <summary>A loaded sweep: X (n × p, row-major), T targets, what to explore, where to write, and the <c>--backend</c> to solve on.</summary>
internal sealed record SweepInput(double[] X, int Samples, int Features, ReadOnlyMemory<double>[] Targets,
    SweepOptions Options, string Output, string Backend)
{
    /// <summary>Leading dimensions (T, R) of the outputs, with T and R left out where they are 1.</summary>
    public int[] Leading(params int[] trailing) =>
        [.. new[] { Targets.Length, Options.L1Ratios.Length }.Where(d => d > 1), .. trailing];

    /// <summary>
    /// Runs <paramref name="body"/>, mapping input and option errors to exit code 2 with a message; so is a sweep
    /// too large for the device (nothing was solved: an input the device cannot take, as for <c>solve</c>).
    /// </summary>
    public static int Guard(TextWriter stderr, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is InputException or ArgumentException or DeviceOutOfMemoryException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
    }
}
