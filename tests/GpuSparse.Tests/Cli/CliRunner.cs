using GpuSparse.Cli.Commands;
using GpuSparse.Cli.Progress;
using GpuSparse.IO;
using GpuSparse.Tests.Support;

namespace GpuSparse.Tests.Cli;

/// <summary>Runs the command line as a user does (the real parser, exit-code contract and output), capturing stdout and stderr.</summary>
internal static class CliRunner
{
    public static string Diabetes(string file) => Path.Combine(ReferenceCases.DataRoot, "diabetes", file);

    public static (int Exit, string Stdout, string Stderr) Run(params string[] args) => Run(default, args);

    /// <summary>Runs with <paramref name="interrupt"/> standing for Ctrl-C.</summary>
    public static (int Exit, string Stdout, string Stderr) Run(CancellationToken interrupt, params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var previous = CancelOnCtrlC.Injected.Value;
        CancelOnCtrlC.Injected.Value = interrupt;
        try
        {
            int exit = CommandLine.Run(args, stdout, stderr);
            return (exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            CancelOnCtrlC.Injected.Value = previous;
        }
    }

    /// <summary>The diabetes data as one CSV (columns age … s6 and progression) and a y CSV of two targets (progression, its negation).</summary>
    public static (string Data, string Targets) DiabetesCsv(string folder)
    {
        var x = NpyReader.Read(Diabetes("X.npy")).ToDouble();
        var y = NpyReader.Read(Diabetes("y.npy")).ToDouble();
        string[] names = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"];
        int n = y.Length, p = names.Length;
        string data = Path.Combine(folder, "diabetes.csv"), targets = Path.Combine(folder, "targets.csv");
        CsvTable.Write(data, [.. names, "progression"], [.. Enumerable.Range(0, n).SelectMany(i => x.Skip(i * p).Take(p).Append(y[i]))]);
        CsvTable.Write(targets, ["progression", "negated"], [.. y.SelectMany(v => new[] { v, -v })]);
        return (data, targets);
    }
}
