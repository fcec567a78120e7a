using System.Diagnostics;
using GpuSparse.Backends;
using GpuSparse.Data;
using GpuSparse.Model;

namespace GpuSparse.Benchmarks;

/// <summary>
/// Peak resident memory of one batch solve, measured in a fresh process (BenchmarkDotNet's memory diagnoser counts
/// allocations, not pages held): <c>peak-rss BACKEND K [n p]</c> generates K portable-generator Lasso problems of
/// n × p (default 64 × 32) in float64 straight into the arrays the batch reads, then prints one Markdown row with
/// the input size, the resident set before the solve and the peak (VmHWM of /proc/self/status) after it.
/// <c>benchmarks/peak_rss.sh</c> runs it once per backend.
/// </summary>
internal static class PeakMemory
{
    public static int Run(string[] args)
    {
        if (args.Length is not (3 or 5))
        {
            Console.Error.WriteLine("usage: peak-rss cd|reference|cpu K [n p]");
            return 2;
        }
        string backendName = args[1];
        int count = int.Parse(args[2]);
        int n = args.Length == 5 ? int.Parse(args[3]) : 64, p = args.Length == 5 ? int.Parse(args[4]) : 32;
        ISolverBackend backend = backendName switch
        {
            "cd" => new CoordinateDescentBackend(),
            "reference" => new ReferenceBackend(),
            "cpu" => IlgpuBackend.CreateCpu(),
            _ => throw new ArgumentException($"peak-rss measures cd, reference or cpu, not '{backendName}'"),
        };
        var data = PortableGenerator.Batch(count, n, p);
        var batch = ProblemBatch<double>.WithDesignPerProblem(data.X, n, p, data.Y,
            [.. data.Alphas.Select(a => ProblemSettings.Lasso(a))]);
        long inputBytes = 8L * (data.X.Length + data.Y.Length);
        // Results: K coefficient vectors of p doubles (the intercepts and statuses add a few bytes per problem).
        long resultBytes = 8L * count * p;
        long before = StatusKiB("VmRSS");
        var clock = Stopwatch.StartNew();
        // GPUSPARSE_PEAK_MAX_SWEEPS caps the iterations: the memory held does not depend on them, and the ILGPU CPU
        // accelerator emulates every device thread (a full solve of K = 100,000 takes about an hour there).
        var options = Environment.GetEnvironmentVariable("GPUSPARSE_PEAK_MAX_SWEEPS") is { } cap
            ? new SolverOptions { Tolerance = 1e-8, MaxIterations = int.Parse(cap, System.Globalization.CultureInfo.InvariantCulture) }
            : new SolverOptions { Tolerance = 1e-8 };
        var result = backend.Solve(batch, options);
        clock.Stop();
        long peak = StatusKiB("VmHWM");
        int converged = result.CountWith(ProblemStatus.Converged);
        double MiB(long bytes) => bytes / 1048576.0;
        Console.WriteLine("| backend | K × (n × p) | input MiB | results MiB | RSS before solve MiB | peak RSS MiB | peak / input | solve s | converged |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| {backend.Name} | {count} × ({n} × {p}) | {MiB(inputBytes):F0} | {MiB(resultBytes):F0} | {before / 1024.0:F0} | " +
                          $"{peak / 1024.0:F0} | {peak * 1024.0 / inputBytes:F2} | {clock.Elapsed.TotalSeconds:F2} | {converged}/{count} |");
        backend.Dispose();
        return 0;
    }

    // A "Name:   123 kB" line of /proc/self/status, in KiB.
    private static long StatusKiB(string name)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(name + ":", StringComparison.Ordinal))
                return long.Parse(line[(name.Length + 1)..].Trim().Split(' ')[0]);
        throw new InvalidOperationException($"/proc/self/status has no {name}");
    }
}
