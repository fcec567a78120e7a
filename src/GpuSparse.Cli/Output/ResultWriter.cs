using System.Text.Json;
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
/// <param name="Options">The options shared by every problem: a <see cref="BatchOptions"/>, or those of an earlier result.json as read.</param>
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
    private readonly CsvRowWriter _rows;
    private readonly List<ProblemResult> _results;

    private ResultWriter(string directory, int count, int features, IReadOnlyList<string>? featureNames)
    {
        Directory.CreateDirectory(directory);
        (_directory, _count, _features) = (directory, count, features);
        _names = featureNames ?? [.. Enumerable.Range(0, features).Select(j => $"x{j}")];
        _results = new List<ProblemResult>(count);
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
        // One block per file: (K, p) coefficients, (K,) intercepts, and the csv rows (intercept, coefficients).
        int count = problems.Count, p = _features;
        var coefficients = new double[checked(count * p)];
        var intercepts = new double[count];
        var rows = new double[checked(count * (p + 1))];
        for (int k = 0; k < count; k++)
        {
            var problem = problems[k];
            if (problem.Coefficients.Length != p)
                throw new InvalidOperationException($"a result holds {problem.Coefficients.Length} coefficients where the batch has {p} features");
            problem.Coefficients.CopyTo(coefficients, k * p);
            intercepts[k] = problem.Intercept;
            rows[k * (p + 1)] = problem.Intercept;
            problem.Coefficients.CopyTo(rows, k * (p + 1) + 1);
            _results.Add(problem with { Coefficients = [] });
        }
        _coefficients.Append(coefficients);
        _intercepts.Append(intercepts);
        _rows.WriteRows(rows);
    }

    /// <summary>Closes the data files and writes result.json, once every problem was appended.</summary>
    public void Complete(string backend, TimeSpan elapsed, BatchDescription description)
    {
        if (_results.Count != _count)
            throw new InvalidOperationException($"{_results.Count} of {_count} results were written");
        _coefficients.Complete();
        _intercepts.Complete();
        _rows.Dispose();
        WriteJson(Path.Combine(_directory, "result.json"), backend, elapsed, description);
    }

    /// <summary>
    /// result.json, written field by field: the text <see cref="ResultJson.Write"/> gives the same document, without the
    /// reflection serializer's start-up (the slowest part of a cold run's writing), streamed for any number of problems.
    /// </summary>
    private void WriteJson(string path, string backend, TimeSpan elapsed, BatchDescription description)
    {
        var counts = new int[StatusNames.Length];
        foreach (var result in _results)
            counts[(int)result.Status]++;
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, ResultJson.WriterOptions);
        json.WriteStartObject();
        json.WriteString("command", description.Command);
        json.WriteString("tool", ResultJson.Tool);
        json.WriteString("backend", backend);
        json.WriteString("algorithm", description.Algorithm);
        json.WriteString("precision", description.Precision);
        ResultJson.WriteNumber(json, "elapsed_seconds", elapsed.TotalSeconds);
        json.WriteNumber("problems", _count);
        foreach (var status in (ProblemStatus[])[ProblemStatus.Converged, ProblemStatus.MaxIterations, ProblemStatus.Invalid,
                     ProblemStatus.Diverged, ProblemStatus.Cancelled])
            json.WriteNumber(StatusNames[(int)status], counts[(int)status]);
        json.WritePropertyName("options");
        ResultJson.WriteValue(json, description.Options);
        WriteStrings(json, "features", _names);
        if (description.TargetNames is { } targets)
            WriteStrings(json, "targets", targets);
        json.WriteStartArray("results");
        for (int k = 0; k < _results.Count; k++)
        {
            var r = _results[k];
            json.WriteStartObject();
            json.WriteNumber("index", description.FirstIndex + k);
            json.WriteString("status", StatusNames[(int)r.Status]);
            ResultJson.WriteNumber(json, "alpha", description.Alphas[k]);
            ResultJson.WriteNumber(json, "l1_ratio", description.L1Ratios[k]);
            json.WriteNumber("target", description.Targets[k]);
            ResultJson.WriteNumber(json, "duality_gap", r.DualityGap);
            ResultJson.WriteNumber(json, "gap_tolerance", r.GapTolerance);
            ResultJson.WriteNumber(json, "objective", r.Objective);
            json.WriteNumber("iterations", r.Iterations);
            if (r.Field is not null)
                json.WriteString("field", r.Field);
            if (r.Message is not null)
                json.WriteString("message", r.Message);
            json.WriteEndObject();
            if (json.BytesPending > FlushBytes)
                json.Flush();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    // result.json goes to its file in pieces of about this size, however many problems it lists.
    private const int FlushBytes = 1 << 20;

    /// <summary>Each status as result.json names it, indexed by its value.</summary>
    private static readonly string[] StatusNames =
        [.. Enum.GetValues<ProblemStatus>().Select(s => JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString()))];

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values)
            json.WriteStringValue(value);
        json.WriteEndArray();
    }

    /// <summary>Closes the files (incomplete unless <see cref="Complete"/> ran; the result folder is then discarded).</summary>
    public void Dispose()
    {
        _coefficients.Dispose();
        _intercepts.Dispose();
        _rows.Dispose();
    }
}
