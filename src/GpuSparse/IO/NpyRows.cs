namespace GpuSparse.IO;

/// <summary>
/// Reads a range of a .npy file's first axis (rows [start, start + count) of an (R, …) array) without reading the
/// rest: a shard of a batch, or one range of a batch larger than memory, costs memory for its own rows only.
/// </summary>
/// <remarks>
/// A C-order file is read by seeking to the range's first byte (rows are contiguous there). A Fortran-order file
/// scatters every row over the whole file, so it is read whole and the rows copied out (as float64, which every
/// element type this reader knows converts to and back exactly, except 64-bit integers beyond 2⁵³).
/// </remarks>
public static class NpyRows
{
    /// <summary>The header of the .npy file at <paramref name="path"/>: shape, type and layout, without its data.</summary>
    /// <exception cref="NpyFormatException">The file is not a valid, supported .npy file.</exception>
    public static NpyHeader ReadHeader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return NpyReader.ReadHeader(stream, path);
    }

    /// <summary>Rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of the file's first axis, in C order.</summary>
    /// <param name="path">A .npy file of rank ≥ 1.</param>
    /// <param name="start">The first row, in [0, R].</param>
    /// <param name="count">The number of rows, with start + count ≤ R.</param>
    /// <returns>An array of shape (count, …) with the file's element type.</returns>
    /// <exception cref="NpyFormatException">The file is not a valid .npy file, is 0-d, or is shorter than the range.</exception>
    public static NpyArray Read(string path, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        var header = NpyReader.ReadHeader(stream, path);
        if (header.Shape.Length == 0)
            throw new NpyFormatException(path, "a 0-d array has no rows to read a range of");
        int rows = header.Shape[0];
        if (start < 0 || count < 0 || (long)start + count > rows)
            throw new ArgumentOutOfRangeException(nameof(start), $"rows [{start}, {(long)start + count}) lie outside the {rows} rows of {path}");
        int[] shape = [count, .. header.Shape[1..]];
        long rowElements = 1;
        foreach (int dim in header.Shape[1..])
            rowElements = checked(rowElements * dim);
        long length = checked(rowElements * count);
        if (header.FortranOrder && header.Shape.Length > 1)
        {
            stream.Position = 0;
            var whole = NpyReader.Read(stream, path).ToDouble();
            return NpyArray.FromDoubles(whole.AsSpan(checked((int)(start * rowElements)), checked((int)length)).ToArray(), shape);
        }
        stream.Seek(checked(start * rowElements * header.ItemSize), SeekOrigin.Current);
        return NpyReader.ReadData(stream, header, shape, length, path);
    }
}
