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
/// the device), statuses, iterations and gaps with the finished count. Each direction is one packed copy (and one more
/// up for explicit starts); a warm call in which every problem finishes in the first launch is that launch, those two
/// copies and one wait, and a call that needs more reads the 4-byte finished count after each further launch and
/// downloads its results once more.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class ResidentSessionTransferTests : IClassFixture<CpuBackendFixture>
{
    private const int Samples = 16;
    private readonly IlgpuBackend _backend;

    public ResidentSessionTransferTests(CpuBackendFixture fixture) => _backend = fixture.Backend;

    // K × p even and odd: the packed sections put 4 bytes of alignment padding in the upload with float32 and p·K odd
    public static TheoryData<DeviceEngine, int, int> Cases => new()
    {
        { DeviceEngine.ProximalGradient, 40, 6 },
        { DeviceEngine.GramCoordinateDescent, 40, 6 },
        { DeviceEngine.ProximalGradient, 41, 5 },
        { DeviceEngine.GramCoordinateDescent, 41, 5 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AWarmCall_MovesOnlyTheResponsesPenaltiesAndResults_InOnePackedCopyEachWay(DeviceEngine engine, int count, int features)
    {
        AssertBytesMoved<double>(engine, count, features);
        AssertBytesMoved<float>(engine, count, features);
    }

    private void AssertBytesMoved<T>(DeviceEngine engine, int count, int features)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(11);
        var x = Values<T>(random, Samples * features);
        var y = Values<T>(random, count * Samples);
        var lambdas = Enumerable.Range(0, count).Select(k => 0.01 + 0.002 * k).ToArray();
        var ratios = Enumerable.Range(0, count).Select(k => k % 2 == 0 ? 1.0 : 0.5).ToArray();
        var before = _backend.Engine;
        _backend.Engine = engine;
        try
        {
            using var session = ResidentSession<T>.WithSharedDesign(_backend, x, features, count, new ResidentOptions(),
                new SolverOptions { Tolerance = 1e-8 });
            var coefficients = new double[count * features];
            var intercepts = new double[count];
            var gaps = new double[count];
            var iterations = new int[count];
            var statuses = new ProblemStatus[count];
            void Solve(double[]? starts = null) => session.Solve(y, lambdas, ratios,
                new ResidentOutput(coefficients, intercepts, gaps, iterations, statuses), starts);
            long size = Unsafe.SizeOf<T>();
            bool proximal = DeviceEngines.IsProximalGradient(engine);
            // y (n·K); λ, r, the gap tolerance and null objective (K doubles each), the statuses (K ints) and the
            // finished count (one int); λ starts 8-aligned after the returned iterates, K·2 ints and the count
            long padding = size == sizeof(float) && count * features % 2 == 1 ? 0 : 4;
            long upload = count * Samples * size + count * (4L * sizeof(double) + sizeof(int)) + sizeof(int) + padding;
            // the steps t and t/n (K each) depend on the design only: uploaded by the first call, in two copies
            long steps = proximal ? 2L * count * size : 0;
            Solve();
            Assert.Equal(upload + steps, session.BytesUploaded);
            Assert.Equal(ResidentCallCopies.Uploads + (proximal ? 2 : 0), session.Uploads);
            AssertDownloaded(session, size, count, features);
            for (int call = 0; call < 2; call++)
            {
                for (int e = 0; e < y.Length; e++)
                    y[e] += T.CreateTruncating(0.01 * (2 * random.NextDouble() - 1));
                Solve();
                Assert.Equal(upload, session.BytesUploaded);
                Assert.Equal(ResidentCallCopies.Uploads, session.Uploads);
                AssertDownloaded(session, size, count, features);
                Assert.DoesNotContain(statuses, status => status is ProblemStatus.Invalid or ProblemStatus.Diverged);
            }
            // from the last solutions at a looser tolerance every problem finishes at its first check (at 1e-8 some
            // proximal-gradient ones reach the iteration limit): one launch, one download with the count, one wait
            session.Options = new SolverOptions { Tolerance = 1e-4 };
            Solve();
            Assert.All(statuses, status => Assert.Equal(ProblemStatus.Converged, status));
            Assert.Equal(ResidentCallCopies.Uploads, session.Uploads);
            Assert.Equal(ResidentCallCopies.Launches, session.Launches);
            Assert.Equal(ResidentCallCopies.Downloads, session.Downloads);
            Assert.Equal(ResidentCallCopies.Synchronizations, session.Synchronizations);
            Assert.Equal((1, 1, 1, 1, 0), (session.Uploads, session.Launches, session.Downloads, session.Synchronizations, session.FinishedReads));
            Assert.Equal(upload, session.BytesUploaded);
            AssertDownloaded(session, size, count, features);
            // explicit starts (p·K) are the one thing a call adds
            Solve([.. coefficients]);
            Assert.Equal(upload + count * features * size, session.BytesUploaded);
            Assert.Equal(ResidentCallCopies.Uploads + 1, session.Uploads);
            AssertDownloaded(session, size, count, features);
        }
        finally
        {
            _backend.Engine = before;
        }
    }

    // the returned iterates (p·K), statuses and finishing iterations (K ints), last and best gaps (K doubles) and the
    // finished count, in one copy after the first launch; when some problems were still running then, 4 bytes per read of
    // the count after each further launch, one copy each, and the results once more at the end; a wait per copy
    private static void AssertDownloaded<T>(ResidentSession<T> session, long size, int count, int features)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int results = session.FinishedReads == 0 ? 1 : 2;
        long resultBytes = (long)count * features * size + count * (2L * sizeof(int) + 2L * sizeof(double)) + sizeof(int);
        Assert.Equal(results * resultBytes + 4L * session.FinishedReads, session.BytesDownloaded);
        Assert.Equal(results + session.FinishedReads, session.Downloads);
        Assert.Equal(session.Downloads, session.Synchronizations);
    }

    private static T[] Values<T>(Random random, int length) where T : unmanaged, IFloatingPointIeee754<T> =>
        [.. Enumerable.Range(0, length).Select(_ => T.CreateTruncating(2 * random.NextDouble() - 1))];
}
