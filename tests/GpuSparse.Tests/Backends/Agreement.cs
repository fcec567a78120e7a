using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Model;
using Xunit;

namespace GpuSparse.Tests.Backends;

/// <summary>How far a backend's results are from the reference's.</summary>
internal readonly record struct AgreementReport(double MaxRelative, int BitIdentical, int Compared, int StoppedApart = 0, double MaxCertificateRelative = 0,
    int OtherBest = 0)
{
    public override string ToString() => $"max relative difference {MaxRelative:E2} (gaps and objectives {MaxCertificateRelative:E2}), {BitIdentical}/{Compared} values bit-identical" +
        (StoppedApart > 0 ? $", {StoppedApart} problems stopped at another check within rounding of the tolerance" : "") +
        (OtherBest > 0 ? $", {OtherBest} problems returned another check's iterate as the best, its gap the reference's to rounding" : "");
}

/// <summary>Solves a batch on the reference path (or another oracle) and on another backend and compares every result.</summary>
internal static class Agreement
{
    /// <summary>
    /// Asserts equal statuses, iteration counts and fields, and coefficients, intercepts, gaps and objectives
    /// within <paramref name="relative"/> (|a − b| ≤ relative·max(|a|, |b|, scale)); returns what was measured.
    /// </summary>
    /// <param name="backend">The backend under test.</param>
    /// <param name="batch">The problems.</param>
    /// <param name="options">The solver options of both solves.</param>
    /// <param name="relative">The bound on value differences.</param>
    /// <param name="oracle">The backend to compare with (default the reference path).</param>
    /// <param name="gapRounding">
    /// 0: statuses and iteration counts must be equal. Otherwise the bound, relative to max(|f|, tolerance), on how
    /// far the two gaps of one iterate may differ by rounding: a problem may then stop at a different check only if
    /// the solve that stopped first by convergence did so with a gap within that bound of the tolerance (the other,
    /// rounding the same check's gap the other way, saw it above); such problems are counted, not compared.
    /// </param>
    /// <param name="certificateRelative">
    /// The bound on the gaps' and objectives' differences where it is not <paramref name="relative"/>: an engine that
    /// iterates in the reference's order but sums its checks in another (coefficients bit-identical, certificates to
    /// rounding). Its best iterate (returned at the iteration limit) is the check of the smallest gap, and where two
    /// checks' gaps lie within rounding of each other the two solves may keep different ones: a problem at the limit
    /// whose coefficients differ is then counted, not compared, if its returned gap is the reference's within
    /// <paramref name="certificateRelative"/>·max(|f|, tolerance) (a best iterate as good, to rounding).
    /// </param>
    public static AgreementReport Check<T>(ISolverBackend backend, ProblemBatch<T> batch, SolverOptions options, double relative,
        ISolverBackend? oracle = null, double gapRounding = 0, double? certificateRelative = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var reference = new ReferenceBackend();
        var expected = (oracle ?? reference).Solve(batch, options);
        var actual = backend.Solve(batch, options);
        Assert.Equal(backend.Name, actual.Backend);
        return Compare(backend.Name, expected, actual, relative, gapRounding, certificateRelative);
    }

    /// <summary>The comparison of <see cref="Check"/> on results already solved (<paramref name="expected"/> the oracle's).</summary>
    public static AgreementReport Compare(string name, BatchResult expected, BatchResult actual, double relative, double gapRounding = 0,
        double? certificateRelative = null)
    {
        int count = expected.Problems.Count;
        double worst = 0, worstCertificate = 0;
        int otherBest = 0;
        int identical = 0, compared = 0;
        for (int k = 0; k < count; k++)
        {
            ProblemResult e = expected[k], a = actual[k];
            if (gapRounding > 0 && (e.Status != a.Status || e.Iterations != a.Iterations))
            {
                AssertStopsWithinRoundingOfTheTolerance(k, e, a, gapRounding);
                continue;
            }
            Assert.True(e.Status == a.Status, $"problem {k}: status {a.Status}, reference {e.Status} ({e.Message})");
            Assert.True(e.Iterations == a.Iterations, $"problem {k}: {a.Iterations} iterations, reference {e.Iterations}");
            Assert.Equal(e.Message, a.Message);
            Assert.Equal(e.Field, a.Field);
            Assert.Equal(e.GapTolerance, a.GapTolerance);
            if (certificateRelative is { } bound && e.Status == ProblemStatus.MaxIterations && !e.Coefficients.SequenceEqual(a.Coefficients))
            {
                double gapBound = bound * Math.Max(Math.Abs(e.Objective), e.GapTolerance);
                Assert.True(Math.Abs(e.DualityGap - a.DualityGap) <= gapBound,
                    $"problem {k}: another iterate returned with gap {a.DualityGap:E6}, the reference's {e.DualityGap:E6} (rounding bound {gapBound:E2})");
                otherBest++;
                continue;
            }
            double scale = e.Coefficients.Select(Math.Abs).DefaultIfEmpty(0).Max() + Math.Abs(e.Intercept);
            foreach (var (x, y, s, certificate) in e.Coefficients.Zip(a.Coefficients, (x, y) => (x, y, scale, false))
                         .Append((e.Intercept, a.Intercept, scale, false))
                         .Append((e.DualityGap, a.DualityGap, Math.Abs(e.Objective), true))
                         .Append((e.Objective, a.Objective, Math.Abs(e.Objective), true)))
            {
                compared++;
                if (x.Equals(y))
                {
                    identical++;
                    continue;
                }
                double difference = Math.Abs(x - y) / Math.Max(Math.Max(Math.Abs(x), Math.Abs(y)), s);
                difference = double.IsNaN(difference) ? double.PositiveInfinity : difference;
                if (certificate && certificateRelative is not null)
                    worstCertificate = Math.Max(worstCertificate, difference);
                else
                    worst = Math.Max(worst, difference);
            }
        }
        var report = new AgreementReport(Math.Max(worst, worstCertificate), identical, compared, MaxCertificateRelative: worstCertificate,
            OtherBest: otherBest);
        report = report with { StoppedApart = count - expected.Problems.Zip(actual.Problems).Count(pair =>
            pair.First.Status == pair.Second.Status && pair.First.Iterations == pair.Second.Iterations) };
        Assert.True(worst <= relative, $"{name}: {report} (allowed {relative:E1})");
        Assert.True(worstCertificate <= certificateRelative.GetValueOrDefault(), $"{name}: {report} (gaps and objectives allowed {certificateRelative:E1})");
        return report;
    }

    /// <summary>
    /// Problem k stopped at different checks in the two solves: the one that stopped first must have converged with a
    /// gap no further below the tolerance than rounding (<paramref name="gapRounding"/>·max(|f|, tolerance)), and the
    /// other must have gone on past that check.
    /// </summary>
    private static void AssertStopsWithinRoundingOfTheTolerance(int k, ProblemResult expected, ProblemResult actual, double gapRounding)
    {
        // at equal counts (the limit), the one that converged stopped "first"
        var first = expected.Iterations < actual.Iterations
            || (expected.Iterations == actual.Iterations && expected.Status == ProblemStatus.Converged) ? expected : actual;
        var later = ReferenceEquals(first, expected) ? actual : expected;
        Assert.True(first.Status == ProblemStatus.Converged,
            $"problem {k}: stopped at {first.Iterations} iterations as {first.Status}, the other solve at {later.Iterations} as {later.Status}");
        double slack = first.GapTolerance - first.DualityGap;
        double bound = gapRounding * Math.Max(Math.Abs(first.Objective), first.GapTolerance);
        Assert.True(slack <= bound,
            $"problem {k}: converged at {first.Iterations} with gap {first.DualityGap:E6}, {slack:E2} below the tolerance " +
            $"{first.GapTolerance:E6} (rounding bound {bound:E2}), yet the other solve went on to {later.Iterations}");
        Assert.True(later.Iterations >= first.Iterations && later.Status is ProblemStatus.Converged or ProblemStatus.MaxIterations,
            $"problem {k}: the other solve stopped at {later.Iterations} as {later.Status}");
    }
}
