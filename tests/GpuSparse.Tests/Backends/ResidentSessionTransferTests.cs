using System.Numerics;
using System.Runtime.CompilerServices;
using GpuSparse.Backends;
using GpuSparse.Engines;
using GpuSparse.Model;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// What a resident-session call moves between host and device, counted byte for byte on the CPU accelerator: in,
/// y, λ, r and a few scalars per problem (the design and the steps only on the first call, starts only when the
/// caller gives them: the weights and the warm starts stay on the device); out, the returned iterates (chosen on
/// the device), statuses, iterations and gaps, and the 4-byte finished counts.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class ResidentSessionTransferTests : IClassFixture<CpuBackendFixture>
{
    private const int Count = 40, Samples = 16, Features = 6;
    private readonly IlgpuBackend _backend;

    public ResidentSessionTransferTests(CpuBackendFixture fixture) => _backend = fixture.Backend;

    public static TheoryData<DeviceEngine> Engines => [DeviceEngine.ProximalGradient, DeviceEngine.GramCoordinateDescent];

    [Theory]
    [MemberData(nameof(Engines))]
    public void AWarmCall_MovesOnlyTheResponsesPenaltiesAndResults(DeviceEngine engine)
    {
        AssertBytesMoved<double>(engine);
        AssertBytesMoved<float>(engine);
    }

    private void AssertBytesMoved<T>(DeviceEngine engine) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(11);
        var x = Values<T>(random, Samples * Features);
        var y = Values<T>(random, Count * Samples);
        var lambdas = Enumerable.Range(0, Count).Select(k => 0.01 + 0.002 * k).ToArray();
        var ratios = Enumerable.Range(0, Count).Select(k => k % 2 == 0 ? 1.0 : 0.5).ToArray();
        var before = _backend.Engine;
        _backend.Engine = engine;
        try
        {
            using var session = ResidentSession<T>.WithSharedDesign(_backend, x, Features, Count, new ResidentOptions(),
                new SolverOptions { Tolerance = 1e-8 });
            var coefficients = new double[Count * Features];
            var intercepts = new double[Count];
            var gaps = new double[Count];
            var iterations = new int[Count];
            var statuses = new ProblemStatus[Count];
            void Solve(double[]? starts = null) => session.Solve(y, lambdas, ratios,
                new ResidentOutput(coefficients, intercepts, gaps, iterations, statuses), starts);
            long size = Unsafe.SizeOf<T>();
            bool proximal = DeviceEngines.IsProximalGradient(engine);
            // y (n·K); λ, r, the gap tolerance and null objective (K doubles each), the statuses (K ints) and the
            // finished count (one int)
            long upload = Count * Samples * size + Count * (4L * sizeof(double) + sizeof(int)) + sizeof(int);
            // the steps t and t/n (K each) depend on the design only: uploaded by the first call
            long steps = proximal ? 2L * Count * size : 0;
            Solve();
            Assert.Equal(upload + steps, session.BytesUploaded);
            AssertDownloaded(session, size);
            for (int call = 0; call < 2; call++)
            {
                for (int e = 0; e < y.Length; e++)
                    y[e] += T.CreateTruncating(0.01 * (2 * random.NextDouble() - 1));
                Solve();
                Assert.Equal(upload, session.BytesUploaded);
                AssertDownloaded(session, size);
                Assert.DoesNotContain(statuses, status => status is ProblemStatus.Invalid or ProblemStatus.Diverged);
            }
            // explicit starts (p·K) are the one thing a call adds
            Solve([.. coefficients]);
            Assert.Equal(upload + Count * Features * size, session.BytesUploaded);
            AssertDownloaded(session, size);
        }
        finally
        {
            _backend.Engine = before;
        }
    }

    // the returned iterates (p·K), statuses and finishing iterations (K ints), last and best gaps (K doubles), and 4
    // bytes per read of the finished count
    private static void AssertDownloaded<T>(ResidentSession<T> session, long size) where T : unmanaged, IFloatingPointIeee754<T> =>
        Assert.Equal((long)Count * Features * size + Count * (2L * sizeof(int) + 2L * sizeof(double)) + 4L * session.FinishedReads,
            session.BytesDownloaded);

    private static T[] Values<T>(Random random, int length) where T : unmanaged, IFloatingPointIeee754<T> =>
        [.. Enumerable.Range(0, length).Select(_ => T.CreateTruncating(2 * random.NextDouble() - 1))];
}
