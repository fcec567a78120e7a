namespace GpuSparse.Cli.Commands;

/// <summary>Process exit codes shared by every command.</summary>
internal static class ExitCodes
{
    /// <summary>Every problem was solved.</summary>
    public const int Success = 0;

    /// <summary>Some problems failed (invalid input for those problems, divergence); the others were solved.</summary>
    public const int SomeProblemsFailed = 1;

    /// <summary>Bad usage or unreadable input: nothing was solved.</summary>
    public const int BadInput = 2;
}
