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
/// <c>result.json</c>.
/// </summary>
internal static class ResultWriter
{
    public static void Write(string directory, BatchResult result, int features, BatchDescription description)
    {
        Directory.CreateDirectory(directory);
        int count = result.Problems.Count;
        var coefficients = new double[checked(count * features)];
        var intercepts = new double[count];
        for (int k = 0; k < count; k++)
        {
            result[k].Coefficients.CopyTo(coefficients, k * features);
            intercepts[k] = result[k].Intercept;
        }
        NpyWriter.Write(Path.Combine(directory, "coef.npy"), coefficients, count, features);
        NpyWriter.Write(Path.Combine(directory, "intercept.npy"), intercepts, count);
        var names = description.FeatureNames ?? [.. Enumerable.Range(0, features).Select(j => $"x{j}")];
        var rows = new double[checked(count * (features + 1))];
        for (int k = 0; k < count; k++)
        {
            rows[k * (features + 1)] = intercepts[k];
            coefficients.AsSpan(k * features, features).CopyTo(rows.AsSpan(k * (features + 1) + 1));
        }
        CsvTable.Write(Path.Combine(directory, "coef.csv"), ["intercept", .. names], rows);
        ResultJson.Write(Path.Combine(directory, "result.json"), new
        {
            description.Command,
            ResultJson.Tool,
            result.Backend,
            description.Algorithm,
            description.Precision,
            ElapsedSeconds = result.Elapsed.TotalSeconds,
            Problems = count,
            Converged = result.CountWith(ProblemStatus.Converged),
            MaxIterations = result.CountWith(ProblemStatus.MaxIterations),
            Invalid = result.CountWith(ProblemStatus.Invalid),
            Diverged = result.CountWith(ProblemStatus.Diverged),
            Cancelled = result.CountWith(ProblemStatus.Cancelled),
            description.Options,
            Features = names,
            Targets = description.TargetNames,
            Results = result.Problems.Select((r, k) => new
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
}
