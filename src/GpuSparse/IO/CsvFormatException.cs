namespace GpuSparse.IO;

/// <summary>A CSV file that is not a numeric table with a header row: names the file, the line and the column.</summary>
public sealed class CsvFormatException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="sourceName">The file (or other source) read.</param>
    /// <param name="line">The 1-based line at fault.</param>
    /// <param name="column">The 1-based column at fault, or null when the whole line is.</param>
    /// <param name="problem">What is wrong, phrased to follow the location.</param>
    public CsvFormatException(string sourceName, int line, int? column, string problem)
        : base(column is { } c ? $"{sourceName}, line {line}, column {c}: {problem}" : $"{sourceName}, line {line}: {problem}")
    {
        SourceName = sourceName;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>The file (or other source) read.</summary>
    public string SourceName { get; }

    /// <summary>The 1-based line at fault.</summary>
    public int Line { get; }

    /// <summary>The 1-based column at fault, or null when the whole line is.</summary>
    public int? Column { get; }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }
}
