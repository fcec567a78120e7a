using GpuSparse.Anomaly;
using Xunit;

namespace GpuSparse.Tests.Anomaly;

public sealed class DetectionMetricsTests
{
    [Fact]
    public void RocAucMatchesPairCounting()
    {
        var random = new Random(3);
        // Scores rounded to one decimal so that ties occur across the classes.
        var scores = Enumerable.Range(0, 300).Select(_ => Math.Round(random.NextDouble(), 1)).ToArray();
        var labels = scores.Select(s => random.NextDouble() < 0.2 + 0.5 * s).ToArray();

        double wins = 0;
        int pairs = 0;
        for (int i = 0; i < scores.Length; i++)
            for (int j = 0; j < scores.Length; j++)
                if (labels[i] && !labels[j])
                {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }

        Assert.Equal(wins / pairs, DetectionMetrics.RocAuc(scores, labels), 12);
    }

    [Fact]
    public void RocAucIsOneForSeparatedAndHalfForConstantScores()
    {
        bool[] labels = [false, true, false, true];
        Assert.Equal(1.0, DetectionMetrics.RocAuc([0.1, 0.9, 0.2, 0.8], labels));
        Assert.Equal(0.0, DetectionMetrics.RocAuc([0.9, 0.1, 0.8, 0.2], labels));
        Assert.Equal(0.5, DetectionMetrics.RocAuc([1, 1, 1, 1], labels));
        Assert.Throws<ArgumentException>(() => DetectionMetrics.RocAuc([1, 2], [true, true]));
    }

    [Fact]
    public void PrecisionRecallCountsFlaggedItems()
    {
        var (precision, recall) = DetectionMetrics.PrecisionRecall([0, 0.5, 2, 3, 0], [false, true, true, false, true], 0.1);
        Assert.Equal(2.0 / 3, precision, 15);
        Assert.Equal(2.0 / 3, recall, 15);
    }
}
