using GpuSparse.Kernels;
using GpuSparse.Kernels.OnChip;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// The bank-conflict counts of the cost formulas (<see cref="SharedMemoryBanks"/>) on access patterns whose counts are
/// known: a warp of 32 lanes over 32 banks of 4 bytes, one wavefront per distinct word a bank must serve.
/// </summary>
public sealed class SharedMemoryBanksTests
{
    [Theory]
    // 32 consecutive floats, one a bank; 32 consecutive doubles, two words a bank
    [InlineData(4, 4, 1)]
    [InlineData(8, 8, 2)]
    // rows p floats apart: gcd(p, 32) words a bank
    [InlineData(4, 4 * 200, 8)]
    [InlineData(4, 4 * 256, 32)]
    [InlineData(4, 4 * 201, 1)]
    [InlineData(4, 4 * 97, 1)]
    // rows p doubles apart: two words a lane, gcd(2p, 32) a bank
    [InlineData(8, 8 * 200, 16)]
    [InlineData(8, 8 * 201, 2)]
    public void AStridedWarpAccess_TakesTheWavefrontsItsBanksServe(int width, int strideBytes, int expected) =>
        Assert.Equal(expected, SharedMemoryBanks.Wavefronts(32, width, lane => (long)lane * strideBytes));

    [Fact]
    public void ABroadcast_IsOneWavefront() => Assert.Equal(1, SharedMemoryBanks.Wavefronts(32, 8, _ => 64));

    [Fact]
    public void ARowPass_CountsEveryWarpOfRowsAtEveryColumn()
    {
        // 50 rows: a warp of 32 and one of 18, 200 columns; at stride 200 floats 8 and ⌈18/4⌉ = 5 wavefronts a column
        Assert.Equal(200 * (8 + 5), SharedMemoryBanks.RowPassWavefronts(50, 200, 200, 4));
        // at the padded, odd stride one a column for each warp
        int padded = default(PaddedStagedDesign).RowStride(200);
        Assert.Equal(201, padded);
        Assert.Equal(200 * 2, SharedMemoryBanks.RowPassWavefronts(50, 200, padded, 4));
        Assert.Equal(97, default(PaddedStagedDesign).RowStride(97));
    }

    /// <summary>
    /// The block kernel's tile of X read from global memory (<see cref="GlobalDesign"/>) for the wide rows it serves
    /// (p &gt; 64): a tile row holds a 128-byte line of X's row, and a warp's copy into it and its 32 rows' reads of it
    /// take the fewest wavefronts (one for 32 floats, two for 32 doubles), where X's rows read in place put 32 lines in
    /// one access.
    /// </summary>
    [Theory]
    [InlineData(256, 4, 32, 1)]
    [InlineData(500, 8, 16, 2)]
    [InlineData(97, 4, 32, 1)]
    [InlineData(65, 8, 16, 2)]
    public void TheTiledRowPass_CopiesAndReadsItsTileWithoutConflicts(int features, int elementBytes, int columns, int wavefronts)
    {
        var tiled = default(GlobalDesign);
        int width = tiled.RowTileColumns(features, elementBytes), stride = tiled.RowTileStart(1, 0, 0, features, elementBytes);
        Assert.Equal(columns, width);
        Assert.Equal((long)width * wavefronts, SharedMemoryBanks.RowPassWavefronts(32, width, stride, elementBytes));
        // the copy: consecutive threads write consecutive columns of a row, the next row stride elements on
        Assert.Equal(wavefronts, SharedMemoryBanks.Wavefronts(32, elementBytes, e => (long)(e / width * stride + e % width) * elementBytes));
    }

    /// <summary>
    /// A sweep's reads of the packed upper half of G (lane a reads Gⱼₐ for every j), against the counts of an
    /// independent script of the same rule (Python, 2026-12-03); a conflict-free layout would take ⌈8p/128⌉ a row.
    /// </summary>
    [Theory]
    [InlineData(8, 10)]
    [InlineData(16, 29)]
    [InlineData(32, 90)]
    [InlineData(64, 308)]
    public void TheGramSweep_CountsThePackedRowsConflicts(int features, int expected) =>
        Assert.Equal(expected, SharedMemoryBanks.GramSweepWavefronts(features));
}
