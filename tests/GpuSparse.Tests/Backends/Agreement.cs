using System.Numerics;
using GpuSparse.Model;
using GpuSparse.Reference;
using GpuSparse.Solvers;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>How far a backend's results are from the reference's.</summary>
internal readonly record struct AgreementReport(double MaxRelative, int BitIdentical, int Compared)
{
    public override string ToString() => $"max relative difference {MaxRelative:E2}, {BitIdentical}/{Compared} values bit-identical";
}

/// <summary>Solves a batch on the reference path (or another oracle) and on another backend and compares every result.</summary>
internal static class Agreement
{
    /// <summary>
    /// Asserts equal statuses, iteration counts and fields, and coefficients, intercepts, gaps and objectives
    /// within <paramref name="relative"/> (|a − b| ≤ relative·max(|a|, |b|, scale)); returns what was measured.
    /// </summary>
    public static AgreementReport Check<T>(ISolverBackend backend, ProblemBatch<T> batch, SolverOptions options, double relative,
        ISolverBackend? oracle = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var reference = new ReferenceBackend();
        var expected = (oracle ?? reference).Solve(batch, options);
        var actual = backend.Solve(batch, options);
        Assert.Equal(backend.Name, actual.Backend);
        double worst = 0;
        int identical = 0, compared = 0;
        for (int k = 0; k < batch.Count; k++)
        {
            ProblemResult e = expected[k], a = actual[k];
            Assert.True(e.Status == a.Status, $"problem {k}: status {a.Status}, reference {e.Status} ({e.Message})");
            Assert.True(e.Iterations == a.Iterations, $"problem {k}: {a.Iterations} iterations, reference {e.Iterations}");
            Assert.Equal(e.Message, a.Message);
            Assert.Equal(e.Field, a.Field);
            Assert.Equal(e.GapTolerance, a.GapTolerance);
            double scale = e.Coefficients.Select(Math.Abs).DefaultIfEmpty(0).Max() + Math.Abs(e.Intercept);
            foreach (var (x, y, s) in e.Coefficients.Zip(a.Coefficients, (x, y) => (x, y, scale))
                         .Append((e.Intercept, a.Intercept, scale))
                         .Append((e.DualityGap, a.DualityGap, Math.Abs(e.Objective)))
                         .Append((e.Objective, a.Objective, Math.Abs(e.Objective))))
            {
                compared++;
                if (x.Equals(y))
                {
                    identical++;
                    continue;
                }
                double difference = Math.Abs(x - y) / Math.Max(Math.Max(Math.Abs(x), Math.Abs(y)), s);
                worst = Math.Max(worst, double.IsNaN(difference) ? double.PositiveInfinity : difference);
            }
        }
        var report = new AgreementReport(worst, identical, compared);
        Assert.True(worst <= relative, $"{backend.Name}: {report} (allowed {relative:E1})");
        return report;
    }
}
