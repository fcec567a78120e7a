using System.CommandLine;
using System.Numerics;
using GpuSparse.Cli.Input;
using GpuSparse.Cli.Output;
using GpuSparse.Backends;
using GpuSparse.Model;
using GpuSparse.Cli.Progress;
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
        var x = new Option<string>("--x") { Description = "X: .npy (n, p) shared by every problem or (K, n, p); or a CSV with a header row", Required = true };
        var y = new Option<string>("--y") { Description = "y: .npy (n,) or (K, n); or a CSV whose K columns are K responses" };
        var target = new Option<string>("--target") { Description = "the column of the --x CSV that is y (the other columns are X)" };
        var alpha = new Option<string>("--alpha") { Description = "λ (scikit-learn's alpha): a number or a (K,) .npy", Required = true };
        var l1Ratio = new Option<string>("--l1-ratio") { Description = "L1 ratio r in [0, 1] (1 = Lasso, 0 = Ridge): a number or a (K,) .npy", DefaultValueFactory = _ => "1" };
        var noIntercept = new Option<bool>("--no-intercept") { Description = "do not fit an intercept (X and y are not centred)" };
        var standardize = new Option<bool>("--standardize") { Description = "glmnet's standardize: penalise coefficients of columns scaled to unit 1/n variance" };
        var positive = new Option<bool>("--positive") { Description = "constrain coefficients to be ≥ 0" };
        var tol = CommonOptions.Tolerance();
        var maxIter = CommonOptions.MaxIterations();
        var precision = CommonOptions.Precision();
        var algorithm = CommonOptions.Algorithm();
        var backend = CommonOptions.Backend();
        var output = CommonOptions.Out("output folder for coef.npy, coef.csv, intercept.npy and result.json");

        var command = new Command("solve",
            "Solve a batch of problems from .npy or CSV files.\n\n" +
            "Examples:\n" +
            "  gpusparse solve --x X.npy --y y.npy --alpha 0.1 --l1-ratio 0.5 --out results/\n" +
            "  gpusparse solve --x data.csv --target progression --alpha 0.1 --out results/\n" +
            "  gpusparse solve --x X.csv --y y.csv --alpha alphas.npy --out results/")
        {
            x, y, target, alpha, l1Ratio, noIntercept, standardize, positive, tol, maxIter, precision, algorithm, backend, output,
        };
        command.SetAction(parse =>
        {
            var request = new SolveRequest(
                parse.GetValue(x)!, parse.GetValue(y), parse.GetValue(alpha)!, parse.GetValue(l1Ratio)!,
                !parse.GetValue(noIntercept), parse.GetValue(standardize), parse.GetValue(positive),
                new SolverOptions
                {
                    Tolerance = parse.GetValue(tol),
                    MaxIterations = parse.GetValue(maxIter),
                    Algorithm = CommonOptions.ParseAlgorithm(parse.GetValue(algorithm)!),
                },
                parse.GetValue(precision)!, parse.GetValue(output)!, parse.GetValue(target), parse.GetValue(backend)!);
            return Run(request, Console.Out, Console.Error);
        });
        return command;
    }

    /// <summary>Everything a <c>solve</c> call asks for.</summary>
    internal sealed record SolveRequest(string X, string? Y, string Alpha, string L1Ratio, bool FitIntercept,
        bool Standardize, bool Positive, SolverOptions Options, string Precision, string Output, string? Target = null, string Backend = "auto");

    internal static int Run(SolveRequest request, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            request.Options.Validate();
            var files = ProblemFiles.Load(request.X, request.Y, request.Alpha, request.L1Ratio, request.Target);
            using var backend = SolverBackends.Create(request.Backend);
            using var interrupt = new CancelOnCtrlC(stderr);
            var progress = ProgressDisplay.For(stderr);
            var result = request.Precision == "f32"
                ? Solve<float>(files, request, backend, progress, interrupt.Token)
                : Solve<double>(files, request, backend, progress, interrupt.Token);
            ResultWriter.Write(request.Output, result, files.Features, request.Precision,
                new { request.Options.Algorithm, request.Options.Tolerance, request.Options.MaxIterations, request.FitIntercept, request.Standardize, request.Positive },
                files.FeatureNames);
            int failed = 0;
            foreach (var problem in result.Problems.Where(r => r.Status is ProblemStatus.Invalid or ProblemStatus.Diverged))
            {
                failed++;
                string source = problem.Field is { } field ? files.SourceOf(field, request.Alpha, request.L1Ratio) + ": " : "";
                stderr.WriteLine($"error: {source}{problem.Message}");
            }
            int cancelled = result.CountWith(ProblemStatus.Cancelled);
            if (cancelled > 0)
                stderr.WriteLine($"cancelled: {cancelled} problem(s) did not finish (status 'cancelled' in result.json); the rest are written to {request.Output}");
            int unconverged = result.CountWith(ProblemStatus.MaxIterations);
            if (unconverged > 0)
                stderr.WriteLine($"warning: {unconverged} problem(s) hit --max-iter {request.Options.MaxIterations} before the gap reached --tol; their best iterates and gaps are in result.json");
            stdout.WriteLine($"solved {result.Problems.Count - failed} of {result.Problems.Count} problems " +
                $"({result.CountWith(ProblemStatus.Converged)} converged) on {result.Backend} in {result.Elapsed.TotalSeconds:F3} s; " +
                $"results in {request.Output}");
            return failed + cancelled > 0 ? ExitCodes.SomeProblemsFailed : ExitCodes.Success;
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
        catch (ArgumentOutOfRangeException e)
        {
            stderr.WriteLine($"error: option {e.ParamName}: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (DeviceOutOfMemoryException e)
        {
            // nothing was solved: the problems are too large for the device, as an input the device cannot take
            stderr.WriteLine($"error: --backend {request.Backend}: {e.Message}");
            return ExitCodes.BadInput;
        }
    }

    private static BatchResult Solve<T>(ProblemFiles files, SolveRequest request, ISolverBackend backend, ProgressDisplay progress,
        CancellationToken cancellationToken) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var batch = files.ToBatch<T>(k => new ProblemSettings
        {
            Lambda = files.Alphas[k],
            L1Ratio = files.L1Ratios[k],
            FitIntercept = request.FitIntercept,
            Standardize = request.Standardize,
            Positive = request.Positive,
        });
        return progress.Run($"solving {files.Count} problems", files.Count,
            report => backend.Solve(batch, request.Options, report, cancellationToken));
    }
}
