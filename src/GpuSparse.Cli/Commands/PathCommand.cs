using System.CommandLine;
using System.Diagnostics;
using System.Numerics;
using GpuSparse.Cli.Output;
using GpuSparse.Cli.Progress;
using GpuSparse.Cli.Sharding;
using GpuSparse.Model;
using GpuSparse.Sweeps;

namespace GpuSparse.Cli.Commands;

/// <summary>
/// <c>path</c>: regularization paths of every target × L1 ratio, warm-started, with screening; with <c>--shard I/N</c>
/// those of a share of the targets (<see cref="SweepShards"/>).
/// </summary>
internal static class PathCommand
{
    public static Command Create()
    {
        var arguments = new SweepArguments("output folder for the paths");
        var command = new Command("path",
            "Solve the λ path of every target and L1 ratio (warm starts, strong-rule screening).\n" +
            "Writes alphas.npy (L,) or (T, R, L), coefs.npy (L, p) or (T, R, L, p), intercepts.npy, gaps.npy,\n" +
            "iterations.npy (int32) and result.json; T and R are left out where 1. Prints one row per path.\n\n" +
            "Examples:\n" +
            "  gpusparse path --x X.npy --y y.npy --l1-ratio 1,0.5 --grid sklearn --tol 1e-8 --out path/\n" +
            "  gpusparse path --x data.csv --target progression --n-alphas 50 --eps 1e-3 --out path/\n" +
            "  gpusparse path --x X.npy --y Y.npy --shard 0/4 --out shards/0   (then gpusparse merge shards/* --out path/)");
        arguments.AddTo(command);
        command.SetAction(parse =>
        {
            var (stdout, stderr) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            return CommandFailures.Run(stderr, () => Run(arguments.Read(parse), stdout, stderr));
        });
        return command;
    }

    internal static int Run(SweepRequest request, TextWriter stdout, TextWriter stderr)
    {
        if (request.Shard is not null)
            SweepShards.Backend(request, "path");
        using var output = ResultFolder.Prepare(request.Output, request.Overwrite, request.X, request.Y, request.LambdasPath);
        var input = request.Load();
        var manifest = request.Shard is null ? null : SweepShards.Manifest(input, "path", new Dictionary<string, string>(), []);
        var clock = Stopwatch.StartNew();
        using var backend = SolverBackends.CreateForSweeps(request.Backend);
        var progress = ProgressDisplay.For(stderr);
        using var interrupt = new CancelOnCtrlC(progress.Notice);
        var result = progress.Run($"path: {input.Targets * input.Options.L1Ratios.Length} path(s)", "λ steps", steps => request.Precision == "f32"
            ? Solve<float>(backend, input, steps, interrupt.Token)
            : Solve<double>(backend, input, steps, interrupt.Token));
        if (manifest is not null)
            SweepShards.CheckWalkedAlone(result, input, "path");
        output.Commit(() =>
        {
            manifest?.Write(output.Staging);
            SweepWriter.WritePaths(output.Staging, input, result, result.Paths);
            SweepWriter.WriteSummary(output.Staging, "path", input, result, result.Paths, backend.Name,
                ModelArguments.AlgorithmRun(backend, input.Options.Path.Solver.Algorithm, input.Features), clock.Elapsed.TotalSeconds);
        });
        Rows(input, result).Write(stdout, request.Format);
        return SweepWriter.Report(result, stdout, stderr, request.Format, "path", request.Output);
    }

    private static PathResult Solve<T>(Backends.ISolverBackend backend, SweepInput input, IProgress<Model.SolveProgress> steps,
        CancellationToken cancellationToken) where T : unmanaged, IFloatingPointIeee754<T> =>
        PathSolver.Solve<T>(backend, input.Design<T>(), input.Features, input.Responses<T>(), input.Options, cancellationToken, steps);

    /// <summary>
    /// One row per path: its target and ratio, its λ range, how many steps converged, the sparsity at its end, and its
    /// largest gap over ‖y − ȳ‖²/n (‖y‖²/n without an intercept), the unit --tol bounds.
    /// </summary>
    private static Report Rows(SweepInput input, PathResult result)
    {
        var report = new Report(new ReportColumn("target"), new ReportColumn("l1_ratio"), new ReportColumn("lambda_max", "G4"),
            new ReportColumn("lambda_last", "G4"), new ReportColumn("steps"), new ReportColumn("converged"), new ReportColumn("cancelled"),
            new ReportColumn("nonzeros_last"), new ReportColumn("max_rel_gap", "0.0E+00"));
        int ratios = input.Options.L1Ratios.Length, steps = result.Steps;
        var nullLoss = input.Responses<double>().Select(y =>
        {
            var values = y.Span;
            double mean = 0, sum = 0;
            if (input.Options.Path.FitIntercept)
                foreach (double v in values)
                    mean += v / values.Length;
            foreach (double v in values)
                sum += (v - mean) * (v - mean);
            return sum / values.Length;
        }).ToArray();
        for (int k = 0; k < result.Paths; k++)
        {
            var statuses = result.Statuses.AsSpan(k * steps, steps);
            int last = steps - 1;
            while (last > 0 && statuses[last] == ProblemStatus.Cancelled)
                last--;
            double maxGap = double.NaN;
            for (int i = 0; i < steps; i++)
                if (statuses[i] != ProblemStatus.Cancelled && !(result.DualityGaps[k * steps + i] <= maxGap))
                    maxGap = result.DualityGaps[k * steps + i];
            int nonzeros = 0;
            foreach (double c in result.Coefficient(k, last))
                nonzeros += c != 0 && !double.IsNaN(c) ? 1 : 0;
            double scale = nullLoss[k / ratios];
            report.Add(input.TargetName(k / ratios), input.Options.L1Ratios[k % ratios], result.Lambdas[k * steps], result.Lambdas[k * steps + last],
                steps, statuses.Count(ProblemStatus.Converged), statuses.Count(ProblemStatus.Cancelled), nonzeros, scale > 0 ? maxGap / scale : maxGap);
        }
        return report;
    }
}
