using System.Diagnostics;
using System.Text;

namespace GpuSparse.Tests.Packaging;

/// <summary>Runs the <c>dotnet</c> command line (and installed tools) as a user would, for the packaging tests.</summary>
internal static class DotnetCli
{
    /// <summary>The configuration this test assembly was built in: packing it again is then incremental.</summary>
    public const string Configuration =
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>The repository root: the folder holding GpuSparse.sln above the test assembly.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The dotnet host running these tests (the SDK sets DOTNET_HOST_PATH for its children).</summary>
    public static string Host => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/> (and <paramref name="environment"/> added to
    /// its environment); returns its exit code and output.
    /// </summary>
    public static (int ExitCode, string Output) Run(string fileName, IEnumerable<string> arguments, string workingDirectory,
        TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        // A child build must not inherit the test host's MSBuild or test-platform state.
        foreach (var name in start.Environment.Keys.Where(IsInheritedBuildState).ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in time:\n{output}");
        }
        process.WaitForExit(); // drains the output handlers
        lock (output)
            return (process.ExitCode, output.ToString());
    }

    /// <summary>Runs <c>dotnet</c> and fails the test, with its output, unless it exits 0.</summary>
    public static string RunDotnet(string workingDirectory, params string[] arguments)
    {
        var (exitCode, output) = Run(Host, arguments, workingDirectory);
        if (exitCode != 0)
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} exited {exitCode}:\n{output}");
        return output;
    }

    private static bool IsInheritedBuildState(string name) =>
        name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
        || name.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase);

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GpuSparse.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"no GpuSparse.sln above {AppContext.BaseDirectory}");
    }
}
