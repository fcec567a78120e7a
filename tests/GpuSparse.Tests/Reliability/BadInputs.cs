using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using GpuSparse.Backends;
using GpuSparse.Data;
using GpuSparse.Model;
using Xunit;

namespace GpuSparse.Tests.Reliability;

/// <summary>How a bad input was reported: as Invalid results or as an exception, which problems, which field, the message.</summary>
public sealed record BadInputOutcome(string ReportedAs, string Problems, string Field, string Message);

/// <summary>
/// One kind of bad input: a batch (or a call) with the fault, and how it must be reported. The list
/// <see cref="BadInputs.All"/> drives both the per-backend tests and the table in BAD_INPUTS.md.
/// </summary>
public sealed record BadInput(string Description, Func<ISolverBackend, BatchResult> Solve, string ReportedAs, string Problems, string Field)
{
    /// <summary>Runs the input on <paramref name="backend"/> and records how it was reported.</summary>
    public BadInputOutcome Run(ISolverBackend backend)
    {
        try
        {
            var result = Solve(backend);
            var invalid = Enumerable.Range(0, result.Problems.Count).Where(k => result[k].Status == ProblemStatus.Invalid).ToArray();
            // Every problem that is not reported invalid must have been solved to finite numbers.
            foreach (var valid in result.Problems.Where(r => r.Status != ProblemStatus.Invalid))
                Assert.True(valid.Coefficients.All(double.IsFinite) && double.IsFinite(valid.Intercept), $"{Description}: a valid problem has non-finite output");
            return invalid.Length == 0
                ? new BadInputOutcome("solved", "", "", "")
                : new BadInputOutcome(BadInputs.InvalidResult, string.Join(", ", invalid), result[invalid[0]].Field ?? "", result[invalid[0]].Message ?? "");
        }
        catch (ProblemValidationException e)
        {
            return new BadInputOutcome(nameof(ProblemValidationException), e.ProblemIndex?.ToString() ?? BadInputs.Batch, e.Field, e.Message);
        }
        catch (ArgumentException e)
        {
            return new BadInputOutcome(e.GetType().Name, BadInputs.Batch, e.ParamName ?? "", e.Message);
        }
    }

    /// <summary>Asserts that <paramref name="backend"/> reports this input as declared, naming the problem and field.</summary>
    public void Check(ISolverBackend backend)
    {
        var outcome = Run(backend);
        Assert.Equal((ReportedAs, Problems, Field), (outcome.ReportedAs, outcome.Problems, outcome.Field));
        if (ReportedAs is BadInputs.InvalidResult or nameof(ProblemValidationException) && Problems != BadInputs.Batch)
            Assert.Contains($"problem {Problems.Split(',')[0]}, field '{Field}'", outcome.Message);
    }
}

/// <summary>
/// The catalogue of bad inputs. Unless stated, a batch of K = 3 problems (n = 12, p = 4) with the fault in
/// problem 1 only: the other two must be solved as usual.
/// </summary>
public static class BadInputs
{
    /// <summary>The <see cref="BadInput.ReportedAs"/> of faults reported per problem.</summary>
    public const string InvalidResult = "Invalid result";

    /// <summary>The <see cref="BadInput.Problems"/> of faults of the whole batch or call.</summary>
    public const string Batch = "batch";

    private const int Count = 3, Samples = 12, Features = 4;
    private static readonly SolverOptions Options = new();

    /// <summary>Every bad input, in table order.</summary>
    public static IReadOnlyList<BadInput> All { get; } =
    [
        // Non-finite values.
        new("NaN in X (design per problem)", PerProblem<double>(q => q.X[1][5] = double.NaN), InvalidResult, "1", "X"),
        new("+Inf in X (design per problem)", PerProblem<double>(q => q.X[1][0] = double.PositiveInfinity), InvalidResult, "1", "X"),
        new("−Inf in X (float32)", PerProblem<float>(q => q.X[1][47] = float.NegativeInfinity), InvalidResult, "1", "X"),
        new("NaN in a shared X: every problem", Shared<double>(q => q.X[0][2] = double.NaN), InvalidResult, "0, 1, 2", "X"),
        new("NaN in y", PerProblem<double>(q => q.Y[1][3] = double.NaN), InvalidResult, "1", "y"),
        new("+Inf in y (shared X)", Shared<double>(q => q.Y[1][0] = double.PositiveInfinity), InvalidResult, "1", "y"),
        new("−Inf in y (float32)", PerProblem<float>(q => q.Y[1][11] = float.NegativeInfinity), InvalidResult, "1", "y"),
        new("λ = NaN", Settings(s => s with { Lambda = double.NaN }), InvalidResult, "1", "lambda"),
        new("λ = +Inf", Settings(s => s with { Lambda = double.PositiveInfinity }), InvalidResult, "1", "lambda"),
        new("penalty factor NaN", Settings(s => s with { PenaltyFactors = [1, double.NaN, 1, 1] }), InvalidResult, "1", "penalty_factors"),
        new("penalty factor +Inf", Settings(s => s with { PenaltyFactors = [1, 1, double.PositiveInfinity, 1] }), InvalidResult, "1", "penalty_factors"),
        new("warm start NaN", Settings(s => s with { WarmStart = [0, 0, 0, double.NaN] }), InvalidResult, "1", "warm_start"),
        new("warm start −Inf", Settings(s => s with { WarmStart = [double.NegativeInfinity, 0, 0, 0] }), InvalidResult, "1", "warm_start"),
        // Out of range.
        new("λ < 0", Settings(s => s with { Lambda = -0.1 }), InvalidResult, "1", "lambda"),
        new("penalty factor < 0", Settings(s => s with { PenaltyFactors = [1, 1, -1, 1] }), InvalidResult, "1", "penalty_factors"),
        new("l1_ratio > 1", Settings(s => s with { L1Ratio = 1.5 }), InvalidResult, "1", "l1_ratio"),
        new("l1_ratio < 0", Settings(s => s with { L1Ratio = -0.1 }), InvalidResult, "1", "l1_ratio"),
        new("l1_ratio NaN", Settings(s => s with { L1Ratio = double.NaN }), InvalidResult, "1", "l1_ratio"),
        // Shapes.
        new("y length ≠ n", PerProblem<double>(q => q.Y[1] = q.Y[1][..^1]), InvalidResult, "1", "y"),
        new("y empty (shared X)", Shared<double>(q => q.Y[1] = []), InvalidResult, "1", "y"),
        new("X length not a multiple of p", PerProblem<double>(q => q.X[1] = q.X[1][..^1]), InvalidResult, "1", "X"),
        new("shared X length not a multiple of p: every problem", Shared<double>(q => q.X[0] = q.X[0][..^3]), InvalidResult, "0, 1, 2", "X"),
        new("penalty factors length ≠ p", Settings(s => s with { PenaltyFactors = [1, 1, 1] }), InvalidResult, "1", "penalty_factors"),
        new("warm start length ≠ p", Settings(s => s with { WarmStart = [0, 0, 0, 0, 0] }), InvalidResult, "1", "warm_start"),
        new("n = 0 (one empty design)", PerProblem<double>(q => (q.X[1], q.Y[1]) = ([], [])), InvalidResult, "1", "X"),
        new("n = 0 (empty shared X): every problem", Shared<double>(q => (q.X[0], q.Y[0], q.Y[1], q.Y[2]) = ([], [], [], [])), InvalidResult, "0, 1, 2", "X"),
        new("p = 0", Call(() => ProblemBatch<double>.WithDesignPerProblem([new double[12]], 0, [new double[12]], [ProblemSettings.Lasso(0.1)])), nameof(ProblemValidationException), Batch, "X"),
        new("p < 0 (contiguous shared X)", Call(() => ProblemBatch<double>.WithSharedDesign(new double[12], -4, new double[12], [ProblemSettings.Lasso(0.1)])), nameof(ProblemValidationException), Batch, "X"),
        new("K = 0", Call(() => ProblemBatch<double>.WithSharedDesign(new double[12], 4, Array.Empty<ReadOnlyMemory<double>>(), [])), nameof(ProblemValidationException), Batch, "settings"),
        new("K of y (2) ≠ K of settings (3)", Call(() => ProblemBatch<double>.WithSharedDesign(new double[48], 4, [new double[12], new double[12]], Enumerable.Repeat(ProblemSettings.Lasso(0.1), 3).ToArray())), nameof(ProblemValidationException), Batch, "y"),
        new("K of X (2) ≠ K of settings (3)", Call(() => ProblemBatch<double>.WithDesignPerProblem([new double[48], new double[48]], 4, Enumerable.Repeat((ReadOnlyMemory<double>)new double[12], 3).ToArray(), Enumerable.Repeat(ProblemSettings.Lasso(0.1), 3).ToArray())), nameof(ProblemValidationException), Batch, "X"),
        new("contiguous K × n × p X block of the wrong length", Call(() => ProblemBatch<double>.WithDesignPerProblem(new double[3 * 12 * 4 - 1], 12, 4, new double[36], Enumerable.Repeat(ProblemSettings.Lasso(0.1), 3).ToArray())), nameof(ProblemValidationException), Batch, "X"),
        new("contiguous K × n y block of the wrong length", Call(() => ProblemBatch<double>.WithSharedDesign(new double[48], 4, new double[35], Enumerable.Repeat(ProblemSettings.Lasso(0.1), 3).ToArray())), nameof(ProblemValidationException), Batch, "y"),
        // Non-unique solutions.
        new("every penalty factor 0 with p > n", PerProblem<double>(q => q.Settings[1] = q.Settings[1] with { PenaltyFactors = new double[6] }, samples: 5, features: 6), InvalidResult, "1", "penalty_factors"),
        new("every penalty factor 0, positive, p > n", PerProblem<double>(q => q.Settings[1] = q.Settings[1] with { PenaltyFactors = new double[6], Positive = true }, samples: 5, features: 6), InvalidResult, "1", "penalty_factors"),
        new("λ = 0 with p > n", PerProblem<double>(q => q.Settings[1] = q.Settings[1] with { Lambda = 0 }, samples: 5, features: 6), InvalidResult, "1", "lambda"),
        new("λ = 0, n = 1 with an intercept", PerProblem<double>(q => q.Settings[1] = q.Settings[1] with { Lambda = 0 }, samples: 1, features: 1), InvalidResult, "1", "lambda"),
        // Overflow of the working precision.
        new("float32 X values whose squares overflow", PerProblem<float>(q => q.X[1][6] = 1e20f), InvalidResult, "1", "X"),
        new("float32 y values whose squares overflow", PerProblem<float>(q => q.Y[1][6] = -1e20f), InvalidResult, "1", "y"),
        new("float32 λ beyond the float32 range", PerProblem<float>(q => q.Settings[1] = q.Settings[1] with { Lambda = 1e39 }), InvalidResult, "1", "lambda"),
        new("float32 λ·w beyond the float32 range", PerProblem<float>(q => q.Settings[1] = q.Settings[1] with { Lambda = 1e30, PenaltyFactors = [1, 1e10, 1, 1] }), InvalidResult, "1", "penalty_factors"),
        new("float64 λ·w overflows to +Inf", Settings(s => s with { Lambda = 1e300, PenaltyFactors = [1, 1, 1, 1e10] }), InvalidResult, "1", "penalty_factors"),
        new("float32 warm start beyond the float32 range", PerProblem<float>(q => q.Settings[1] = q.Settings[1] with { WarmStart = [0, -1e39, 0, 0] }), InvalidResult, "1", "warm_start"),
        // Null arguments and options.
        new("null settings of one problem", PerProblem<double>(q => q.Settings[1] = null!), nameof(ProblemValidationException), "1", "settings"),
        new("null list of settings", Call(() => ProblemBatch<double>.WithSharedDesign(new double[48], 4, new double[12], null!)), nameof(ArgumentNullException), Batch, "settings"),
        new("null list of responses", Call(() => ProblemBatch<double>.WithSharedDesign(new double[48], 4, (IReadOnlyList<ReadOnlyMemory<double>>)null!, [ProblemSettings.Lasso(0.1)])), nameof(ArgumentNullException), Batch, "responses"),
        new("null batch", b => b.Solve<double>(null!, Options), nameof(ArgumentNullException), Batch, "batch"),
        new("null solver options", b => b.Solve(Build<double>(q => { }), null!), nameof(ArgumentNullException), Batch, "options"),
        new("tolerance NaN", b => b.Solve(Build<double>(q => { }), new SolverOptions { Tolerance = double.NaN }), nameof(ArgumentOutOfRangeException), Batch, "Tolerance"),
        new("tolerance < 0", b => b.Solve(Build<double>(q => { }), new SolverOptions { Tolerance = -1e-4 }), nameof(ArgumentOutOfRangeException), Batch, "Tolerance"),
        new("max iterations < 0", b => b.Solve(Build<double>(q => { }), new SolverOptions { MaxIterations = -1 }), nameof(ArgumentOutOfRangeException), Batch, "MaxIterations"),
        new("check interval 0", b => b.Solve(Build<double>(q => { }), new SolverOptions { CheckInterval = 0 }), nameof(ArgumentOutOfRangeException), Batch, "CheckInterval"),
    ];

    /// <summary>The markdown table of every bad input and how <paramref name="backend"/> reports it.</summary>
    public static string Table(ISolverBackend backend)
    {
        var text = new StringBuilder();
        text.Append("# Bad inputs and the errors they get\n\n")
            .Append("Generated from `BadInputs.All` (BadInputs.cs) on the reference backend; `BadInputTableTests` fails when this file\n")
            .Append("and the cases drift apart (regenerate with `GPUSPARSE_UPDATE_TABLES=1 dotnet test tests/GpuSparse.Tests -c Release --filter BadInputTable`).\n")
            .Append("Every backend must report each case the same way (`ReliabilitySuite.EveryBadInputIsReportedPrecisely`).\n")
            .Append("Unless stated, a batch of K = 3 problems (n = 12, p = 4, float64) with the fault in problem 1 only; the other problems are solved.\n\n")
            .Append("| # | bad input | reported as | problem(s) | field | message |\n")
            .Append("|---|---|---|---|---|---|\n");
        for (int i = 0; i < All.Count; i++)
        {
            var outcome = All[i].Run(backend);
            text.Append($"| {i + 1} | {Cell(All[i].Description)} | {outcome.ReportedAs} | {outcome.Problems} | `{outcome.Field}` | {Cell(outcome.Message)} |\n");
        }
        return text.ToString();
    }

    /// <summary>The path of the committed table, next to this source file.</summary>
    public static string TablePath([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "BAD_INPUTS.md");

    private static string Cell(string text) => text.Replace("|", "\\|").Replace("\r", "").Replace("\n", " ");

    /// <summary>The problems of a batch as mutable parts, so that a case can break one of them.</summary>
    private sealed class Parts<T>
    {
        public required List<T[]> X { get; init; }

        public required List<T[]> Y { get; init; }

        public required ProblemSettings[] Settings { get; init; }

        public required int Features { get; init; }
    }

    private static Parts<T> Clean<T>(int samples, int features) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var problems = Enumerable.Range(0, Count).Select(k => PortableGenerator.Problem(samples, features, 40 + (ulong)k)).ToArray();
        return new Parts<T>
        {
            X = [.. problems.Select(q => q.X.Select(T.CreateTruncating).ToArray())],
            Y = [.. problems.Select(q => q.Y.Select(T.CreateTruncating).ToArray())],
            Settings = [.. Enumerable.Range(0, Count).Select(_ => ProblemSettings.ElasticNet(0.05, 0.7))],
            Features = features,
        };
    }

    private static ProblemBatch<T> Build<T>(Action<Parts<T>> poison, int samples = Samples, int features = Features)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var q = Clean<T>(samples, features);
        poison(q);
        return ProblemBatch<T>.WithDesignPerProblem([.. q.X.Select(x => (ReadOnlyMemory<T>)x)], q.Features,
            [.. q.Y.Select(y => (ReadOnlyMemory<T>)y)], q.Settings);
    }

    private static Func<ISolverBackend, BatchResult> PerProblem<T>(Action<Parts<T>> poison, int samples = Samples, int features = Features)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        backend => backend.Solve(Build(poison, samples, features), Options);

    /// <summary>Problem 0's X shared by the three problems, each with its own y.</summary>
    private static Func<ISolverBackend, BatchResult> Shared<T>(Action<Parts<T>> poison) where T : unmanaged, IFloatingPointIeee754<T> =>
        backend =>
        {
            var q = Clean<T>(Samples, Features);
            poison(q);
            return backend.Solve(ProblemBatch<T>.WithSharedDesign(q.X[0], q.Features, [.. q.Y.Select(y => (ReadOnlyMemory<T>)y)], q.Settings), Options);
        };

    private static Func<ISolverBackend, BatchResult> Settings(Func<ProblemSettings, ProblemSettings> poison) =>
        PerProblem<double>(q => q.Settings[1] = poison(q.Settings[1]));

    private static Func<ISolverBackend, BatchResult> Call(Func<ProblemBatch<double>> build) =>
        backend => backend.Solve(build(), Options);
}
