using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace GpuSparse.Cli.Output;

/// <summary>
/// Writes 8-bit grayscale PNG files (no dependency): signature, IHDR, one zlib-compressed IDAT of
/// filter-0 scanlines, IEND; every chunk closed by its CRC-32 (ISO 3309, polynomial 0xEDB88320).
/// </summary>
internal static class PngWriter
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>
    /// Writes a height × width row-major image whose values are mapped linearly from [low, high] to 0…255
    /// (clamped), each pixel enlarged to a scale × scale block so that small images are easy to inspect.
    /// </summary>
    public static void WriteGray(string path, ReadOnlySpan<double> pixels, int height, int width, double low, double high, int scale = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        if (pixels.Length != height * width)
            throw new ArgumentException($"{pixels.Length} pixels for {height} × {width}", nameof(pixels));
        int outHeight = height * scale, outWidth = width * scale;
        var raw = new byte[outHeight * (outWidth + 1)];
        double range = high > low ? high - low : 1;
        for (int r = 0; r < outHeight; r++)
        {
            int line = r * (outWidth + 1);
            raw[line] = 0; // filter type None
            for (int c = 0; c < outWidth; c++)
            {
                double v = (pixels[r / scale * width + c / scale] - low) / range;
                raw[line + 1 + c] = (byte)Math.Round(255 * Math.Clamp(double.IsNaN(v) ? 0 : v, 0, 1));
            }
        }
        using var file = File.Create(path);
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, outWidth);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), outHeight);
        header[8] = 8; // bit depth
        header[9] = 0; // colour type: grayscale; compression, filter, interlace stay 0
        WriteChunk(file, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
                zlib.Write(raw);
            WriteChunk(file, "IDAT", compressed.ToArray());
        }
        WriteChunk(file, "IEND", []);
    }

    private static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes);
        stream.Write(data);
        // The CRC covers the type and the data, not the length.
        uint crc = Update(Update(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        stream.Write(word);
    }

    private static uint Update(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
