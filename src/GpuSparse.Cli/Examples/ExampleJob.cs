using System.Reflection;
using GpuSparse.Backends;
using GpuSparse.Cli.Output;
using GpuSparse.Cli.Plots;
using GpuSparse.Cli.Progress;
using GpuSparse.Data;
using GpuSparse.Engines;
using GpuSparse.IO;
using GpuSparse.Model;

namespace GpuSparse.Cli.Examples;

/// <summary>What the example is asked to do.</summary>
/// <param name="Output">Folder for results and plots.</param>
/// <param name="Options">Solver options for every batch.</param>
/// <param name="Backend">Where the batches are solved.</param>
/// <param name="GeneratedCount">Problems in the generated batch (n = 64, p = 32 each).</param>
/// <param name="Plots">Whether to draw the plots.</param>
internal sealed record ExampleRequest(string Output, SolverOptions Options, ISolverBackend Backend, int GeneratedCount, bool Plots);

/// <summary>One solved batch of the example, as a row of its table.</summary>
internal sealed record ExampleBatch(string Job, BatchResult Result, double WorstRelativeGap, double? ChosenLambda);

/// <summary>The λ a held-out split picked for one L1 ratio.</summary>
/// <param name="AtSmallestLambda">The least error is at the grid's smallest λ: the data want little or no penalty.</param>
internal sealed record HoldOutChoice(double L1Ratio, double Lambda, double Mse, int Nonzeros, bool AtSmallestLambda);

/// <summary>Everything the example produced.</summary>
internal sealed record ExampleOutcome(IReadOnlyList<ExampleBatch> Batches, IReadOnlyList<HoldOutChoice> Choices, IReadOnlyList<string> Files);

/// <summary>
/// The main job on built-in data: a λ path on the diabetes data (100 λ from λ_max down to 10⁻³·λ_max, for the
/// Lasso and the elastic net r = 0.5, solved as one batch on the shared design), the same grid fitted on a
/// seeded 80 % of the rows to choose λ by the error on the other 20 %, and a generated batch of thousands of
/// small problems — then plots and result files. Cross-validation proper comes with the sweeps.
/// </summary>
internal static class ExampleJob
{
    public static readonly string[] DiabetesFeatures = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"];
    public static readonly double[] L1Ratios = [1.0, 0.5];
    public const int PathLength = 100;
    public const double PathRatio = 1e-3;
    public const ulong SplitSeed = 42;
    private const int TraceIterations = 400;
    private const double TraceFraction = 0.1;

    public static ExampleOutcome Run(ExampleRequest request, ProgressDisplay progress, CancellationToken cancellationToken)
    {
        var (x, y) = LoadDiabetes();
        int n = y.Length, p = DiabetesFeatures.Length;
        var files = new List<string>();
        var batches = new List<ExampleBatch>();

        // The λ grid, per L1 ratio: λ_max(r) = max|X_cᵀy_c|/(n·r) zeroes every coefficient.
        var grid = L1Ratios.SelectMany(r => Grid(PortableGenerator.AlphaMax(x, y, n, p, r)).Select(lambda => (r, lambda))).ToArray();
        var settings = grid.Select(g => ProblemSettings.ElasticNet(g.lambda, g.r)).ToArray();

        var path = Solve(request, progress, "diabetes λ path", ProblemBatch<double>.WithSharedDesign(x, p, Repeat(y, grid.Length), settings), cancellationToken);
        batches.Add(new ExampleBatch($"diabetes λ path ({PathLength} λ × r ∈ {{1, 0.5}})", path, WorstRelativeGap(path, _ => y), null));
        for (int g = 0; g < L1Ratios.Length; g++)
        {
            string folder = Path.Combine(request.Output, "diabetes", PathName(L1Ratios[g]));
            var slice = new BatchResult([.. path.Problems.Skip(g * PathLength).Take(PathLength)], path.Backend, path.Elapsed);
            var lambdas = grid.Skip(g * PathLength).Take(PathLength).Select(v => v.lambda).ToArray();
            ResultWriter.Write(folder, slice, p, Describe(request, "example", p, lambdas, Enumerable.Repeat(L1Ratios[g], PathLength).ToArray(), DiabetesFeatures));
            NpyWriter.Write(Path.Combine(folder, "alphas.npy"), grid.Skip(g * PathLength).Take(PathLength).Select(v => v.lambda).ToArray(), PathLength);
            files.Add(folder + Path.DirectorySeparatorChar);
        }

        // A seeded 80/20 split: the same grid on the training rows, scored on the held-out rows.
        var (train, test) = Split(n, SplitSeed);
        var (xTrain, yTrain) = Rows(x, y, p, train);
        var (xTest, yTest) = Rows(x, y, p, test);
        var holdOut = Solve(request, progress, "diabetes 80/20 hold-out",
            ProblemBatch<double>.WithSharedDesign(xTrain, p, Repeat(yTrain, grid.Length), settings), cancellationToken);
        var mse = holdOut.Problems.Select(r => MeanSquaredError(r, xTest, yTest, p)).ToArray();
        var choices = L1Ratios.Select((r, g) =>
        {
            int best = Enumerable.Range(g * PathLength, PathLength).MinBy(k => mse[k]);
            return new HoldOutChoice(r, grid[best].lambda, mse[best], holdOut[best].Coefficients.Count(c => c != 0),
                best == (g + 1) * PathLength - 1);
        }).ToArray();
        batches.Add(new ExampleBatch("diabetes 80/20 hold-out (same grid)", holdOut, WorstRelativeGap(holdOut, _ => yTrain), choices[0].Lambda));
        string holdOutCsv = Path.Combine(request.Output, "diabetes", "holdout_mse.csv");
        CsvTable.Write(holdOutCsv, ["l1_ratio", "lambda", "mse"], grid.SelectMany((g, k) => new[] { g.r, g.lambda, mse[k] }).ToArray());
        files.Add(holdOutCsv);

        // Thousands of small independent problems, each with its own design: the batch the GPU is for.
        var workload = progress.Run($"generating {request.GeneratedCount} problems", "problems",
            generated => PortableGenerator.Batch(request.GeneratedCount, 64, 32, progress: generated));
        var generated = Solve(request, progress, $"generated {request.GeneratedCount} × (64 × 32)",
            ProblemBatch<double>.WithDesignPerProblem(workload.X, workload.Samples, workload.Features, workload.Y,
                workload.Alphas.Select(a => ProblemSettings.Lasso(a)).ToArray()), cancellationToken);
        batches.Add(new ExampleBatch($"generated Lasso batch ({request.GeneratedCount} × 64 × 32)", generated,
            WorstRelativeGap(generated, k => workload.Y.AsSpan(k * workload.Samples, workload.Samples).ToArray()), null));
        string generatedFolder = Path.Combine(request.Output, "generated");
        ResultWriter.Write(generatedFolder, generated, workload.Features,
            Describe(request, "example", workload.Features, workload.Alphas, Enumerable.Repeat(1.0, workload.Count).ToArray(), null));
        files.Add(generatedFolder + Path.DirectorySeparatorChar);

        if (request.Plots)
            files.AddRange(DrawPlots(request.Output, x, y, grid, path, mse, choices, generated,
                k => workload.Y.AsSpan(k * workload.Samples, workload.Samples).ToArray()));
        return new ExampleOutcome(batches, choices, files);
    }

    private static BatchDescription Describe(ExampleRequest request, string command, int features, double[] alphas, double[] ratios,
        IReadOnlyList<string>? names) =>
        new(command, Commands.ModelArguments.AlgorithmRun(request.Backend, request.Options.Algorithm, features), "f64", alphas, ratios,
            new int[alphas.Length], new BatchOptions(request.Options.Tolerance, request.Options.MaxIterations, FitIntercept: true), names);

    /// <summary>The diabetes data embedded in this assembly (442 × 10, scikit-learn's scaling).</summary>
    public static (double[] X, double[] Y) LoadDiabetes()
    {
        var x = Embedded("X.npy");
        var y = Embedded("y.npy");
        return (x.ToDouble(), y.ToDouble());
    }

    /// <summary>
    /// Worst gap over the problems, relative to each problem's null loss ‖y − ȳ‖²/n: the quantity --tol bounds
    /// (invalid and cancelled problems are left out; NaN when none is left).
    /// </summary>
    public static double WorstRelativeGap(BatchResult result, Func<int, double[]> response) =>
        RelativeGaps(result, response).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();

    /// <summary>Each problem's gap over its null loss ‖y − ȳ‖²/n (NaN for invalid and cancelled problems).</summary>
    public static IEnumerable<double> RelativeGaps(BatchResult result, Func<int, double[]> response)
    {
        for (int k = 0; k < result.Problems.Count; k++)
        {
            var r = result[k];
            if (r.Status is ProblemStatus.Invalid or ProblemStatus.Cancelled)
            {
                yield return double.NaN;
                continue;
            }
            var y = response(k);
            double mean = y.Average(), loss = y.Sum(v => (v - mean) * (v - mean)) / y.Length;
            yield return loss > 0 ? r.DualityGap / loss : r.DualityGap;
        }
    }

    private static IEnumerable<string> DrawPlots(string output, double[] x, double[] y, (double r, double lambda)[] grid,
        BatchResult path, double[] mse, HoldOutChoice[] choices, BatchResult generated, Func<int, double[]> generatedResponse)
    {
        string folder = Path.Combine(output, "plots");
        int p = DiabetesFeatures.Length;
        for (int g = 0; g < L1Ratios.Length; g++)
        {
            var lambdas = grid.Skip(g * PathLength).Take(PathLength).Select(v => v.lambda).ToArray();
            var coefficients = path.Problems.Skip(g * PathLength).Take(PathLength).SelectMany(r => r.Coefficients).ToArray();
            string name = PathName(L1Ratios[g]);
            foreach (var file in Charts.Save(Charts.CoefficientPath($"Diabetes: {Describe(L1Ratios[g])} coefficient path", lambdas, coefficients, DiabetesFeatures), folder, $"path_{name}"))
                yield return file;
            var curve = mse.Skip(g * PathLength).Take(PathLength).ToArray();
            var choice = new CvChoice(choices[g].Lambda, choices[g].Lambda);
            foreach (var file in Charts.Save(Charts.CvCurve($"Diabetes: {Describe(L1Ratios[g])}, error on a held-out 20 % (one split: no error bars)",
                lambdas, curve, null, choice), folder, $"holdout_{name}"))
                yield return file;
        }

        var solved = generated.Problems.Where(r => r.Status is not (ProblemStatus.Invalid or ProblemStatus.Cancelled)).ToArray();
        foreach (var file in Charts.Save(Charts.Histogram($"Generated batch: iterations per problem ({solved.Length} problems)", "iterations",
            solved.Select(r => (double)r.Iterations), log10: false), folder, "generated_iterations"))
            yield return file;
        // The unit of the table's "worst rel. gap" and of --tol: the gap over ‖y − ȳ‖²/n.
        foreach (var file in Charts.Save(Charts.Histogram($"Generated batch: duality gap per problem ({solved.Length} problems)", "duality gap / (‖y − ȳ‖²/n)",
            RelativeGaps(generated, generatedResponse).Where(double.IsFinite), log10: true), folder, "generated_gaps"))
            yield return file;

        // ISTA vs FISTA, Lasso vs Ridge at λ = λ_max/10, where the Lasso solution is sparse: gaps per iteration and exact zeros.
        double lambda = grid[0].lambda * TraceFraction;
        var traces = new List<(string Label, IReadOnlyList<TracePoint> Points)>();
        foreach (var (penalty, ratio) in new[] { ("Lasso", 1.0), ("Ridge", 0.0) })
            foreach (var algorithm in new[] { SolverAlgorithm.Ista, SolverAlgorithm.Fista })
                traces.Add(($"{penalty}, {algorithm.ToString().ToUpperInvariant()}",
                    ConvergenceTrace.Run(ProblemBatch<double>.Single(x, p, y, ProblemSettings.ElasticNet(lambda, ratio)), algorithm, TraceIterations)));
        var gaps = traces.Select(t => new Series(t.Label, t.Points.Select(q => (double)q.Iteration).ToArray(), t.Points.Select(q => q.RelativeGap).ToArray())).ToArray();
        foreach (var file in Charts.Save(Charts.Lines($"Diabetes, λ = λ_max/10 = {lambda:G3}: duality gap per iteration", "iteration",
            "duality gap / (‖y − ȳ‖²/n)", gaps, logY: true, xFrom: 0), folder, "convergence_gap"))
            yield return file;
        var zeros = traces.Select(t => new Series(t.Label, t.Points.Select(q => (double)q.Iteration).ToArray(), t.Points.Select(q => (double)q.Nonzeros).ToArray())).ToArray();
        foreach (var file in Charts.Save(Charts.Lines($"Diabetes, λ = λ_max/10 = {lambda:G3}: exact nonzeros per iteration",
            "iteration", "nonzero coefficients", zeros, logY: false, xFrom: 0, integerY: true), folder, "convergence_nonzeros"))
            yield return file;
    }

    private static BatchResult Solve(ExampleRequest request, ProgressDisplay progress, string label, ProblemBatch<double> batch, CancellationToken cancellationToken) =>
        progress.Run(label, batch.Count, report => request.Backend.Solve(batch, request.Options, report, cancellationToken));

    private static double[] Grid(double lambdaMax) =>
        [.. Enumerable.Range(0, PathLength).Select(k => lambdaMax * Math.Pow(PathRatio, k / (double)(PathLength - 1)))];

    private static ReadOnlyMemory<double>[] Repeat(double[] y, int count) => [.. Enumerable.Repeat((ReadOnlyMemory<double>)y, count)];

    private static string PathName(double ratio) => ratio == 1 ? "lasso" : $"enet_r{ratio:0.##}";

    private static string Describe(double ratio) => ratio == 1 ? "Lasso" : $"elastic net r = {ratio:0.##}";

    /// <summary>A seeded permutation (Fisher–Yates on SplitMix64): the first 80 % train, the rest test.</summary>
    public static (int[] Train, int[] Test) Split(int n, ulong seed)
    {
        var order = Enumerable.Range(0, n).ToArray();
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)(PortableGenerator.SplitMix64(seed, n - 1 - i) % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        int trainCount = (int)Math.Round(0.8 * n);
        return (order[..trainCount], order[trainCount..]);
    }

    private static (double[] X, double[] Y) Rows(double[] x, double[] y, int p, int[] rows)
    {
        var xs = new double[rows.Length * p];
        var ys = new double[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            x.AsSpan(rows[i] * p, p).CopyTo(xs.AsSpan(i * p));
            ys[i] = y[rows[i]];
        }
        return (xs, ys);
    }

    private static double MeanSquaredError(ProblemResult result, double[] x, double[] y, int p)
    {
        double sum = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double prediction = result.Intercept;
            for (int j = 0; j < p; j++)
                prediction += x[i * p + j] * result.Coefficients[j];
            sum += (y[i] - prediction) * (y[i] - prediction);
        }
        return sum / y.Length;
    }

    private static NpyArray Embedded(string file)
    {
        string name = $"GpuSparse.Cli.Examples.diabetes.{file}";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the embedded example data {name} is missing from the build");
        return NpyReader.Read(stream, $"{file} (embedded diabetes data)");
    }
}
