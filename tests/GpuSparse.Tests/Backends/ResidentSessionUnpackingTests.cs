using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Model;
using Xunit;
using static GpuSparse.Tests.Backends.ResidentSessionTests;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// A resident-session call's unpacking across its chunks (<see cref="ResidentSession{T}.ChunkValues"/> coefficients at a
/// time on a shared design): K = 150 problems of p = 7 make two full chunks of 73 and a last one of 4. Invalid problems
/// sit at chunks' first and last places and among a group's four intercept lanes, but not everywhere: a valid problem is
/// alone in its chunk's last group, another last in the last group. The design has a constant column, and problems stop
/// at the iteration limit (the best or the last iterate returned with its gap). Every result must be
/// <see cref="IlgpuBackend.Solve{T}"/>'s on the same problems to the last bit.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class ResidentSessionUnpackingTests : IClassFixture<CpuBackendFixture>
{
    private const int Count = 150, Samples = 10, Features = 7, ConstantColumn = 3;
    private static readonly int[] Invalid = [0, 6, 72, 73, 146, 148];
    private readonly IlgpuBackend _backend;

    public ResidentSessionUnpackingTests(CpuBackendFixture fixture) => _backend = fixture.Backend;

    [Theory]
    [InlineData(true, 1e-8, 0)]
    [InlineData(false, 1e-8, 0)]
    [InlineData(true, 1e-14, 6)]
    [InlineData(false, 1e-14, 6)]
    public void ResultsAcrossChunks_AreTheBatchPaths(bool fitIntercept, double tolerance, int maxIterations)
    {
        Assert.True(Count * Features > 2 * ResidentSession<double>.ChunkValues, "the call should span more than two chunks");
        var options = new SolverOptions
        {
            Tolerance = tolerance, MaxIterations = maxIterations > 0 ? maxIterations : 10_000, CheckInterval = maxIterations > 0 ? 1 : 10,
        };
        AssertLikeTheBatchPath<double>(fitIntercept, options);
        // float32 stops at 1e-5 where float64 converges at 1e-8: 1e-8 lies below float32's gap floor for a third of
        // the problems, which would run all 10,000 iterations
        AssertLikeTheBatchPath<float>(fitIntercept, maxIterations > 0 ? options : options with { Tolerance = 1e-5 });
    }

    private void AssertLikeTheBatchPath<T>(bool fitIntercept, SolverOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(29);
        var x = RandomValues<T>(random, Samples * Features);
        for (int i = 0; i < Samples; i++)
            x[i * Features + ConstantColumn] = T.CreateTruncating(fitIntercept ? -0.4 : 0.0);
        var structure = new ResidentOptions { FitIntercept = fitIntercept };
        using var session = ResidentSession<T>.WithSharedDesign(_backend, x, Features, Count, structure, options);
        var y = Responses(random, x, Count, Samples, Features);
        var lambdas = Enumerable.Range(0, Count).Select(k => 0.003 + 0.0005 * (k % 40)).ToArray();
        var ratios = Enumerable.Range(0, Count).Select(k => (k % 3) * 0.5).ToArray();
        foreach (int k in Invalid)
            y[k * Samples + k % Samples] = T.NaN;
        var output = new Output(Count, Features);
        // the second call starts from the first's returned iterates
        for (int call = 0; call < 2; call++)
        {
            var starts = (double[])output.Coefficients.Clone();
            session.Solve(y, lambdas, ratios, output.Span);
            var settings = Enumerable.Range(0, Count).Select(k => new ProblemSettings
            {
                Lambda = lambdas[k], L1Ratio = ratios[k], FitIntercept = fitIntercept,
                WarmStart = call == 0 ? null : starts.AsSpan(k * Features, Features).ToArray(),
            }).ToArray();
            var expected = _backend.Solve(ProblemBatch<T>.WithSharedDesign(x, Features, y, settings), options);
            for (int k = 0; k < Count; k++)
            {
                var e = expected[k];
                Assert.Equal(Invalid.Contains(k), e.Status == ProblemStatus.Invalid);
                Assert.True(e.Status == output.Statuses[k], $"problem {k}: {output.Statuses[k]}, the batch path's {e.Status}");
                Assert.Equal(e.Iterations, output.Iterations[k]);
                Assert.Equal(e.Status == ProblemStatus.Invalid ? new double[Features] : e.Coefficients,
                    output.Coefficients.AsSpan(k * Features, Features).ToArray());
                Assert.Equal(e.Status == ProblemStatus.Invalid ? 0.0 : e.Intercept, output.Intercepts[k]);
                Assert.Equal(e.Status == ProblemStatus.Invalid ? double.NaN : e.DualityGap, output.Gaps[k]);
                Assert.Equal(0.0, output.Coefficients[k * Features + ConstantColumn]);
            }
            if (options.MaxIterations < 10)
                Assert.All(Enumerable.Range(0, Count).Where(k => !Invalid.Contains(k)),
                    k => Assert.Equal(ProblemStatus.MaxIterations, output.Statuses[k]));
        }
    }
}
