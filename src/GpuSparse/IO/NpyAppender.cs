namespace GpuSparse.IO;

/// <summary>
/// A float64 .npy file written in pieces: <see cref="NpyWriter.OpenFloat64"/> wrote its header, each
/// <see cref="Append"/> adds the next elements in C order, and <see cref="Complete"/> checks that the shape is filled.
/// The file is byte-identical to <see cref="NpyWriter.Write(string, ReadOnlySpan{double}, int[])"/> of the whole array.
/// </summary>
public sealed class NpyAppender : IDisposable
{
    private readonly FileStream _stream;
    private long _remaining;

    internal NpyAppender(FileStream stream, long length)
    {
        _stream = stream;
        _remaining = length;
    }

    /// <summary>The number of elements still to come.</summary>
    public long Remaining => _remaining;

    /// <summary>Writes the next elements.</summary>
    /// <exception cref="ArgumentException">More elements than the shape holds.</exception>
    public void Append(ReadOnlySpan<double> data)
    {
        if (data.Length > _remaining)
            throw new ArgumentException($"{data.Length} elements appended where {_remaining} remain.", nameof(data));
        NpyWriter.WriteFloat64(_stream, data);
        _remaining -= data.Length;
    }

    /// <summary>Flushes and closes the file once every element is written.</summary>
    /// <exception cref="InvalidOperationException">Elements are missing: the file would not match its header.</exception>
    public void Complete()
    {
        if (_remaining != 0)
            throw new InvalidOperationException($"{_remaining} elements were never appended to {_stream.Name}.");
        _stream.Dispose();
    }

    /// <summary>Closes the file (incomplete unless <see cref="Complete"/> ran).</summary>
    public void Dispose() => _stream.Dispose();
}
