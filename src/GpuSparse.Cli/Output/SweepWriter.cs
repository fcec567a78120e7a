using GpuSparse.Cli.Commands;
using GpuSparse.IO;
using GpuSparse.Model;
using GpuSparse.Sweeps;

namespace GpuSparse.Cli.Output;

/// <summary>Writes the .npy arrays and result.json of <c>path</c> and <c>cv</c>, and reports their statuses.</summary>
internal static class SweepWriter
{
    /// <summary>
    /// The first <paramref name="paths"/> paths of <paramref name="result"/> into <paramref name="folder"/>: alphas (T, R, L),
    /// coefs (T, R, L, p), intercepts and gaps (T, R, L) float64, iterations (T, R, L) int32, leading T and R left out where 1.
    /// </summary>
    public static void WritePaths(string folder, SweepInput input, PathResult result, int paths)
    {
        Directory.CreateDirectory(folder);
        int steps = result.Steps, p = result.Features, count = checked(paths * steps);
        void Save(string name, ReadOnlySpan<double> values, params int[] trailing) =>
            NpyWriter.Write(Path.Combine(folder, name), values, input.Leading(trailing));
        Save("alphas.npy", result.Lambdas.AsSpan(0, count), steps);
        Save("coefs.npy", result.Coefficients.AsSpan(0, checked(count * p)), steps, p);
        Save("intercepts.npy", result.Intercepts.AsSpan(0, count), steps);
        Save("gaps.npy", result.DualityGaps.AsSpan(0, count), steps);
        NpyWriter.Write(Path.Combine(folder, "iterations.npy"), result.Iterations.AsSpan(0, count), input.Leading(steps));
    }

    /// <summary>
    /// Writes result.json (last): what was swept, how, the status counts, each path's target, L1 ratio and statuses,
    /// and <paramref name="extra"/> (the command's own fields).
    /// </summary>
    public static void WriteSummary(string folder, string command, SweepInput input, PathResult result, int paths,
        string backend, string algorithm, double seconds, object? extra = null)
    {
        int ratios = input.Options.L1Ratios.Length;
        var options = input.Options;
        ResultJson.Write(Path.Combine(folder, "result.json"), new
        {
            Command = command,
            ResultJson.Tool,
            Backend = backend,
            Algorithm = algorithm,
            input.Request.Precision,
            ElapsedSeconds = seconds,
            Problems = result.Statuses.Length,
            Converged = result.CountWith(ProblemStatus.Converged),
            MaxIterations = result.CountWith(ProblemStatus.MaxIterations),
            Invalid = result.CountWith(ProblemStatus.Invalid),
            Diverged = result.CountWith(ProblemStatus.Diverged),
            Cancelled = result.CountWith(ProblemStatus.Cancelled),
            result.FeatureIterations,
            result.KktResolves,
            result.BatchSolves,
            options.L1Ratios,
            input.Request.Grid,
            NLambda = result.Steps,
            options.LambdaMinRatio,
            options.Path.Screening,
            options.Path.FitIntercept,
            options.Path.Standardize,
            options.Path.Positive,
            options.Path.Solver.Tolerance,
            MaxIter = options.Path.Solver.MaxIterations,
            Features = input.Data.FeatureNames ?? [.. Enumerable.Range(0, input.Features).Select(j => $"x{j}")],
            TargetNames = input.AllTargetNames,
            // Numbered among all targets of y: a shard's paths are those of its targets.
            Paths = Enumerable.Range(0, paths).Select(k => new
            {
                Index = input.FirstTarget * ratios + k,
                Target = input.FirstTarget + k / ratios,
                L1Ratio = options.L1Ratios[k % ratios],
                Statuses = result.Statuses.AsSpan(k * result.Steps, result.Steps).ToArray(),
            }),
            Extra = extra,
        });
    }

    /// <summary>The shape of a per-target array of T targets at R L1 ratios: (T, R, trailing…), T and R left out where 1.</summary>
    public static int[] Leading(int targets, int ratios, params int[] trailing) =>
        [.. new[] { targets, ratios }.Where(d => d > 1), .. trailing];

    /// <summary>The exit code and stderr lines for the statuses of the first <paramref name="paths"/> paths of a sweep.</summary>
    public static int Report(PathResult result, TextWriter stdout, TextWriter stderr, OutputFormat format, string what, string output)
    {
        int failed = result.CountWith(ProblemStatus.Invalid) + result.CountWith(ProblemStatus.Diverged);
        int unconverged = result.CountWith(ProblemStatus.MaxIterations);
        int cancelled = result.CountWith(ProblemStatus.Cancelled);
        if (failed > 0)
            stderr.WriteLine($"error: {failed} (path, λ) problem(s) were invalid or diverged; see the statuses in result.json");
        if (unconverged > 0)
            stderr.WriteLine($"warning: {unconverged} (path, λ) problem(s) hit --max-iter before the gap reached --tol");
        if (cancelled > 0)
            stderr.WriteLine($"cancelled: {cancelled} of {result.Statuses.Length} (path, λ) problem(s) did not finish (status 'cancelled' in result.json, NaN in the arrays where never started); what finished is written to {output}");
        string how = result.BatchSolves > 0 ? $"in {result.BatchSolves} batches" : "by the path engine";
        // The summary line is for people: with --format csv|json stdout carries only the rows.
        (format == OutputFormat.Table ? stdout : stderr).WriteLine($"{what}: {result.Paths} path(s) × {result.Steps} λ, {result.CountWith(ProblemStatus.Converged)} of {result.Statuses.Length} converged, solved {how}; results in {output}");
        return failed + cancelled > 0 ? ExitCodes.SomeProblemsFailed : ExitCodes.Success;
    }
}
