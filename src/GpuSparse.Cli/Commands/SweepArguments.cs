using System.CommandLine;
using System.Globalization;
using System.Numerics;
using GpuSparse.Cli.Input;
using GpuSparse.Cli.Output;
using GpuSparse.Cli.Sharding;
using GpuSparse.Sweeps;

namespace GpuSparse.Cli.Commands;

/// <summary>
/// The options of <c>path</c> and <c>cv</c>: the shared <see cref="ModelArguments"/> (data, model, solver, output) and
/// the λ grid. glmnet's and scikit-learn's names are both accepted: <c>--n-lambda</c>/<c>--n-alphas</c>,
/// <c>--lambda-min-ratio</c>/<c>--eps</c>.
/// </summary>
internal sealed class SweepArguments
{
    private readonly Option<int> _nLambda = new("--n-lambda", "--n-alphas") { Description = "number of λ values of the grid (glmnet nlambda, scikit-learn n_alphas)", DefaultValueFactory = _ => LambdaGrid.DefaultCount };
    private readonly Option<double?> _minRatio = new("--lambda-min-ratio", "--eps") { Description = "λ_min/λ_max in (0, 1) (glmnet lambda.min.ratio, scikit-learn eps; default: glmnet 1e-4 when n ≥ p else 1e-2, sklearn 1e-3)" };
    private readonly Option<string> _grid = new("--grid") { Description = "glmnet or sklearn: whose default grid", DefaultValueFactory = _ => "glmnet" };
    private readonly Option<string?> _lambdas = new("--lambdas", "--alphas") { Description = "a user grid: a (L,) .npy of λ values ≥ 0 (overrides --grid)" };
    private readonly Option<bool> _noScreening = new("--no-screening") { Description = "solve every feature at every step (no strong rules)" };
    private readonly Option<string> _shard = ShardSpec.Option("targets (every L1 ratio of a target in one shard)");

    public SweepArguments(string outDescription)
    {
        Model = new ModelArguments(
            "X: .npy (n, p), float32 or float64; or a CSV with a header row",
            "y: .npy (n,) or (T, n) for T targets swept together; or a CSV whose T columns are T targets",
            "L1 ratios r in [0, 1], comma-separated (1 = Lasso; glmnet's alpha)",
            outDescription, sweep: true);
        _grid.AcceptOnlyFromAmong("glmnet", "sklearn");
    }

    public ModelArguments Model { get; }

    /// <summary>Adds the options to a command.</summary>
    public void AddTo(Command command)
    {
        Model.AddTo(command);
        foreach (var option in new Option[] { _nLambda, _minRatio, _grid, _lambdas, _noScreening, _shard })
            command.Add(option);
    }

    /// <summary>The sweep the parsed options describe, its usage checked; nothing is read yet.</summary>
    public SweepRequest Read(ParseResult parse)
    {
        var ratios = parse.GetValue(Model.L1Ratio)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t => InputFiles.TryParse(t, out double r) && InputFiles.Ratio(r) is null
                ? r : throw new InputException($"--l1-ratio {t}: must be a number in [0, 1] (1 = Lasso, 0 = Ridge); several are comma-separated")).ToArray();
        if (ratios.Length == 0)
            throw new InputException("--l1-ratio: no values");
        int count = parse.GetValue(_nLambda);
        if (count < 1)
            throw new InputException($"--n-lambda {count}: must be at least 1");
        if (parse.GetValue(_minRatio) is { } minRatio && !(minRatio > 0 && minRatio < 1))
            throw new InputException($"--lambda-min-ratio {minRatio}: must be in (0, 1)");
        string grid = parse.GetValue(_lambdas) is null ? parse.GetValue(_grid)! : "user";
        return new SweepRequest(parse.GetValue(Model.X)!, parse.GetValue(Model.Y), parse.GetValue(Model.Target), parse.GetValue(_lambdas),
            grid, new SweepOptions
            {
                L1Ratios = ratios,
                Grid = parse.GetValue(_grid) == "sklearn" ? GridConvention.ScikitLearn : GridConvention.Glmnet,
                LambdaCount = count,
                LambdaMinRatio = parse.GetValue(_minRatio),
                Path = new PathOptions
                {
                    FitIntercept = Model.Intercept(parse),
                    Standardize = parse.GetValue(Model.Standardize),
                    Positive = parse.GetValue(Model.Positive),
                    Screening = !parse.GetValue(_noScreening),
                    Solver = Model.Solver(parse),
                },
            },
            parse.GetValue(Model.Precision)!, parse.GetValue(Model.Backend)!, parse.GetValue(Model.Out)!, parse.GetValue(Model.Overwrite),
            Model.ParsedFormat(parse), parse.GetValue(_shard) is { } shard ? ShardSpec.Parse(shard, ShardUnit.Target) : null);
    }
}

/// <summary>What a <c>path</c> or <c>cv</c> call asks for, before its files are read.</summary>
/// <param name="Grid">The grid by its command-line name: glmnet, sklearn or user.</param>
/// <param name="Shard">With <c>--shard I/N</c>, the share of the targets to sweep.</param>
internal sealed record SweepRequest(string X, string? Y, string? Target, string? LambdasPath, string Grid, SweepOptions Options,
    string Precision, string Backend, string Output, bool Overwrite, OutputFormat Format, ShardSpec? Shard = null)
{
    /// <summary>Reads the data (and a user grid) of the request: of a (T, n) y only the shard's targets.</summary>
    public SweepInput Load()
    {
        var data = DataFiles.Load(X, Y, Target, designPerProblem: false, Shard);
        Shard?.CheckFits(data.ResponseProblems, $"--y {data.YPath}");
        var options = Options;
        if (LambdasPath is { } path)
        {
            var array = InputFiles.ReadNpy(path, "--lambdas");
            var lambdas = array.ToDouble();
            if (array.Shape.Length != 1 || lambdas.Length == 0 || lambdas.Any(l => !(l >= 0) || double.IsInfinity(l)))
                throw new InputException($"--lambdas {path}: must be a (L,) array of finite λ ≥ 0, L ≥ 1, got shape {DataFiles.Shape(array)}");
            options = options with { Lambdas = lambdas };
        }
        return new SweepInput(this, data, options) { FirstTarget = Shard?.StartOf(data.ResponseProblems) ?? 0 };
    }
}

/// <summary>A loaded sweep: the request, X (n × p) and its T targets (a shard's share of them), and what to explore.</summary>
internal sealed record SweepInput(SweepRequest Request, DataFiles Data, SweepOptions Options)
{
    /// <summary>The index among all targets of the first one held (0 unless a shard).</summary>
    public int FirstTarget { get; init; }

    /// <summary>The number of targets of the whole y (<see cref="Targets"/> unless a shard).</summary>
    public int TotalTargets => Data.ResponseProblems;

    public int Samples => Data.Samples;

    public int Features => Data.Features;

    public int Targets => Data.Responses;

    /// <summary>Leading dimensions (T, R) of the outputs, with T and R left out where they are 1.</summary>
    public int[] Leading(params int[] trailing) => SweepWriter.Leading(Targets, Options.L1Ratios.Length, trailing);

    /// <summary>X in precision T, row-major.</summary>
    public T[] Design<T>() where T : unmanaged, IFloatingPointIeee754<T> => DataFiles.Convert<T>(Data.X);

    /// <summary>The T responses in precision T.</summary>
    public ReadOnlyMemory<T>[] Responses<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = DataFiles.Convert<T>(Data.Y);
        int n = Samples;
        return [.. Enumerable.Range(0, Targets).Select(t => (ReadOnlyMemory<T>)y.AsMemory(t * n, n))];
    }

    /// <summary>The name of held target t (target <see cref="FirstTarget"/> + t of y): its CSV column, or its row of y.</summary>
    public string TargetName(int t) => NameOf(FirstTarget + t);

    /// <summary>The names of every target of y, held or not.</summary>
    public IEnumerable<string> AllTargetNames => Enumerable.Range(0, TotalTargets).Select(NameOf);

    private string NameOf(int target) => Data.TargetNames is { } names && target < names.Count ? names[target] : target.ToString(CultureInfo.InvariantCulture);
}
