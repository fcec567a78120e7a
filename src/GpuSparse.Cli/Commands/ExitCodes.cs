namespace GpuSparse.Cli.Commands;

/// <summary>Process exit codes shared by every command (docs/cli.md states the contract).</summary>
internal static class ExitCodes
{
    /// <summary>Every problem was solved.</summary>
    public const int Success = 0;

    /// <summary>Some problems were invalid, diverged or cancelled (each named on stderr); the others were solved and written.</summary>
    public const int SomeProblemsFailed = 1;

    /// <summary>Bad usage, unreadable input or an unusable output location: nothing was solved or written.</summary>
    public const int BadInput = 2;

    /// <summary>An error the tool did not foresee (a bug); the message names the exception.</summary>
    public const int InternalError = 3;
}
