using System.Text.Json;
using System.Text.Json.Serialization;
using GpuSparse.IO;
using GpuSparse.Model;

namespace GpuSparse.Cli.Output;

/// <summary>Writes a batch's results: <c>coef.npy</c> (K, p) float64, <c>intercept.npy</c> (K,), <c>result.json</c>.</summary>
internal static class ResultWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static void Write(string directory, BatchResult result, int features, string precision, object? options = null)
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
        NpyWriter.Write(Path.Combine(directory, "coef.npy"), coefficients, count, features);
        NpyWriter.Write(Path.Combine(directory, "intercept.npy"), intercepts, count);
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
        File.WriteAllText(Path.Combine(directory, "result.json"), JsonSerializer.Serialize(summary, Json));
    }
}
