using GpuSparse.Backends;
using GpuSparse.Model;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// <c>auto</c> with a device that fails: the batch is solved on <c>cd</c> instead, with one line saying so. Shown on the
/// CPU accelerator with a simulated device too small for one problem (the failure a full GPU reports).
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuFallbackTests
{
    [Fact]
    public void ADeviceThatCannotHoldTheBatch_FallsBackToCdWithOneLine()
    {
        var batch = TestProblems.Shared<double>(12, 5, TestProblems.Mixed(6, 5, seed: 51), seed: 52);
        var options = new SolverOptions { Tolerance = 1e-8 };
        var device = IlgpuBackend.CreateCpu();
        device.DeviceMemoryLimitBytes = 1;
        var notices = new StringWriter();
        using var auto = new FallbackBackend(device, notices);
        var result = auto.Solve(batch, options);
        var lines = notices.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("auto: solving on cd (CPU coordinate descent) instead: device '", line);
        Assert.Contains("is out of memory", line);
        Assert.Equal("cd", result.Backend);
        using var cd = new CoordinateDescentBackend();
        var expected = cd.Solve(batch, options);
        for (int k = 0; k < batch.Count; k++)
            Assert.Equal(expected[k].Coefficients, result[k].Coefficients);
    }

    [Fact]
    public void AHealthyDevice_SolvesWithoutANotice()
    {
        var batch = TestProblems.Shared<double>(12, 5, TestProblems.Mixed(3, 5, seed: 53), seed: 54);
        var notices = new StringWriter();
        using var auto = new FallbackBackend(IlgpuBackend.CreateCpu(IlgpuDevices.TwoLanes), notices);
        var result = auto.Solve(batch, new SolverOptions());
        Assert.Equal("cpu", result.Backend);
        Assert.Equal(0, result.CountWith(ProblemStatus.Invalid));
        Assert.Empty(notices.ToString());
    }
}
