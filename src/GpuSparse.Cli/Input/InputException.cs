namespace GpuSparse.Cli.Input;

/// <summary>Input the command cannot use: names the file and, where one is at fault, the problem and field.</summary>
internal sealed class InputException : Exception
{
    public InputException(string message) : base(message)
    {
    }

    public InputException(string message, Exception inner) : base(message, inner)
    {
    }
}
