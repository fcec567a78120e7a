using System.Text.Json;
using System.Text.Json.Serialization;
using GpuSparse.Cli.Commands;
using GpuSparse.IO;
using GpuSparse.Model;
using GpuSparse.Sweeps;

namespace GpuSparse.Cli.Output;

/// <summary>Writes the .npy arrays and result.json of <c>path</c> and <c>cv</c>.</summary>
internal static class SweepWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>
    /// The first <paramref name="paths"/> paths of <paramref name="result"/> as alphas (T, R, L), coefs (T, R, L, p),
    /// intercepts, gaps, iterations (T, R, L), leading T and R left out where 1.
    /// </summary>
    public static void WritePaths(SweepInput input, PathResult result, int paths)
    {
        Directory.CreateDirectory(input.Output);
        int steps = result.Steps, p = result.Features;
        void Save(string name, ReadOnlySpan<double> values, params int[] trailing) =>
            NpyWriter.Write(Path.Combine(input.Output, name), values, input.Leading(trailing));
        Save("alphas.npy", result.Lambdas.AsSpan(0, paths * steps), steps);
        Save("coefs.npy", result.Coefficients.AsSpan(0, paths * steps * p), steps, p);
        Save("intercepts.npy", result.Intercepts.AsSpan(0, paths * steps), steps);
        Save("gaps.npy", result.DualityGaps.AsSpan(0, paths * steps), steps);
        Save("iterations.npy", Array.ConvertAll(result.Iterations[..(paths * steps)], i => (double)i), steps);
    }

    /// <summary>Writes result.json: <paramref name="summary"/> plus the sweep's status counts and work.</summary>
    public static void WriteSummary(SweepInput input, PathResult result, object summary)
    {
        var document = new
        {
            Summary = summary,
            Problems = result.Statuses.Length,
            Converged = result.Statuses.Count(s => s == ProblemStatus.Converged),
            MaxIterations = result.Statuses.Count(s => s == ProblemStatus.MaxIterations),
            Failed = result.Statuses.Count(s => s is ProblemStatus.Invalid or ProblemStatus.Diverged),
            result.FeatureIterations,
            result.KktResolves,
            result.BatchSolves,
            input.Options.L1Ratios,
            Grid = input.Options.Lambdas is null ? input.Options.Grid.ToString() : "user",
            input.Options.Path.Screening,
            input.Options.Path.FitIntercept,
            input.Options.Path.Standardize,
            input.Options.Path.Solver.Tolerance,
            MaxIter = input.Options.Path.Solver.MaxIterations,
        };
        File.WriteAllText(Path.Combine(input.Output, "result.json"), JsonSerializer.Serialize(document, Json));
    }

    /// <summary>The exit code and stderr lines for the statuses of a sweep.</summary>
    public static int Report(PathResult result, TextWriter stdout, TextWriter stderr, string what, string output)
    {
        int failed = result.Statuses.Count(s => s is ProblemStatus.Invalid or ProblemStatus.Diverged);
        int unconverged = result.Statuses.Count(s => s == ProblemStatus.MaxIterations);
        if (failed > 0)
            stderr.WriteLine($"error: {failed} (path, λ) problem(s) were invalid or diverged; see result.json");
        if (unconverged > 0)
            stderr.WriteLine($"warning: {unconverged} (path, λ) problem(s) hit --max-iter before the gap reached --tol");
        string how = result.BatchSolves > 0 ? $"in {result.BatchSolves} batches" : "by the path engine";
        stdout.WriteLine($"{what}: {result.Paths} path(s) × {result.Steps} λ solved {how}; results in {output}");
        return failed > 0 ? ExitCodes.SomeProblemsFailed : ExitCodes.Success;
    }
}
