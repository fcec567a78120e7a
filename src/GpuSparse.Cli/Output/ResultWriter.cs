using System.Text.Json;
using System.Text.Json.Serialization;
using GpuSparse.IO;
using GpuSparse.Model;

namespace GpuSparse.Cli.Output;

/// <summary>
/// Writes a batch's results: <c>coef.npy</c> (K, p) float64, <c>intercept.npy</c> (K,), <c>coef.csv</c> (a header
/// <c>intercept,name₁,…</c> and one row per problem, for spreadsheets, pandas and R) and <c>result.json</c>.
/// </summary>
internal static class ResultWriter
{
    /// <summary>JSON as every command writes it: snake_case keys and enums, NaN and ∞ as strings.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        // λ, ‖·‖ and other non-ASCII text stay readable; the files are UTF-8 and never embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static void Write(string directory, BatchResult result, int features, string precision, object? options = null,
        IReadOnlyList<string>? featureNames = null)
    {
        Directory.CreateDirectory(directory);
        int count = result.Problems.Count;
        var coefficients = new double[count * features];
        var intercepts = new double[count];
        for (int k = 0; k < count; k++)
        {
            result[k].Coefficients.CopyTo(coefficients, k * features);
            intercepts[k] = result[k].Intercept;
        }
        // result.json (its serializer's first use is the slow part of a cold run) is written on a second core.
        var json = Task.Run(() => WriteSummary(directory, result, precision, options));
        NpyWriter.Write(Path.Combine(directory, "coef.npy"), coefficients, count, features);
        NpyWriter.Write(Path.Combine(directory, "intercept.npy"), intercepts, count);
        var names = featureNames ?? [.. Enumerable.Range(0, features).Select(j => $"x{j}")];
        var rows = new double[count * (features + 1)];
        for (int k = 0; k < count; k++)
        {
            rows[k * (features + 1)] = intercepts[k];
            coefficients.AsSpan(k * features, features).CopyTo(rows.AsSpan(k * (features + 1) + 1));
        }
        CsvTable.Write(Path.Combine(directory, "coef.csv"), ["intercept", .. names], rows);
        json.GetAwaiter().GetResult();
    }

    private static void WriteSummary(string directory, BatchResult result, string precision, object? options)
    {
        int count = result.Problems.Count;
        var summary = new
        {
            Backend = result.Backend,
            Precision = precision,
            ElapsedSeconds = result.Elapsed.TotalSeconds,
            Problems = count,
            Converged = result.CountWith(ProblemStatus.Converged),
            Options = options,
            Results = result.Problems.Select((r, k) => new
            {
                Index = k,
                r.Status,
                r.DualityGap,
                r.GapTolerance,
                r.Objective,
                r.Iterations,
                r.Field,
                r.Message,
            }),
        };
        using var stream = File.Create(Path.Combine(directory, "result.json"));
        JsonSerializer.Serialize(stream, summary, JsonOptions);
    }
}
