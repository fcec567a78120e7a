using GpuSparse.Sweeps;
using Xunit;

namespace GpuSparse.Tests.Sweeps;

public sealed class FoldsTests
{
    [Fact]
    public void FoldsAreBalancedAndSeeded()
    {
        var contiguous = Folds.Contiguous(442, 5);
        Assert.Equal([89, 89, 88, 88, 88], Enumerable.Range(0, 5).Select(f => contiguous.Count(id => id == f)));
        var shuffled = Folds.Shuffled(443, 5, 11);
        Assert.Equal([89, 89, 89, 88, 88], Enumerable.Range(0, 5).Select(f => shuffled.Count(id => id == f)));
        Assert.Equal(shuffled, Folds.Shuffled(443, 5, 11));
        Assert.NotEqual(shuffled, Folds.Shuffled(443, 5, 12));
        Assert.Equal([0, 1, 1, 0], Folds.Normalize([3, 7, 7, 3]));
        Assert.Throws<ArgumentException>(() => Folds.Normalize([2, 2, 2]));
    }
}
