using GpuSparse.Preparation;
using GpuSparse.Tests.Reliability;
using Xunit;

namespace GpuSparse.Tests.Preparation;

/// <summary>
/// <see cref="ColumnStatistics"/> against values the test knows exactly: the mean and spread of a column under an
/// offset 10¹⁴ times its spread, at scales from 10⁻³⁰⁰ to 10³⁰⁰, and which columns are constant.
/// </summary>
public sealed class ColumnStatisticsTests
{
    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(1.0, 1e12)]
    [InlineData(1.0, -3e14)]
    [InlineData(1e-300, 1e-290)]
    [InlineData(1e300, 1e306)]
    [InlineData(1e-310, 0.0)]
    public void MeanAndDeviationSurviveOffsetsAndScales(double scale, double offset)
    {
        int n = 1001;
        var random = new Random(1);
        // Values k·scale/8 for integers k: their sum, mean and deviations are known exactly in the test's units.
        var units = Enumerable.Range(0, n).Select(_ => (double)random.Next(-1000, 1000)).ToArray();
        var x = units.Select(u => offset + u * scale / 8).ToArray();
        var stats = ColumnStatistics.Of<double>(x, 1);
        double meanUnits = units.Average(), deviationUnits = Math.Sqrt(units.Sum(u => (u - meanUnits) * (u - meanUnits)) / n);
        // Deviations from the stored values (x − offset is exact here), in units of scale/8.
        var stored = x.Select(v => (v - offset) / (scale / 8)).ToArray();
        double storedMean = stored.Average();
        double storedDeviation = Math.Sqrt(stored.Sum(u => (u - storedMean) * (u - storedMean)) / n);
        Assert.Equal(storedDeviation, stats.Deviation[0] / (scale / 8), storedDeviation * 1e-12);
        Assert.Equal(storedMean, (stats.Mean[0] - offset + stats.MeanCorrection[0]) / (scale / 8), 1e-9);
        Assert.False(stats.Constant[0]);
        Assert.True(stats.IsFinite);
        if (offset == 0 && scale >= 1e-300)
        {
            Assert.Equal(deviationUnits, stats.Deviation[0] / (scale / 8), deviationUnits * 1e-12);
            double rms = Math.Sqrt(units.Sum(u => u * u) / n);
            Assert.Equal(rms, stats.RootMeanSquare[0] / (scale / 8), rms * 1e-12);
        }
    }

    [Fact]
    public void ANearConstantColumnKeepsItsSpreadAndAConstantOneIsExactlyConstant()
    {
        int n = 1000;
        var random = new Random(2);
        var z = Enumerable.Range(0, n).Select(_ => CertificateSuite.Gaussian(random)).ToArray();
        var x = new double[2 * n];
        for (int i = 0; i < n; i++)
        {
            x[2 * i] = 1e12 + 0.1 * z[i];
            x[2 * i + 1] = 1e12 + 0.1;
        }
        var stats = ColumnStatistics.Of<double>(x, 2);
        var shifted = Enumerable.Range(0, n).Select(i => x[2 * i] - 1e12).ToArray();
        double mean = shifted.Average(), deviation = Math.Sqrt(shifted.Sum(v => (v - mean) * (v - mean)) / n);
        Assert.Equal(deviation, stats.Deviation[0], deviation * 1e-10);
        Assert.False(stats.Constant[0]);
        Assert.True(stats.Constant[1]);
        Assert.Equal(0.0, stats.Deviation[1]);
        // The centred values are the test's own to rounding.
        var centred = new double[2];
        stats.Centre([x[0], x[1]], centred);
        Assert.Equal(shifted[0] - mean, centred[0], 1e-12);
    }

    [Fact]
    public void NonFiniteValuesAreFlagged()
    {
        var stats = ColumnStatistics.Of<double>([1.0, double.NaN, 2.0, 3.0], 2);
        Assert.False(stats.IsFinite);
    }
}
