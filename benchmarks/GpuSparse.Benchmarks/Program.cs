using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace GpuSparse.Benchmarks;

/// <summary>Runs the benchmarks chosen on the command line (BenchmarkDotNet's switcher: --filter, --job, …).</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        // Fixes the accuracy folder before any child process is started, so that they inherit it.
        _ = AccuracyColumn.Directory;
        var config = DefaultConfig.Instance.AddColumn(AccuracyColumn.All);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
