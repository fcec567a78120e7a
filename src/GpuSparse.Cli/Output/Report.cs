using System.Globalization;
using System.Text;
using System.Text.Json;
using GpuSparse.IO;

namespace GpuSparse.Cli.Output;

/// <summary>A column of a printed report: its name and how numbers in it are shown in a table.</summary>
/// <param name="Name">Header (also the CSV header and the JSON key, snake_cased).</param>
/// <param name="Format">.NET numeric format for the table (CSV and JSON always print full precision).</param>
internal sealed record ReportColumn(string Name, string Format = "G4");

/// <summary>
/// Rows printed to stdout as an aligned table (for people), CSV (for spreadsheets, pandas, R) or JSON
/// (for scripts) — the <c>--format</c> every command takes. Cells are numbers, booleans (yes/no in a table), strings or null.
/// </summary>
internal sealed class Report
{
    private readonly List<object?[]> _rows = [];

    public Report(params ReportColumn[] columns) => Columns = columns;

    public IReadOnlyList<ReportColumn> Columns { get; }

    public IReadOnlyList<object?[]> Rows => _rows;

    public void Add(params object?[] cells)
    {
        if (cells.Length != Columns.Count)
            throw new ArgumentException($"{cells.Length} cells for {Columns.Count} columns", nameof(cells));
        _rows.Add(cells);
    }

    public void Write(TextWriter writer, OutputFormat format)
    {
        switch (format)
        {
            case OutputFormat.Csv:
                writer.WriteLine(string.Join(",", Columns.Select(c => Csv(c.Name))));
                foreach (var row in _rows)
                    writer.WriteLine(string.Join(",", row.Select(cell => Csv(Exact(cell)))));
                break;
            case OutputFormat.Json:
                var objects = _rows.Select(row => Columns.Select((c, j) => (Key: Key(c.Name), Value: row[j]))
                    .ToDictionary(p => p.Key, p => p.Value));
                writer.WriteLine(JsonSerializer.Serialize(objects, ResultJson.Options));
                break;
            default:
                WriteTable(writer);
                break;
        }
    }

    private void WriteTable(TextWriter writer)
    {
        var cells = _rows.Select(row => row.Select((cell, j) => Shown(cell, Columns[j].Format)).ToArray()).ToList();
        var widths = Columns.Select((c, j) => cells.Select(r => r[j].Length).Append(c.Name.Length).Max()).ToArray();
        var line = new StringBuilder();
        void Emit(IReadOnlyList<string> values, bool header)
        {
            line.Clear();
            for (int j = 0; j < values.Count; j++)
            {
                // Numbers align right, text left, as a reader scans them.
                bool right = !header && _rows.Count > 0 && IsNumber(_rows[0][j]);
                line.Append(right ? values[j].PadLeft(widths[j]) : values[j].PadRight(widths[j]));
                if (j + 1 < values.Count)
                    line.Append("  ");
            }
            writer.WriteLine(line.ToString().TrimEnd());
        }
        Emit([.. Columns.Select(c => c.Name)], header: true);
        writer.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in cells)
            Emit(row, header: false);
    }

    private static bool IsNumber(object? cell) => cell is double or float or int or long;

    private static string Shown(object? cell, string format) => cell switch
    {
        null => "-",
        bool b => b ? "yes" : "no",
        double d => double.IsFinite(d) ? d.ToString(format, CultureInfo.InvariantCulture) : CsvTable.Format(d),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };

    private static string Exact(object? cell) => cell switch
    {
        null => "",
        bool b => b ? "true" : "false",
        double d => CsvTable.Format(d),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };

    private static string Csv(string text) =>
        text.Contains(',') || text.Contains('"') ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;

    // "worst gap/f" → "worst_gap_f", "chosen λ" → "chosen_lambda": lower case, runs of other characters become one underscore.
    private static string Key(string name)
    {
        var key = new StringBuilder();
        foreach (char c in name.ToLowerInvariant().Replace("λ", "lambda"))
        {
            if (char.IsAsciiLetterOrDigit(c))
                key.Append(c);
            else if (key.Length > 0 && key[^1] != '_')
                key.Append('_');
        }
        return key.ToString().TrimEnd('_');
    }
}

/// <summary>How printed reports look: <c>--format table|csv|json</c>.</summary>
internal enum OutputFormat
{
    /// <summary>An aligned table for people.</summary>
    Table,

    /// <summary>CSV with a header row.</summary>
    Csv,

    /// <summary>A JSON array of objects.</summary>
    Json,
}
