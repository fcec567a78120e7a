using System.Diagnostics;
using GpuSparse.Backends;
using GpuSparse.Data;
using GpuSparse.Engines;
using GpuSparse.Model;

namespace GpuSparse.Benchmarks;

/// <summary>
/// The two forms of the cd backend forced on the same batch, per shape: the measurements the choice of
/// <see cref="CoordinateDescent.ChooseForm"/> is fitted to (docs/engines.md). <c>form-crossover [n×p …]</c>
/// solves each batch (about 2·10⁸ multiply-adds of Gram forming and sweeps, K between 20 and 20,000 Lasso problems
/// at the generator's α_k, float64, tol 1e-8) 40 times in each form, the forms alternating so that both see the
/// same load on a shared machine, and prints the Gram / residual ratio of the minimum and of the median of the last
/// 20 solves of each (the first 20 warm the JIT up to its optimised code).
/// </summary>
internal static class FormCrossover
{
    private static readonly string[] DefaultShapes =
        ["64x24", "64x32", "64x40", "64x48", "200x30", "200x50", "500x50", "2000x30", "5000x60", "100x100", "500x200", "50x200"];

    public static int Run(string[] args)
    {
        var options = new SolverOptions { Tolerance = 1e-8, MaxIterations = 100_000 };
        Console.WriteLine("| n × p | K | Gram min / median ms | residual min / median ms | Gram / residual (min, median) | chosen |");
        Console.WriteLine("|---|---:|---|---|---|---|");
        foreach (string shape in args.Length > 1 ? args[1..] : DefaultShapes)
        {
            var size = shape.Split('x').Select(int.Parse).ToArray();
            int n = size[0], p = size[1];
            int count = (int)Math.Clamp(2e8 / ((double)n * p * p + 30.0 * n * p), 20, 20_000);
            var data = PortableGenerator.Batch(count, n, p);
            var batch = ProblemBatch<double>.WithDesignPerProblem(data.X, n, p, data.Y, [.. data.Alphas.Select(a => ProblemSettings.Lasso(a))]);
            var gram = new CoordinateDescentBackend { Form = CoordinateDescentForm.Gram };
            var residual = new CoordinateDescentBackend { Form = CoordinateDescentForm.Residual };
            var gramTimes = new List<double>();
            var residualTimes = new List<double>();
            for (int run = 0; run < 40; run++)
            {
                gramTimes.Add(Time(() => gram.Solve(batch, options)));
                residualTimes.Add(Time(() => residual.Solve(batch, options)));
            }
            var (gramMin, gramMedian) = Summary(gramTimes);
            var (residualMin, residualMedian) = Summary(residualTimes);
            Console.WriteLine($"| {n} × {p} | {count} | {gramMin:F2} / {gramMedian:F2} | {residualMin:F2} / {residualMedian:F2} | " +
                              $"{gramMin / residualMin:F2}, {gramMedian / residualMedian:F2} | {CoordinateDescent.ChooseForm(n, p, sizeof(double))} |");
        }
        return 0;
    }

    private static double Time(Func<BatchResult> solve)
    {
        var clock = Stopwatch.StartNew();
        solve();
        return clock.Elapsed.TotalMilliseconds;
    }

    // Minimum and median of the warm runs.
    private static (double Min, double Median) Summary(List<double> times)
    {
        var warm = times.Skip(times.Count / 2).Order().ToList();
        return (warm[0], warm[warm.Count / 2]);
    }
}
