using GpuSparse.IO;
using GpuSparse.Model;

namespace GpuSparse.Cli.Output;

/// <summary>What result.json says about a batch beyond its results: who wrote it and how each problem was posed.</summary>
/// <param name="Command">The command that solved it (<c>solve</c>, <c>example</c>).</param>
/// <param name="Algorithm">The algorithm actually run: <c>cd</c> on the cd backend, else <c>fista</c> or <c>ista</c>.</param>
/// <param name="Precision"><c>f64</c> or <c>f32</c>.</param>
/// <param name="Alphas">Each problem's λ (--alpha).</param>
/// <param name="L1Ratios">Each problem's L1 ratio.</param>
/// <param name="Targets">Each problem's response: its row of y.</param>
/// <param name="Options">The options shared by every problem.</param>
/// <param name="FeatureNames">Column names (x0, x1, … when the input had none).</param>
/// <param name="TargetNames">Names of y's responses when a CSV gave them.</param>
/// <param name="FirstIndex">The index in the whole batch of the first problem written (a shard's start; 0 otherwise).</param>
internal sealed record BatchDescription(string Command, string Algorithm, string Precision, IReadOnlyList<double> Alphas,
    IReadOnlyList<double> L1Ratios, IReadOnlyList<int> Targets, object Options, IReadOnlyList<string>? FeatureNames = null,
    IReadOnlyList<string>? TargetNames = null, int FirstIndex = 0);

/// <summary>
/// Writes a batch's results: <c>coef.npy</c> (K, p) float64, <c>intercept.npy</c> (K,) float64, <c>coef.csv</c> (a
/// header <c>intercept,name₁,…</c> and one row per problem, for spreadsheets, pandas and R) and, last,
/// <c>result.json</c>. The rows are written as ranges of the batch finish (<see cref="Append"/>), so a batch larger
/// than memory never holds its coefficients at once; result.json, written by <see cref="Complete"/>, keeps only each
/// problem's status and certificate until then.
/// </summary>
internal sealed class ResultWriter : IDisposable
{
    private readonly string _directory;
    private readonly int _count;
    private readonly int _features;
    private readonly IReadOnlyList<string> _names;
    private readonly NpyAppender _coefficients;
    private readonly NpyAppender _intercepts;
    private readonly StreamWriter _rows;
    private readonly List<ProblemResult> _results;
    private readonly double[] _row;

    private ResultWriter(string directory, int count, int features, IReadOnlyList<string>? featureNames)
    {
        Directory.CreateDirectory(directory);
        (_directory, _count, _features) = (directory, count, features);
        _names = featureNames ?? [.. Enumerable.Range(0, features).Select(j => $"x{j}")];
        _results = new List<ProblemResult>(count);
        _row = new double[features + 1];
        _coefficients = NpyWriter.OpenFloat64(Path.Combine(directory, "coef.npy"), count, features);
        _intercepts = NpyWriter.OpenFloat64(Path.Combine(directory, "intercept.npy"), count);
        _rows = CsvTable.OpenWriter(Path.Combine(directory, "coef.csv"), ["intercept", .. _names]);
    }

    /// <summary>Writes every file of <paramref name="result"/> at once.</summary>
    public static void Write(string directory, BatchResult result, int features, BatchDescription description)
    {
        using var writer = Begin(directory, result.Problems.Count, features, description.FeatureNames);
        writer.Append(result.Problems);
        writer.Complete(result.Backend, result.Elapsed, description);
    }

    /// <summary>Starts the files of a batch of <paramref name="count"/> problems of <paramref name="features"/> coefficients.</summary>
    public static ResultWriter Begin(string directory, int count, int features, IReadOnlyList<string>? featureNames) =>
        new(directory, count, features, featureNames);

    /// <summary>The results appended so far, without their coefficients (which are in the files).</summary>
    public IReadOnlyList<ProblemResult> Results => _results;

    /// <summary>The results of the next problems, in batch order; their coefficients are written now and not kept.</summary>
    public void Append(IReadOnlyList<ProblemResult> problems)
    {
        foreach (var problem in problems)
        {
            _coefficients.Append(problem.Coefficients);
            _intercepts.Append([problem.Intercept]);
            _row[0] = problem.Intercept;
            problem.Coefficients.CopyTo(_row, 1);
            CsvTable.WriteRow(_rows, _row);
            _results.Add(problem with { Coefficients = [] });
        }
    }

    /// <summary>Closes the data files and writes result.json, once every problem was appended.</summary>
    public void Complete(string backend, TimeSpan elapsed, BatchDescription description)
    {
        if (_results.Count != _count)
            throw new InvalidOperationException($"{_results.Count} of {_count} results were written");
        _coefficients.Complete();
        _intercepts.Complete();
        _rows.Dispose();
        int CountWith(ProblemStatus status) => _results.Count(r => r.Status == status);
        ResultJson.Write(Path.Combine(_directory, "result.json"), new
        {
            description.Command,
            ResultJson.Tool,
            Backend = backend,
            description.Algorithm,
            description.Precision,
            ElapsedSeconds = elapsed.TotalSeconds,
            Problems = _count,
            Converged = CountWith(ProblemStatus.Converged),
            MaxIterations = CountWith(ProblemStatus.MaxIterations),
            Invalid = CountWith(ProblemStatus.Invalid),
            Diverged = CountWith(ProblemStatus.Diverged),
            Cancelled = CountWith(ProblemStatus.Cancelled),
            description.Options,
            Features = _names,
            Targets = description.TargetNames,
            Results = _results.Select((r, k) => new
            {
                Index = description.FirstIndex + k,
                r.Status,
                Alpha = description.Alphas[k],
                L1Ratio = description.L1Ratios[k],
                Target = description.Targets[k],
                r.DualityGap,
                r.GapTolerance,
                r.Objective,
                r.Iterations,
                r.Field,
                r.Message,
            }),
        });
    }

    /// <summary>Closes the files (incomplete unless <see cref="Complete"/> ran; the result folder is then discarded).</summary>
    public void Dispose()
    {
        _coefficients.Dispose();
        _intercepts.Dispose();
        _rows.Dispose();
    }
}
