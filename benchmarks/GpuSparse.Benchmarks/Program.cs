using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace GpuSparse.Benchmarks;

/// <summary>
/// Runs the benchmarks chosen on the command line (BenchmarkDotNet's switcher: --filter, --job, …), or with
/// <c>peak-rss</c> first the peak-memory measurement of <see cref="PeakMemory"/>, with <c>form-crossover</c> that of
/// <see cref="FormCrossover"/>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // Not a BenchmarkDotNet run: peak resident memory needs a fresh process per measurement.
        if (args.Length > 0 && args[0] == "peak-rss")
            return PeakMemory.Run(args);
        // Nor is the form crossover: its two forms alternate in one process so that both see the same load.
        if (args.Length > 0 && args[0] == "form-crossover")
            return FormCrossover.Run(args);
        // Fixes the accuracy folder before any child process is started, so that they inherit it.
        _ = AccuracyColumn.Directory;
        var config = DefaultConfig.Instance.AddColumn(AccuracyColumn.All);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }
}
