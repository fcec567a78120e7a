using GpuSparse.Cli.Commands;

namespace GpuSparse.Cli;

/// <summary>The <c>gpusparse</c> command line.</summary>
public static class Program
{
    /// <summary>Entry point: exit code 0 all solved, 1 some problems invalid, diverged or cancelled, 2 bad usage or input.</summary>
    public static int Main(string[] args) => CommandLine.Run(args, Console.Out, Console.Error);
}
