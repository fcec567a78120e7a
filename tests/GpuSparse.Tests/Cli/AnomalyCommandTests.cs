using GpuSparse.Anomaly;
using GpuSparse.Backends;
using GpuSparse.Cli.Commands;
using GpuSparse.Model;
using Xunit;

namespace GpuSparse.Tests.Cli;

public sealed class AnomalyCommandTests
{
    private static AnomalyCommand.AnomalyRequest Request(string? output, double lambdaS = 1.25e-3, string precision = "f64") =>
        new(Size: 48, Patch: 8, Stride: 4, MaxFrequency: 3,
            new RobustCodingSettings { CodeLambda = 1e-4, AnomalyLambda = lambdaS },
            Noise: 0.02, Spots: 3, Scratches: 1, Seed: 3, new SolverOptions(), precision, output);

    [Theory]
    [InlineData("f64")]
    [InlineData("f32")]
    public void FindsTheInjectedDefects(string precision)
    {
        using var backend = new ReferenceBackend();
        var report = precision == "f32"
            ? AnomalyCommand.Detect<float>(Request(null, precision: precision), backend)
            : AnomalyCommand.Detect<double>(Request(null, precision: precision), backend);

        Assert.Equal(11 * 11, report.Patches);
        Assert.Equal(report.Patches, report.Converged);
        Assert.True(report.RocAuc > 0.97, $"ROC-AUC {report.RocAuc}");
        Assert.True(report.Recall > 0.9, $"recall {report.Recall}");
        Assert.True(report.Precision > 0.3, $"precision {report.Precision}");
    }

    [Fact]
    public void DefectsAreNotFoundWhenTheThresholdIsAboveThem()
    {
        // n·λ_s = 64 × 0.02 = 1.28 exceeds every defect (≤ 0.5): nothing is flagged, the scores are all zero.
        using var backend = new ReferenceBackend();
        var report = AnomalyCommand.Detect<double>(Request(null, lambdaS: 0.02), backend);
        Assert.Equal(0.5, report.RocAuc);
        Assert.Equal(0.0, report.Recall);
    }

    [Fact]
    public void WritesTheImagesAndRejectsBadPenalties()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"gpusparse-anomaly-{Guid.NewGuid():N}");
        try
        {
            using var backend = new ReferenceBackend();
            var stdout = new StringWriter();
            Assert.Equal(ExitCodes.Success, AnomalyCommand.Run(Request(folder), backend, stdout, TextWriter.Null));
            Assert.Contains("ROC-AUC", stdout.ToString());
            foreach (var name in new[] { "image.png", "reconstruction.png", "anomaly.png", "truth.png" })
            {
                var bytes = File.ReadAllBytes(Path.Combine(folder, name));
                Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
            }
            Assert.Equal(ExitCodes.BadInput, AnomalyCommand.Run(Request(folder, lambdaS: 0), backend, TextWriter.Null, TextWriter.Null));
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }
}
