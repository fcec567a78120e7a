using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Data;
using GpuSparse.Engines;
using GpuSparse.Model;
using GpuSparse.Preparation;
using GpuSparse.Tests.Reliability;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// The ILGPU backend's host side on the CPU accelerator: chunks pipelined over several device batches (each on its
/// own stream, staged and collected on other threads) give the bits of the same chunks run one after another, with
/// every status (converged, iteration limit, invalid, diverged); device batches are pooled across solves; staging
/// on several threads gives the bits of one thread.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuPipelineTests : IClassFixture<CpuBackendFixture>
{
    private const int Samples = 12, Features = 5, Problems = 23;
    private readonly IlgpuBackend _backend;

    public IlgpuPipelineTests(CpuBackendFixture fixture) => _backend = fixture.Backend;

    public static TheoryData<string> Layouts => ["shared", "per-problem"];

    [Theory]
    [MemberData(nameof(Layouts))]
    public void PipelinedChunks_AreBitIdenticalToSequentialChunks_AndToOneChunk(string layout)
    {
        AssertPipelineIdentical(Batch<double>(layout));
        AssertPipelineIdentical(Batch<float>(layout));
    }

    public static TheoryData<DeviceEngine> Engines => [DeviceEngine.ProximalGradient, DeviceEngine.GramCoordinateDescent];

    [Theory]
    [MemberData(nameof(Engines))]
    public void PipelinedPreparedProblems_WithDivergedOnes_AreBitIdenticalToSequentialChunks(DeviceEngine engine)
    {
        AssertPreparedPipelineIdentical<double>(engine);
        AssertPreparedPipelineIdentical<float>(engine);
    }

    [Fact]
    public void ASecondSolveOfTheSameShape_AllocatesNoDeviceBuffers()
    {
        var batch = Batch<double>("per-problem");
        int chunkLimit = _backend.MaxProblemsPerChunk;
        _backend.MaxProblemsPerChunk = 4;
        try
        {
            var first = _backend.Solve(batch, Options);
            long allocated = _backend.DeviceBufferAllocations;
            var second = _backend.Solve(batch, Options);
            Assert.Equal(allocated, _backend.DeviceBufferAllocations);
            ReliabilitySuite.AssertBitIdentical(first, second, Enumerable.Range(0, batch.Count));
            // a larger chunk grows the pool once, and a smaller one after it reuses the larger batches
            _backend.MaxProblemsPerChunk = 8;
            _backend.Solve(batch, Options);
            long grown = _backend.DeviceBufferAllocations;
            Assert.True(grown > allocated, "a larger chunk needs larger device batches");
            _backend.MaxProblemsPerChunk = 4;
            ReliabilitySuite.AssertBitIdentical(first, _backend.Solve(batch, Options), Enumerable.Range(0, batch.Count));
            Assert.Equal(grown, _backend.DeviceBufferAllocations);
        }
        finally
        {
            _backend.MaxProblemsPerChunk = chunkLimit;
        }
    }

    [Fact]
    public void ChunksTooSmallToFillTheDevice_AreNotDividedAmongThePipelinesBatches()
    {
        // one device batch per chunk of one group: no positive problems (they would be a second group)
        var settings = TestProblems.Mixed(Problems, Features, seed: 43).Select(s => s with { Positive = false }).ToArray();
        var batch = TestProblems.PerProblem<double>([Samples], Features, settings, seed: 44);
        int buffers;
        using (var one = new DeviceBatch<double>(_backend.Accelerator, _backend.Kernels, 1, Samples, Features, true, false))
            buffers = one.BufferCount;
        // room for 6 problems: a third of it (2) would not fill the device's thread slots, so one batch of 6 at a time
        _backend.DeviceMemoryLimitBytes = DeviceBatch<double>.RequiredBytes(6, Samples, Features, true);
        long before = _backend.DeviceBufferAllocations;
        BatchResult limited;
        try
        {
            limited = _backend.Solve(batch, Options);
        }
        finally
        {
            _backend.DeviceMemoryLimitBytes = null;
        }
        Assert.Equal(before + buffers, _backend.DeviceBufferAllocations);
        // chunks bounded by MaxProblemsPerChunk rather than by memory are pipelined over three batches
        before = _backend.DeviceBufferAllocations;
        var capped = With(4, IlgpuBackend.DefaultPipelineDepth, () => _backend.Solve(batch, Options));
        Assert.Equal(before + IlgpuBackend.DefaultPipelineDepth * buffers, _backend.DeviceBufferAllocations);
        ReliabilitySuite.AssertBitIdentical(limited, capped, Enumerable.Range(0, batch.Count));
    }

    [Fact]
    public void StagingOnSeveralThreads_LoadsTheBitsOfOneThread()
    {
        // 2,000 problems of 24 × 8 in float64: 2,000 · (24·8 + 24 + 24) · 8 B = 3.8 MB, several ranges of ≥ 1 MiB
        const int n = 24, p = 8, count = 2000;
        var problems = PreparedProblems<double>(count, n, p, breakSome: false);
        var options = new SolverOptions { Algorithm = SolverAlgorithm.Fista, Tolerance = 1e-8, MaxIterations = 50 };
        ProblemResult[] Solve(int threads)
        {
            using var device = new DeviceBatch<double>(_backend.Accelerator, _backend.Kernels, count, n, p, designPerProblem: true,
                positive: false, engine: DeviceEngine.ProximalGradient) { StagingThreads = threads };
            device.Load(problems);
            int iteration = device.Run(options, null, CancellationToken.None);
            var results = new ProblemResult[count];
            device.Collect(problems, iteration, results);
            return results;
        }
        var one = Solve(1);
        var several = Solve(4);
        for (int k = 0; k < count; k++)
        {
            Assert.Equal(one[k].Status, several[k].Status);
            Assert.Equal(one[k].Iterations, several[k].Iterations);
            Assert.Equal(one[k].Coefficients, several[k].Coefficients);
            Assert.Equal(one[k].DualityGap, several[k].DualityGap);
        }
    }

    [Fact]
    public void AWrongProblemInAParallelRange_ThrowsItsOwnException()
    {
        var problems = PreparedProblems<double>(2000, 24, 8, breakSome: false);
        // problem 1500 is in a later range: its penalty kind differs from the batch's
        var wrong = problems[1500];
        problems[1500] = new PreparedProblem<double>(wrong.Index, wrong.Design, wrong.Response, wrong.ResponseMean, wrong.L1, wrong.L2,
            positive: true, wrong.Initial, wrong.NullObjective, wrong.GapTolerance, wrong.FitIntercept, wrong.BasisDotResponse);
        using var device = new DeviceBatch<double>(_backend.Accelerator, _backend.Kernels, problems.Length, 24, 8, designPerProblem: true,
            positive: false, engine: DeviceEngine.ProximalGradient) { StagingThreads = 4 };
        Assert.Throws<ArgumentException>(() => device.Load(problems));
    }

    private static readonly SolverOptions Options = new() { Algorithm = SolverAlgorithm.Fista, Tolerance = 1e-8, MaxIterations = 400 };

    private void AssertPipelineIdentical<T>(ProblemBatch<T> batch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // a low limit leaves some problems at the iteration limit
        var options = Options with { MaxIterations = 40 };
        var whole = With(int.MaxValue, IlgpuBackend.DefaultPipelineDepth, () => _backend.Solve(batch, options));
        var sequential = With(2, 1, () => _backend.Solve(batch, options));
        var pipelined = With(2, IlgpuBackend.DefaultPipelineDepth, () => _backend.Solve(batch, options));
        Assert.Equal(2, whole.CountWith(ProblemStatus.Invalid));
        Assert.True(whole.CountWith(ProblemStatus.MaxIterations) > 0 && whole.CountWith(ProblemStatus.Converged) > 0,
            "the batch should mix converged problems and problems at the iteration limit");
        ReliabilitySuite.AssertBitIdentical(whole, sequential, Enumerable.Range(0, batch.Count));
        ReliabilitySuite.AssertBitIdentical(whole, pipelined, Enumerable.Range(0, batch.Count));
    }

    private void AssertPreparedPipelineIdentical<T>(DeviceEngine engine) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int n = 30, p = 10, count = 17, chunk = 2;
        var problems = PreparedProblems<T>(count, n, p, breakSome: true);
        var options = DeviceEngines.OptionsFor(engine, new SolverOptions
        {
            Algorithm = engine == DeviceEngine.GramCoordinateDescent ? SolverAlgorithm.GramCoordinateDescent : SolverAlgorithm.Fista,
            Tolerance = 1e-10,
            MaxIterations = 300,
        });
        ProblemResult[] Solve(int depth)
        {
            var devices = Enumerable.Range(0, depth).Select(_ => new DeviceBatch<T>(_backend.Accelerator, _backend.Kernels, chunk, n, p,
                designPerProblem: true, positive: false, engine: engine)).ToArray();
            try
            {
                var results = new ProblemResult[count];
                _backend.Pipeline(devices, problems, chunk, options, results, new ProgressReporter(null, count, new()), CancellationToken.None);
                return results;
            }
            finally
            {
                foreach (var device in devices)
                    device.Dispose();
            }
        }
        var sequential = Solve(1);
        var pipelined = Solve(IlgpuBackend.DefaultPipelineDepth);
        Assert.Contains(sequential, r => r.Status == ProblemStatus.Diverged);
        Assert.Contains(sequential, r => r.Status == ProblemStatus.Converged);
        for (int k = 0; k < count; k++)
        {
            Assert.Equal(sequential[k].Status, pipelined[k].Status);
            Assert.Equal(sequential[k].Iterations, pipelined[k].Iterations);
            Assert.Equal(sequential[k].Coefficients, pipelined[k].Coefficients);
            Assert.Equal(sequential[k].Intercept, pipelined[k].Intercept);
            Assert.Equal(sequential[k].DualityGap, pipelined[k].DualityGap);
            Assert.Equal(sequential[k].Message, pipelined[k].Message);
        }
    }

    /// <summary>
    /// Prepared elastic nets of n × p, each its own design; with <paramref name="breakSome"/>, every fifth (from 1) has
    /// a NaN in its working response (it diverges at iteration 0; invalid input never reaches a device batch, so the
    /// public-path test covers it).
    /// </summary>
    private static PreparedProblem<T>[] PreparedProblems<T>(int count, int n, int p, bool breakSome)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var options = new SolverOptions { Tolerance = 1e-10 };
        var problems = new PreparedProblem<T>[count];
        for (int k = 0; k < count; k++)
        {
            var data = PortableGenerator.Problem(n, p, (ulong)(50 + k));
            double lambda = 0.05 * PortableGenerator.AlphaMax(data.X, data.Y, n, p);
            var batch = ProblemBatch<T>.Single(data.X.Select(T.CreateTruncating).ToArray(), p, data.Y.Select(T.CreateTruncating).ToArray(),
                ProblemSettings.ElasticNet(lambda, 0.8));
            var problem = BatchPreparation.Prepare(batch, options).Problems[0]!;
            var response = (T[])problem.Response.Clone();
            if (breakSome && k % 5 == 1)
                response[2] = T.NaN;
            problems[k] = new PreparedProblem<T>(k, problem.Design, response, problem.ResponseMean, problem.L1, problem.L2,
                problem.Positive, problem.Initial, problem.NullObjective, problem.GapTolerance, problem.FitIntercept,
                problem.BasisDotResponse);
        }
        return problems;
    }

    private static ProblemBatch<T> Batch<T>(string layout) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var settings = TestProblems.Mixed(Problems, Features, seed: 41);
        settings[5] = settings[5] with { Lambda = -1 };
        settings[16] = settings[16] with { L1Ratio = 2 };
        return layout == "shared"
            ? TestProblems.Shared<T>(Samples, Features, settings, seed: 42)
            : TestProblems.PerProblem<T>([Samples], Features, settings, seed: 42);
    }

    private TResult With<TResult>(int chunk, int depth, Func<TResult> solve)
    {
        (int chunkBefore, int depthBefore) = (_backend.MaxProblemsPerChunk, _backend.PipelineDepth);
        (_backend.MaxProblemsPerChunk, _backend.PipelineDepth) = (chunk, depth);
        try
        {
            return solve();
        }
        finally
        {
            (_backend.MaxProblemsPerChunk, _backend.PipelineDepth) = (chunkBefore, depthBefore);
        }
    }
}
