using System.CommandLine;
using System.Numerics;
using GpuSparse.Cli.Input;
using GpuSparse.Cli.Output;
using GpuSparse.Model;
using GpuSparse.Backends;
using GpuSparse.Solvers;

namespace GpuSparse.Cli.Commands;

/// <summary>
/// <c>solve</c>: one batch from .npy files to <c>coef.npy</c>, <c>intercept.npy</c> and <c>result.json</c>.
/// This is the contract outside checks run; keep its options stable.
/// </summary>
internal static class SolveCommand
{
    public static Command Create()
    {
        var x = new Option<string>("--x") { Description = "X.npy: (n, p) shared by every problem, or (K, n, p)", Required = true };
        var y = new Option<string>("--y") { Description = "y.npy: (n,) or (K, n)", Required = true };
        var alpha = new Option<string>("--alpha") { Description = "λ (scikit-learn's alpha): a number or a (K,) .npy", Required = true };
        var l1Ratio = new Option<string>("--l1-ratio") { Description = "L1 ratio r in [0, 1] (1 = Lasso, 0 = Ridge): a number or a (K,) .npy", DefaultValueFactory = _ => "1" };
        var noIntercept = new Option<bool>("--no-intercept") { Description = "do not fit an intercept (X and y are not centred)" };
        var standardize = new Option<bool>("--standardize") { Description = "glmnet's standardize: penalise coefficients of columns scaled to unit 1/n variance" };
        var positive = new Option<bool>("--positive") { Description = "constrain coefficients to be ≥ 0" };
        var tol = new Option<double>("--tol") { Description = "stop when the duality gap ≤ tol·‖y − ȳ‖²/n (scikit-learn's rule)", DefaultValueFactory = _ => 1e-4 };
        var maxIter = new Option<int>("--max-iter") { Description = "iteration limit per problem", DefaultValueFactory = _ => 10_000 };
        var precision = new Option<string>("--precision") { Description = "f64 or f32", DefaultValueFactory = _ => "f64" };
        precision.AcceptOnlyFromAmong("f64", "f32");
        var algorithm = new Option<string>("--algorithm") { Description = "fista or ista", DefaultValueFactory = _ => "fista" };
        algorithm.AcceptOnlyFromAmong("fista", "ista");
        var backend = new Option<string>("--backend") { Description = "reference, cpu (ILGPU's CPU accelerator), cuda, or auto (CUDA when present, else the fastest CPU path)", DefaultValueFactory = _ => "auto" };
        backend.AcceptOnlyFromAmong("auto", "reference", "cpu", "cuda");
        var output = new Option<string>("--out") { Description = "output folder for coef.npy, intercept.npy and result.json", Required = true };

        var command = new Command("solve",
            "Solve a batch of problems from .npy files.\n\n" +
            "Example:\n  gpusparse solve --x X.npy --y y.npy --alpha 0.1 --l1-ratio 0.5 --out results/")
        {
            x, y, alpha, l1Ratio, noIntercept, standardize, positive, tol, maxIter, precision, algorithm, backend, output,
        };
        command.SetAction(parse =>
        {
            var request = new SolveRequest(
                parse.GetValue(x)!, parse.GetValue(y)!, parse.GetValue(alpha)!, parse.GetValue(l1Ratio)!,
                !parse.GetValue(noIntercept), parse.GetValue(standardize), parse.GetValue(positive),
                new SolverOptions
                {
                    Tolerance = parse.GetValue(tol),
                    MaxIterations = parse.GetValue(maxIter),
                    Algorithm = parse.GetValue(algorithm) == "ista" ? SolverAlgorithm.Ista : SolverAlgorithm.Fista,
                },
                parse.GetValue(precision)!, parse.GetValue(output)!, Enum.Parse<BackendKind>(parse.GetValue(backend)!, ignoreCase: true));
            return Run(request, Console.Out, Console.Error);
        });
        return command;
    }

    /// <summary>Everything a <c>solve</c> call asks for.</summary>
    internal sealed record SolveRequest(string X, string Y, string Alpha, string L1Ratio, bool FitIntercept,
        bool Standardize, bool Positive, SolverOptions Options, string Precision, string Output, BackendKind Backend = BackendKind.Auto);

    internal static int Run(SolveRequest request, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            request.Options.Validate();
            var files = ProblemFiles.Load(request.X, request.Y, request.Alpha, request.L1Ratio);
            var result = request.Precision == "f32" ? Solve<float>(files, request) : Solve<double>(files, request);
            ResultWriter.Write(request.Output, result, files.Features, request.Precision,
                new { request.Options.Algorithm, request.Options.Tolerance, request.Options.MaxIterations, request.FitIntercept, request.Standardize, request.Positive });
            int failed = 0;
            foreach (var problem in result.Problems.Where(r => r.Status is ProblemStatus.Invalid or ProblemStatus.Diverged))
            {
                failed++;
                string source = problem.Field is { } field ? files.SourceOf(field, request.Alpha, request.L1Ratio) + ": " : "";
                stderr.WriteLine($"error: {source}{problem.Message}");
            }
            int unconverged = result.CountWith(ProblemStatus.MaxIterations);
            if (unconverged > 0)
                stderr.WriteLine($"warning: {unconverged} problem(s) hit --max-iter {request.Options.MaxIterations} before the gap reached --tol; their best iterates and gaps are in result.json");
            stdout.WriteLine($"solved {result.Problems.Count - failed} of {result.Problems.Count} problems " +
                $"({result.CountWith(ProblemStatus.Converged)} converged) on {result.Backend} in {result.Elapsed.TotalSeconds:F3} s; " +
                $"results in {request.Output}");
            return failed > 0 ? ExitCodes.SomeProblemsFailed : ExitCodes.Success;
        }
        catch (InputException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (ProblemValidationException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (NotSupportedException e)
        {
            stderr.WriteLine($"error: --backend {request.Backend.ToString().ToLowerInvariant()}: {e.Message}; run `gpusparse solve --backend auto` or `--backend reference`");
            return ExitCodes.BadInput;
        }
        catch (ArgumentOutOfRangeException e)
        {
            stderr.WriteLine($"error: option {e.ParamName}: {e.Message}");
            return ExitCodes.BadInput;
        }
    }

    private static BatchResult Solve<T>(ProblemFiles files, SolveRequest request) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var batch = files.ToBatch<T>(k => new ProblemSettings
        {
            Lambda = files.Alphas[k],
            L1Ratio = files.L1Ratios[k],
            FitIntercept = request.FitIntercept,
            Standardize = request.Standardize,
            Positive = request.Positive,
        });
        using var backend = Backend.Create(request.Backend);
        return backend.Solve(batch, request.Options);
    }
}
