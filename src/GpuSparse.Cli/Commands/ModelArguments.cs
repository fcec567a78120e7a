using System.CommandLine;
using GpuSparse.Backends;
using GpuSparse.Cli.Input;
using GpuSparse.Cli.Output;
using GpuSparse.Model;

namespace GpuSparse.Cli.Commands;

/// <summary>
/// The options <c>solve</c>, <c>path</c> and <c>cv</c> share, declared once (from <see cref="CommonOptions"/>): the
/// data, the model (L1 ratio, intercept, standardization, positivity), the solver, the backend and the output.
/// </summary>
internal sealed class ModelArguments(string xDescription, string yDescription, string l1RatioDescription, string outDescription, bool sweep = false)
{
    public Option<string> X { get; } = CommonOptions.X(xDescription);
    public Option<string> Y { get; } = CommonOptions.Y(yDescription);
    public Option<string> Target { get; } = CommonOptions.Target();
    public Option<string> L1Ratio { get; } = CommonOptions.L1Ratio(l1RatioDescription);
    public Option<bool> NoIntercept { get; } = CommonOptions.NoIntercept();
    public Option<bool?> FitIntercept { get; } = CommonOptions.FitIntercept();
    public Option<bool> Standardize { get; } = CommonOptions.Standardize();
    public Option<bool> Positive { get; } = CommonOptions.Positive();
    public Option<double> Tolerance { get; } = CommonOptions.Tolerance();
    public Option<int> MaxIterations { get; } = CommonOptions.MaxIterations();
    public Option<string> Precision { get; } = CommonOptions.Precision();
    public Option<string> Algorithm { get; } = CommonOptions.Algorithm();
    public Option<string> Backend { get; } = CommonOptions.Backend(sweep);
    public Option<string> Out { get; } = CommonOptions.Out(outDescription);
    public Option<bool> Overwrite { get; } = CommonOptions.Overwrite();
    public Option<string> Format { get; } = CommonOptions.Format();

    /// <summary>Adds the shared options to a command.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { X, Y, Target, L1Ratio, NoIntercept, FitIntercept, Standardize, Positive, Tolerance,
                     MaxIterations, Precision, Algorithm, Backend, Out, Overwrite, Format })
            command.Add(option);
    }

    /// <summary>Whether to fit an intercept: <c>--no-intercept</c> or <c>--fit-intercept false</c> say no; both at odds is bad usage.</summary>
    public bool Intercept(ParseResult parse)
    {
        bool no = parse.GetValue(NoIntercept);
        bool? fit = parse.GetResult(FitIntercept) is { } given ? parse.GetValue(FitIntercept) ?? true : null;
        if (no && fit == true)
            throw new InputException("--no-intercept and --fit-intercept contradict each other; give one");
        return !no && fit != false;
    }

    /// <summary>The solver options, checked as usage (wrong for every problem) before anything is read.</summary>
    public SolverOptions Solver(ParseResult parse) => Check(new SolverOptions
    {
        Tolerance = parse.GetValue(Tolerance),
        MaxIterations = parse.GetValue(MaxIterations),
        Algorithm = CommonOptions.ParseAlgorithm(parse.GetValue(Algorithm)!),
    });

    /// <summary>Checks <paramref name="options"/> as the command line's usage: <c>--tol</c> finite and ≥ 0, <c>--max-iter</c> ≥ 1.</summary>
    /// <exception cref="InputException">An option is out of range.</exception>
    public static SolverOptions Check(SolverOptions options)
    {
        if (InputFiles.NonNegative(options.Tolerance) is { } problem)
            throw new InputException($"--tol {options.Tolerance}: {problem}");
        if (options.MaxIterations < 1)
            throw new InputException($"--max-iter {options.MaxIterations}: must be at least 1");
        return options;
    }

    public OutputFormat ParsedFormat(ParseResult parse) => CommonOptions.ParseFormat(parse.GetValue(Format)!);

    /// <summary>
    /// The <c>--algorithm</c> name of what <paramref name="backend"/> runs on problems of <paramref name="features"/>
    /// coefficients when asked for <paramref name="algorithm"/> (<c>auto</c> resolved by the library: <c>cd</c> on cd,
    /// <c>fista</c> on reference, on a device <c>cd-gram</c> for p ≤ 64, else <c>fista</c>).
    /// </summary>
    public static string AlgorithmRun(ISolverBackend backend, SolverAlgorithm algorithm, int features) =>
        CommonOptions.AlgorithmName(backend.AlgorithmFor(algorithm, features));
}
