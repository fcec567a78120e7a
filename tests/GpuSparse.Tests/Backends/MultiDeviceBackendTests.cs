using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Model;
using GpuSparse.Tests.Cli;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// A batch split over several devices returns, in input order, the results one device of the same kind gives the
/// whole batch, bit for bit; the split follows measured throughput. Two ILGPU CPU accelerators stand in for two GPUs.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class MultiDeviceBackendTests
{
    private static void AssertIdentical(BatchResult expected, BatchResult actual)
    {
        Assert.Equal(expected.Problems.Count, actual.Problems.Count);
        for (int k = 0; k < expected.Problems.Count; k++)
        {
            var (e, a) = (expected[k], actual[k]);
            Assert.Equal(e.Coefficients, a.Coefficients);
            Assert.Equal(e.Intercept, a.Intercept);
            Assert.Equal(e.DualityGap, a.DualityGap);
            Assert.Equal(e.Objective, a.Objective);
            Assert.Equal(e.Iterations, a.Iterations);
            Assert.Equal(e.Status, a.Status);
            Assert.Equal(e.Message, a.Message);
        }
    }

    private static void TwoAcceleratorsAsOne<T>(ProblemBatch<T> batch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var options = new SolverOptions { Tolerance = 1e-8 };
        using var one = IlgpuBackend.CreateCpu();
        var expected = one.Solve(batch, options);
        using var two = new MultiDeviceBackend([IlgpuBackend.CreateCpu(), IlgpuBackend.CreateCpu()]);
        AssertIdentical(expected, two.Solve(batch, options));
        // The second solve splits by the measured throughputs, no longer evenly: the same results again. Measured means
        // not the even split's default of 1, whatever the machine's speed (no timing is asserted).
        Assert.All(two.Throughput, rate =>
        {
            Assert.True(double.IsFinite(rate) && rate > 0, $"throughput {rate}");
            Assert.NotEqual(1.0, rate);
        });
        AssertIdentical(expected, two.Solve(batch, options));
        Assert.Equal("cpu", two.Name);
    }

    [Fact]
    public void TwoCpuAcceleratorsGiveOneAcceleratorsResults_SharedDesign_Float64() =>
        TwoAcceleratorsAsOne(TestProblems.Shared<double>(30, 8, TestProblems.Mixed(21, 8, 1), 2));

    [Fact]
    public void TwoCpuAcceleratorsGiveOneAcceleratorsResults_DesignPerProblem_Float32() =>
        TwoAcceleratorsAsOne(TestProblems.PerProblem<float>([25, 40, 31], 7, TestProblems.Mixed(17, 7, 3), 4));

    [Fact]
    public void AnInvalidProblemIsNamedByItsIndexInTheWholeBatch()
    {
        var settings = TestProblems.Mixed(10, 6, 5);
        settings[8] = settings[8] with { Lambda = -1 };
        var batch = TestProblems.Shared<double>(20, 6, settings, 6);
        using var one = IlgpuBackend.CreateCpu();
        var expected = one.Solve(batch, new SolverOptions());
        using var two = new MultiDeviceBackend([IlgpuBackend.CreateCpu(), IlgpuBackend.CreateCpu()]);
        var actual = two.Solve(batch, new SolverOptions());
        Assert.Equal(ProblemStatus.Invalid, actual[8].Status);
        Assert.StartsWith("problem 8", actual[8].Message);
        AssertIdentical(expected, actual);
    }

    [Theory]
    [InlineData(10, new[] { 1.0, 3.0 }, new[] { 3, 7 })]
    [InlineData(5, new[] { 1.0, 1.0, 1.0 }, new[] { 2, 2, 1 })]
    [InlineData(1, new[] { 1.0, 1.0 }, new[] { 1, 0 })]
    [InlineData(100, new[] { 2000.0, 500.0 }, new[] { 80, 20 })]
    public void TheSplitFollowsThroughput(int count, double[] rates, int[] expected) =>
        Assert.Equal(expected, MultiDeviceBackend.Split(count, rates));

    /// <summary>A reference backend that takes <c>delay</c> per problem, and records how many problems it was given.</summary>
    private sealed class TimedDevice(TimeSpan delay) : ISolverBackend
    {
        private readonly ReferenceBackend _reference = new();

        public List<int> Given { get; } = [];

        public string Name => "timed";

        public GpuSparse.Backends.BackendCapabilities Capabilities => _reference.Capabilities;

        public BatchResult Solve<T>(ProblemBatch<T> batch, SolverOptions options, IProgress<SolveProgress>? progress = null,
            CancellationToken cancellationToken = default) where T : unmanaged, IFloatingPointIeee754<T>
        {
            Given.Add(batch.Count);
            Thread.Sleep(delay * batch.Count);
            return _reference.Solve(batch, options, progress, cancellationToken);
        }

        public void Dispose() => _reference.Dispose();
    }

    [Fact]
    public void AFasterDeviceIsGivenMoreOfTheNextBatch()
    {
        var batch = TestProblems.Shared<double>(20, 5, TestProblems.Mixed(40, 5, 7), 8);
        TimedDevice fast = new(TimeSpan.FromMilliseconds(5)), slow = new(TimeSpan.FromMilliseconds(20));
        using var devices = new MultiDeviceBackend([fast, slow]);
        var first = devices.Solve(batch, new SolverOptions());
        var second = devices.Solve(batch, new SolverOptions());
        Assert.Equal([20, 20], new[] { fast.Given[0], slow.Given[0] });
        Assert.True(fast.Given[1] >= 2 * slow.Given[1], $"fast {fast.Given[1]}, slow {slow.Given[1]}");
        AssertIdentical(first, second);
    }

    [Fact]
    public void DevicesOfDifferentKindsAreRefused()
    {
        using var reference = new ReferenceBackend();
        using var cd = new CoordinateDescentBackend();
        Assert.Throws<ArgumentException>(() => new MultiDeviceBackend([reference, cd]));
    }

    [Fact]
    public void SolveWithTwoCpuDevicesWritesTheOneDeviceFiles()
    {
        string folder = Directory.CreateTempSubdirectory("gpusparse-devices-").FullName;
        try
        {
            string[] Args(string output, params string[] extra) => ["solve", "--x", CliRunner.Diabetes("X.npy"), "--y", CliRunner.Diabetes("y.npy"),
                "--alpha", "0.5", "--backend", "cpu", .. extra, "--out", Path.Combine(folder, output)];
            Assert.Equal(0, CliRunner.Run(Args("one")).Exit);
            Assert.Equal(0, CliRunner.Run(Args("two", "--devices", "0,1")).Exit);
            foreach (string file in new[] { "coef.npy", "intercept.npy", "coef.csv" })
                Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "one", file)), File.ReadAllBytes(Path.Combine(folder, "two", file)));
            var (exit, _, stderr) = CliRunner.Run(Args("bad", "--devices", "0,0"));
            Assert.Equal(2, exit);
            Assert.Contains("--devices 0,0: names a device twice", stderr);
            (exit, _, stderr) = CliRunner.Run(["solve", "--x", CliRunner.Diabetes("X.npy"), "--y", CliRunner.Diabetes("y.npy"), "--alpha", "0.5",
                "--backend", "cd", "--devices", "1", "--out", Path.Combine(folder, "cd")]);
            Assert.Equal(2, exit);
            Assert.Contains("--devices 1: the cd backend runs on every CPU core already", stderr);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
