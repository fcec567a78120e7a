using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using GpuSparse.Cli.Output;
using Xunit;

namespace GpuSparse.Tests.Cli;

public sealed class PngWriterTests
{
    [Fact]
    public void WritesValidChunksAndTheScaledPixels()
    {
        var path = Path.GetTempFileName();
        try
        {
            // 2 × 3 image, values mapped from [0, 2] to 0…255 and clamped, each pixel doubled.
            PngWriter.WriteGray(path, [0, 1, 2, -1, 3, 0.5], 2, 3, 0, 2, scale: 2);
            var bytes = File.ReadAllBytes(path);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);

            var chunks = new List<(string Type, byte[] Data)>();
            for (int at = 8; at < bytes.Length;)
            {
                int length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
                var typeAndData = bytes.AsSpan(at + 4, 4 + length);
                Assert.Equal(BitwiseCrc(typeAndData), BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at + 8 + length)));
                chunks.Add((Encoding.ASCII.GetString(typeAndData[..4]), typeAndData[4..].ToArray()));
                at += 12 + length;
            }
            Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));
            Assert.Equal(6, BinaryPrimitives.ReadInt32BigEndian(chunks[0].Data));
            Assert.Equal(4, BinaryPrimitives.ReadInt32BigEndian(chunks[0].Data.AsSpan(4)));

            using var zlib = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress);
            var raw = new MemoryStream();
            zlib.CopyTo(raw);
            byte[] row0 = [0, 0, 0, 128, 128, 255, 255];
            byte[] row1 = [0, 0, 0, 255, 255, 64, 64];
            Assert.Equal([.. row0, .. row0, .. row1, .. row1], raw.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>CRC-32 (reflected polynomial 0xEDB88320) bit by bit, independent of the writer's table.</summary>
    private static uint BitwiseCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc >> 1) ^ (0xEDB88320 & (0u - (crc & 1)));
        }
        return ~crc;
    }
}
