using System.Globalization;
using System.Text;

namespace GpuSparse.IO;

/// <summary>
/// A numeric table read from or written to CSV: a header row of column names, then one row of numbers per
/// sample. Reads what numpy (<c>np.savetxt(..., header=..., comments='')</c>), pandas (<c>to_csv</c>, with or
/// without its index column) and R (<c>write.csv</c>, with its quoted names and row names) write.
/// </summary>
/// <remarks>
/// The reader streams the file line by line and grows each column geometrically, so memory stays within a
/// small factor of the numbers read; a line longer than <see cref="MaxLineLength"/> characters is rejected
/// before it is buffered. Every error is a <see cref="CsvFormatException"/> naming the file, the 1-based line
/// and, where one is at fault, the column.
/// </remarks>
public sealed class CsvTable
{
    /// <summary>The longest line accepted, in characters (a guard against a binary file read as CSV).</summary>
    public const int MaxLineLength = 1 << 22;

    private readonly double[][] _columns;

    /// <summary>Creates a table from named columns of equal length.</summary>
    /// <param name="names">Column names, distinct.</param>
    /// <param name="columns">One array per name, all of the same length.</param>
    public CsvTable(IReadOnlyList<string> names, IReadOnlyList<double[]> columns)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(columns);
        if (names.Count != columns.Count)
            throw new ArgumentException($"{names.Count} names for {columns.Count} columns.", nameof(columns));
        if (names.Count == 0)
            throw new ArgumentException("A table needs at least one column.", nameof(names));
        int rows = columns[0].Length;
        if (columns.Any(c => c.Length != rows))
            throw new ArgumentException("Every column must have the same length.", nameof(columns));
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Column name '{duplicate.Key}' appears more than once.", nameof(names));
        Names = [.. names];
        _columns = [.. columns];
        Rows = rows;
    }

    /// <summary>The column names, in file order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The number of data rows.</summary>
    public int Rows { get; }

    /// <summary>The number of columns.</summary>
    public int Columns => _columns.Length;

    /// <summary>The values of the named column (the table's own array).</summary>
    /// <exception cref="KeyNotFoundException">No column has that name; the message lists the names there are.</exception>
    public double[] Column(string name)
    {
        int index = IndexOf(name);
        if (index < 0)
            throw new KeyNotFoundException($"no column named '{name}'; the columns are: {string.Join(", ", Names)}");
        return _columns[index];
    }

    /// <summary>The index of the named column, or −1.</summary>
    public int IndexOf(string name)
    {
        for (int j = 0; j < Names.Count; j++)
            if (Names[j] == name)
                return j;
        return -1;
    }

    /// <summary>The table as a row-major (Rows × Columns) matrix, leaving out the named columns.</summary>
    public double[] ToRowMajor(params string[] except)
    {
        var keep = Enumerable.Range(0, Columns).Where(j => !except.Contains(Names[j])).ToArray();
        var values = new double[(long)Rows * keep.Length];
        for (int i = 0; i < Rows; i++)
            for (int j = 0; j < keep.Length; j++)
                values[(long)i * keep.Length + j] = _columns[keep[j]][i];
        return values;
    }

    /// <summary>Reads a CSV file; see the class remarks for what is accepted.</summary>
    /// <exception cref="CsvFormatException">The file is not a numeric table with a header row.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static CsvTable Read(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, path);
    }

    /// <summary>Reads CSV text; <paramref name="sourceName"/> names the source in error messages.</summary>
    public static CsvTable Read(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var line = new StringBuilder();
        int lineNumber = 0;
        string[]? header = null;
        List<double>[] columns = [];
        bool rowNames = false;
        var fields = new List<string>();
        while (ReadLine(reader, line, sourceName, lineNumber + 1))
        {
            lineNumber++;
            if (IsBlank(line))
                continue;
            Split(line, fields, sourceName, lineNumber);
            if (header is null)
            {
                // pandas' index and R's row names sit under an empty first name.
                rowNames = fields.Count > 1 && fields[0].Length == 0;
                header = [.. fields.Skip(rowNames ? 1 : 0).Select(f => f.Trim())];
                CheckHeader(header, sourceName, lineNumber);
                columns = [.. header.Select(_ => new List<double>())];
                continue;
            }
            int expected = header.Length + (rowNames ? 1 : 0);
            if (fields.Count != expected)
                throw new CsvFormatException(sourceName, lineNumber, null,
                    $"has {fields.Count} fields but the header (line 1) has {expected}; every row needs one value per column");
            for (int j = 0; j < header.Length; j++)
                columns[j].Add(Parse(fields[j + (rowNames ? 1 : 0)], sourceName, lineNumber, j + 1, header[j]));
        }
        if (header is null)
            throw new CsvFormatException(sourceName, Math.Max(1, lineNumber), null, "the file is empty; expected a header row of column names");
        if (columns[0].Count == 0)
            throw new CsvFormatException(sourceName, lineNumber, null, "has a header but no rows of data");
        return new CsvTable(header, [.. columns.Select(c => c.ToArray())]);
    }

    /// <summary>
    /// Writes a header row and the rows of a row-major matrix, every number in its shortest round-trip
    /// form (numpy and pandas read back exactly the same doubles).
    /// </summary>
    /// <param name="path">Destination; overwritten.</param>
    /// <param name="names">Column names (quoted when they hold a comma or a quote).</param>
    /// <param name="rowMajor">Rows × names.Count values.</param>
    public static void Write(string path, IReadOnlyList<string> names, ReadOnlySpan<double> rowMajor)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0 || rowMajor.Length % names.Count != 0)
            throw new ArgumentException($"{rowMajor.Length} values do not fill rows of {names.Count} columns.", nameof(rowMajor));
        using var writer = OpenWriter(path, names);
        writer.WriteRows(rowMajor.ToArray());
    }

    /// <summary>
    /// Opens <paramref name="path"/> for rows written in blocks by <see cref="CsvRowWriter.WriteRows"/> (results written as
    /// ranges of a batch finish), with the header row written: the file ends as <see cref="Write"/> of all the rows writes it.
    /// </summary>
    /// <param name="path">Destination; overwritten.</param>
    /// <param name="names">Column names (quoted when they hold a comma or a quote).</param>
    public static CsvRowWriter OpenWriter(string path, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return new CsvRowWriter(path, string.Join(",", names.Select(Quote)), names.Count);
    }

    /// <summary>A number as numpy and pandas read it back exactly (<c>nan</c>, <c>inf</c> and <c>-inf</c> included).</summary>
    public static string Format(double value) => value switch
    {
        double.NaN => "nan",
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Quote(string name) =>
        name.Contains(',') || name.Contains('"') ? "\"" + name.Replace("\"", "\"\"") + "\"" : name;

    private static bool ReadLine(TextReader reader, StringBuilder line, string source, int lineNumber)
    {
        line.Clear();
        int c = reader.Read();
        if (c < 0)
            return false;
        while (c >= 0 && c != '\n')
        {
            if (c == '\0')
                throw new CsvFormatException(source, lineNumber, null, "holds a NUL byte: this is a binary file, not CSV (a .npy file needs the .npy extension)");
            if (line.Length >= MaxLineLength)
                throw new CsvFormatException(source, lineNumber, null, $"is longer than {MaxLineLength} characters: not a CSV table");
            line.Append((char)c);
            c = reader.Read();
        }
        if (line.Length > 0 && line[^1] == '\r')
            line.Length--;
        return true;
    }

    private static bool IsBlank(StringBuilder line)
    {
        for (int i = 0; i < line.Length; i++)
            if (!char.IsWhiteSpace(line[i]))
                return false;
        return true;
    }

    // RFC 4180 fields: commas separate, double quotes enclose a field, "" inside quotes is a quote.
    private static void Split(StringBuilder line, List<string> fields, string source, int lineNumber)
    {
        fields.Clear();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c != '"')
                    field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"')
                    field.Append(line[++i]);
                else
                    quoted = false;
            }
            else if (c == '"')
                quoted = true;
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
                field.Append(c);
        }
        if (quoted)
            throw new CsvFormatException(source, lineNumber, fields.Count + 1, "a quoted field is not closed on this line");
        fields.Add(field.ToString());
    }

    private static void CheckHeader(string[] header, string source, int lineNumber)
    {
        for (int j = 0; j < header.Length; j++)
        {
            if (header[j].Length == 0)
                throw new CsvFormatException(source, lineNumber, j + 1, "has an empty column name; the first row must name every column");
            if (double.TryParse(header[j], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                throw new CsvFormatException(source, lineNumber, j + 1,
                    $"'{header[j]}' is a number: the first row must be a header of column names (np.savetxt needs header='a,b,...', comments='')");
            if (Array.IndexOf(header, header[j]) != j)
                throw new CsvFormatException(source, lineNumber, j + 1, $"column name '{header[j]}' appears twice");
        }
    }

    private static double Parse(string field, string source, int lineNumber, int column, string name)
    {
        string text = field.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            return value;
        switch (text.ToLowerInvariant())
        {
            case "nan":
                return double.NaN;
            case "inf" or "+inf" or "infinity":
                return double.PositiveInfinity;
            case "-inf" or "-infinity":
                return double.NegativeInfinity;
        }
        string reason = text.Length == 0 || text is "NA" or "null"
            ? "is missing; drop or impute missing values before solving"
            : $"'{Shorten(text)}' is not a number";
        throw new CsvFormatException(source, lineNumber, column, $"(column '{name}') {reason}");
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
