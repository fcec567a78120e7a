using System.Globalization;
using System.Text;

namespace GpuSparse.IO;

/// <summary>
/// A CSV file of numbers written in blocks of rows after its header (<see cref="CsvTable.OpenWriter"/>): every number
/// in its shortest round-trip form (numpy and pandas read back exactly the same doubles; <c>nan</c>, <c>inf</c> and
/// <c>-inf</c> as <see cref="CsvTable.Format"/> writes them), rows ended by <c>\n</c>, UTF-8 without a byte-order mark.
/// </summary>
/// <remarks>
/// Numbers are formatted straight into UTF-8 bytes, no string per value; a block of many rows is formatted by every
/// core at once, in pieces of rows written in order (formatting, not the disk, is the cost of a large result).
/// </remarks>
public sealed class CsvRowWriter : IDisposable
{
    // The longest number "R" writes is 24 characters (-1.2345678901234567E-308); a comma or '\n' follows each.
    private const int NumberBytes = 32;

    // Rows formatted as one piece, and the fewest values worth sharing out over the cores.
    private const int PieceRows = 256;
    private const int ParallelValues = 1 << 14;

    private readonly FileStream _stream;
    private readonly int _columns;
    private readonly byte[][] _pieces;
    private readonly int[] _lengths;

    internal CsvRowWriter(string path, string header, int columns)
    {
        _columns = columns;
        int cores = Math.Clamp(Environment.ProcessorCount, 1, 8);
        _pieces = new byte[cores][];
        _lengths = new int[cores];
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        _stream.Write(Encoding.UTF8.GetBytes(header + "\n"));
    }

    /// <summary>Writes the rows of a row-major block of values, as many columns each as the header has names.</summary>
    /// <exception cref="ArgumentException">The values do not fill whole rows.</exception>
    public void WriteRows(ReadOnlyMemory<double> rowMajor)
    {
        if (rowMajor.Length % _columns != 0)
            throw new ArgumentException($"{rowMajor.Length} values do not fill rows of {_columns} columns.", nameof(rowMajor));
        int rows = rowMajor.Length / _columns;
        int pieceRows = Math.Max(1, Math.Min(PieceRows, ParallelValues / _columns));
        int group = rowMajor.Length >= ParallelValues ? _pieces.Length : 1;
        for (int first = 0; first < rows; first += group * pieceRows)
        {
            int pieces = Math.Min(group, (rows - first + pieceRows - 1) / pieceRows);
            void FormatPiece(int piece)
            {
                int start = first + piece * pieceRows, count = Math.Min(pieceRows, rows - start);
                Format(rowMajor.Span.Slice(start * _columns, count * _columns), piece);
            }
            if (pieces == 1)
                FormatPiece(0);
            else
                Parallel.For(0, pieces, FormatPiece);
            for (int piece = 0; piece < pieces; piece++)
                _stream.Write(_pieces[piece], 0, _lengths[piece]);
        }
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose() => _stream.Dispose();

    /// <summary>Formats whole rows into piece <paramref name="piece"/>'s buffer.</summary>
    private void Format(ReadOnlySpan<double> values, int piece)
    {
        int capacity = values.Length * NumberBytes;
        if (_pieces[piece] is not { } buffer || buffer.Length < capacity)
            _pieces[piece] = buffer = new byte[capacity];
        int at = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double value = values[i];
            if (!double.IsFinite(value) || !value.TryFormat(buffer.AsSpan(at), out int written, "R", CultureInfo.InvariantCulture))
                written = Encoding.ASCII.GetBytes(CsvTable.Format(value), buffer.AsSpan(at));
            at += written;
            buffer[at++] = (byte)((i + 1) % _columns == 0 ? '\n' : ',');
        }
        _lengths[piece] = at;
    }
}
