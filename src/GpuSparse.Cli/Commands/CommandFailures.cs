using GpuSparse.Backends;
using GpuSparse.Cli.Input;
using GpuSparse.IO;

namespace GpuSparse.Cli.Commands;

/// <summary>
/// The one place an exception becomes an exit code and a line on stderr, for every command: bad usage, unreadable
/// input and an unusable output location exit 2 with what to change; nothing prints a stack trace.
/// </summary>
internal static class CommandFailures
{
    /// <summary>Runs a command's <paramref name="body"/>; any exception it throws is reported on <paramref name="stderr"/>.</summary>
    public static int Run(TextWriter stderr, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            stderr.WriteLine($"error: {Describe(e)}");
            return ExitCodeOf(e);
        }
    }

    /// <summary>The exit code of a command that ended with <paramref name="exception"/>.</summary>
    public static int ExitCodeOf(Exception exception) => exception switch
    {
        InputException or ArgumentException or IOException or UnauthorizedAccessException
            or DeviceOutOfMemoryException or OutOfMemoryException or NotSupportedException => ExitCodes.BadInput,
        OperationCanceledException => ExitCodes.SomeProblemsFailed,
        _ => ExitCodes.InternalError,
    };

    /// <summary>One line saying what went wrong, in the user's terms.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        InputException or NpyFormatException or CsvFormatException => exception.Message,
        FileNotFoundException missing => $"{missing.FileName ?? "a file"}: file not found",
        ArgumentException argument => WithoutParameterName(argument),
        DeviceOutOfMemoryException => $"the device cannot hold this input ({exception.Message}); try --backend cd",
        NotSupportedException => $"{exception.Message} (choose another --algorithm or --backend; gpusparse info lists what each runs)",
        OutOfMemoryException => "not enough memory for this input; solve it in parts, or use --precision f32",
        IOException or UnauthorizedAccessException => exception.Message,
        OperationCanceledException => "cancelled before anything finished; nothing was written",
        _ => $"unexpected {exception.GetType().Name}: {exception.Message} (a bug: please report it with the command line)",
    };

    // .NET appends " (Parameter 'Tolerance')" and "Actual value was …" to argument errors: the user named an option, not a parameter.
    private static string WithoutParameterName(ArgumentException exception)
    {
        string message = exception.Message;
        int cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (cut >= 0)
            message = message[..cut];
        int actual = message.IndexOf("Actual value was", StringComparison.Ordinal);
        if (actual >= 0)
            message = message[..actual];
        message = message.Trim();
        string? name = exception.ParamName;
        return name is not null && name.StartsWith("--", StringComparison.Ordinal) && !message.Contains(name, StringComparison.Ordinal)
            ? $"{name}: {message}"
            : message;
    }
}
