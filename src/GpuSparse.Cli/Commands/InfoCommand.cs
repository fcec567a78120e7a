using System.CommandLine;
using System.Reflection;
using System.Runtime.InteropServices;
using GpuSparse.Cli.Output;

namespace GpuSparse.Cli.Commands;

/// <summary><c>info</c>: the backends and devices found, their precisions, and the machine.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var format = CommonOptions.Format();
        var command = new Command("info",
            "List the backends and devices found, the precisions each solves in, and the machine.\n\n" +
            "Examples:\n  gpusparse info\n  gpusparse info --format json")
        {
            format,
        };
        command.SetAction(parse => CommandFailures.Run(parse.InvocationConfiguration.Error,
            () => Run(CommonOptions.ParseFormat(parse.GetValue(format)!), parse.InvocationConfiguration.Output)));
        return command;
    }

    internal static int Run(OutputFormat format, TextWriter stdout)
    {
        var backends = new Report(new ReportColumn("backend"), new ReportColumn("device"), new ReportColumn("precisions"),
            new ReportColumn("available"), new ReportColumn("note"));
        foreach (var backend in SolverBackends.Describe())
            backends.Add(backend.Name, backend.Device, backend.Precisions, backend.Available, backend.Note);
        if (format != OutputFormat.Table)
        {
            backends.Write(stdout, format);
            return ExitCodes.Success;
        }
        var version = typeof(InfoCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        stdout.WriteLine($"gpusparse {version.Split('+')[0]} on .NET {Environment.Version}, {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture}), " +
            $"{Environment.ProcessorCount} logical CPUs");
        stdout.WriteLine();
        backends.Write(stdout, format);
        return ExitCodes.Success;
    }
}
