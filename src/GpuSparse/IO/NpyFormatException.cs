namespace GpuSparse.IO;

/// <summary>
/// Thrown when the content of a .npy file is malformed, unsupported or truncated. The message names the
/// source and the problem, so a bad file in a batch of inputs can be found without a debugger.
/// </summary>
/// <remarks>
/// Derives from <see cref="IOException"/> because <see cref="InvalidDataException"/> is sealed: a caller
/// that handles "could not load the file" with one catch covers missing files and bad content alike.
/// </remarks>
public sealed class NpyFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="sourceName"/> with a description of the problem.</summary>
    /// <param name="sourceName">The file path or other name of the data source.</param>
    /// <param name="problem">What is wrong with the content.</param>
    public NpyFormatException(string sourceName, string problem)
        : base($"Invalid .npy data in '{sourceName}': {problem}")
    {
        SourceName = sourceName;
        Problem = problem;
    }

    /// <summary>The file path or other name of the data source.</summary>
    public string SourceName { get; }

    /// <summary>What is wrong with the content, without the source name.</summary>
    public string Problem { get; }
}
