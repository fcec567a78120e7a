using System.CommandLine;
using System.Diagnostics;
using GpuSparse.Cli.Output;
using GpuSparse.Sweeps;

namespace GpuSparse.Cli.Commands;

/// <summary><c>path</c>: regularization paths of every target × L1 ratio, warm-started, with screening.</summary>
internal static class PathCommand
{
    public static Command Create()
    {
        var arguments = new SweepArguments();
        var command = new Command("path",
            "Solve the λ path of every target and L1 ratio (warm starts, strong-rule screening).\n" +
            "Writes alphas.npy, coefs.npy (L, p) or (T, R, L, p), intercepts.npy, gaps.npy, iterations.npy, result.json.\n\n" +
            "Example:\n  gpusparse path --x X.npy --y y.npy --l1-ratio 1,0.5 --grid sklearn --tol 1e-8 --out path/");
        arguments.AddTo(command);
        command.SetAction(parse =>
        {
            var (stdout, stderr) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            return SweepInput.Guard(stderr, () => Run(arguments.Read(parse), stdout, stderr));
        });
        return command;
    }

    internal static int Run(SweepInput input, TextWriter stdout, TextWriter stderr)
    {
        var clock = Stopwatch.StartNew();
        using var backend = SolverBackends.CreateForSweeps(input.Backend);
        var result = PathSolver.Solve<double>(backend, input.X, input.Features, input.Targets, input.Options);
        SweepWriter.WritePaths(input, result, result.Paths);
        SweepWriter.WriteSummary(input, result, new { Backend = backend.Name, ElapsedSeconds = clock.Elapsed.TotalSeconds });
        return SweepWriter.Report(result, stdout, stderr, "path", input.Output);
    }
}
