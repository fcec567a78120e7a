using GpuSparse.Anomaly;
using Xunit;

namespace GpuSparse.Tests.Anomaly;

public sealed class PatchGridTests
{
    [Fact]
    public void PatchesCoverTheImageAndStitchBack()
    {
        var image = Enumerable.Range(0, 10 * 7).Select(i => (double)i).ToArray();
        // Stride 3 on 10 rows gives origins 0, 3, 6 (flush); on 7 columns 0, 3 (flush at 3).
        var grid = new PatchGrid(10, 7, 4, 3);
        Assert.Equal(3 * 2, grid.Count);

        var patches = grid.Extract<double>(image);
        Assert.Equal(image[1 * 7 + 2], patches[0 * 16 + 1 * 4 + 2]);
        Assert.Equal(image[(6 + 3) * 7 + 3 + 3], patches[5 * 16 + 15]);
        Assert.Equal(image, grid.Stitch((k, e) => patches[k * 16 + e]));
    }
}
