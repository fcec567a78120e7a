using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Model;
using Xunit;
using static GpuSparse.Tests.Backends.ResidentSessionTests;

namespace GpuSparse.Tests.Backends;

/// <summary>
/// A resident-session call's faults of y and its unpacking, against <see cref="IlgpuBackend.Solve{T}"/> on the same
/// problems: faults in both vectors of a group of eight (lanes 0, 3, 5, 6) and in the last, partial group (11 problems; see
/// ResponseLanes), a finite y whose
/// ‖y_c‖² overflows (float64) or whose values overflow float32 sums of squares (float32), must be the batch path's fault
/// with its message, and every other problem's results the same, on a design with a constant column (its coefficient 0
/// on unpacking). It guards any staging that handles several problems at once or checks y through its sums.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class ResidentSessionFaultTests : IClassFixture<CpuBackendFixture>
{
    private const int Count = 11, Samples = 6, Features = 4, ConstantColumn = 2;
    private readonly IlgpuBackend _backend;

    public ResidentSessionFaultTests(CpuBackendFixture fixture) => _backend = fixture.Backend;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FaultsInEveryLaneAndTheLastGroup_AreTheBatchPathsAndTheRestItsResults(bool fitIntercept)
    {
        AssertLikeTheBatchPath<double>(fitIntercept, 1e200);
        AssertLikeTheBatchPath<float>(fitIntercept, 1e30);
    }

    private void AssertLikeTheBatchPath<T>(bool fitIntercept, double huge) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(23);
        var x = RandomValues<T>(random, Samples * Features);
        for (int i = 0; i < Samples; i++)
            x[i * Features + ConstantColumn] = T.CreateTruncating(fitIntercept ? 0.75 : 0.0);
        var structure = new ResidentOptions { FitIntercept = fitIntercept };
        var options = new SolverOptions { Tolerance = 1e-8 };
        using var session = ResidentSession<T>.WithSharedDesign(_backend, x, Features, Count, structure, options);
        var y = Responses(random, x, Count, Samples, Features);
        // problem 0: NaN first; 5: +∞ in the middle; 6: NaN last; 3: ±huge (finite); the partial group's
        // last problem (its lane 2, repeated in lanes 3–7): −∞
        var faults = new (int Problem, int At, double Value)[]
        {
            (0, 0, double.NaN), (5, 3, double.PositiveInfinity), (6, Samples - 1, double.NaN), (10, 1, double.NegativeInfinity),
        };
        foreach (var (k, at, value) in faults)
            y[k * Samples + at] = T.CreateTruncating(value);
        for (int i = 0; i < Samples; i++)
            y[3 * Samples + i] = T.CreateTruncating(i % 2 == 0 ? huge : -huge);
        var lambdas = Enumerable.Range(0, Count).Select(k => 0.01 + 0.004 * k).ToArray();
        var ratios = Enumerable.Range(0, Count).Select(k => (k % 3) * 0.5).ToArray();
        var output = new Output(Count, Features);
        session.Solve(y, lambdas, ratios, output.Span);
        var settings = Enumerable.Range(0, Count)
            .Select(k => new ProblemSettings { Lambda = lambdas[k], L1Ratio = ratios[k], FitIntercept = fitIntercept }).ToArray();
        var expected = _backend.Solve(ProblemBatch<T>.WithSharedDesign(x, Features, y, settings), options);
        var invalid = new[] { 0, 3, 5, 6, 10 };
        for (int k = 0; k < Count; k++)
        {
            var e = expected[k];
            Assert.Equal(invalid.Contains(k), e.Status == ProblemStatus.Invalid);
            Assert.Equal(e.Status, output.Statuses[k]);
            Assert.Equal(e.Message, session.Message(k));
            Assert.Equal(e.Iterations, output.Iterations[k]);
            Assert.Equal(e.Status == ProblemStatus.Invalid ? new double[Features] : e.Coefficients, output.Coefficients.AsSpan(k * Features, Features).ToArray());
            Assert.Equal(e.Status == ProblemStatus.Invalid ? 0.0 : e.Intercept, output.Intercepts[k]);
            Assert.Equal(e.Status == ProblemStatus.Invalid ? double.NaN : e.DualityGap, output.Gaps[k]);
            Assert.Equal(0.0, output.Coefficients[k * Features + ConstantColumn]);
        }
        // the faults found are y's, named as the batch path names them
        Assert.Contains("y[0] is NaN", session.Message(0));
        Assert.Contains($"y[{Samples - 1}] is NaN", session.Message(6));
        Assert.Contains(typeof(T) == typeof(float) ? "overflow float32 sums of squares" : "beyond the float64 range", session.Message(3));
    }
}
