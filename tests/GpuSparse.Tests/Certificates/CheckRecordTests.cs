using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Certificates;
using Xunit;

namespace GpuSparse.Tests.Certificates;

/// <summary>
/// <see cref="CheckRecord.RecordAt"/>, which the on-chip kernels and the gap kernel call at every check: iteration 0
/// starts the record whatever it held, a later check is recorded against what it holds.
/// </summary>
public sealed class CheckRecordTests
{
    [Fact]
    public void TheCheckAtIterationZeroStartsTheRecordWhateverItHeld()
    {
        var record = new CheckRecord { Gap = 7, Objective = 7, BestGap = 0.5, BestObjective = 7, Runaway = 1 };
        Assert.True(record.RecordAt(0, gap: 2, objective: 3, nullObjective: 4));
        Assert.Equal(CheckRecord.First(2, 3, 4), record);
        Assert.Equal(StoppingRule.RunawayFactor * 4, record.Runaway);
    }

    [Theory]
    [InlineData(1.5, true)]   // a smaller gap: the new best
    [InlineData(2.0, false)]  // an equal one is not
    [InlineData(9.0, false)]  // a larger one is not, but it is the last check
    public void ALaterCheckIsRecordedAgainstTheFirst(double gap, bool best)
    {
        var record = CheckRecord.First(2, 3, 4);
        var expected = record;
        bool expectedBest = expected.Record(gap, 3);
        Assert.Equal(best, expectedBest);
        Assert.Equal(best, record.RecordAt(10, gap, 3, nullObjective: 1e9));
        Assert.Equal(expected, record);
        Assert.Equal(gap, record.Gap);
        Assert.Equal(best ? gap : 2, record.BestGap);
    }

    [Fact]
    public void ALaterDivergedCheckIsNeverTheBest()
    {
        var record = CheckRecord.First(2, 3, 4);
        Assert.False(record.RecordAt(5, gap: 1, objective: 100, nullObjective: 4));
        Assert.Equal(BatchStatus.Diverged, record.Verdict(tolerance: 10, fixedPoint: false, spent: false));
        Assert.Equal(2, record.BestGap);
    }
}
