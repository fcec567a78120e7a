using System.Numerics;
using GpuSparse.Kernels.Certificates;
using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.Penalties;
using ILGPU;

namespace GpuSparse.Kernels.Batched;

/// <summary>
/// The duality-gap check of every active problem (one thread per problem), in float64 with
/// <see cref="DualityGapFormula"/> for the penalty <c>TPenalty</c>: it records the gap, keeps the best iterate, and retires the
/// problem (converged, at the iteration limit, or diverged), counting it atomically in
/// <see cref="CertificateViews.Finished"/> so that the host reads back one integer per check. With a
/// <see cref="ResidentStart{T}"/> the first check also expands the problem's start and the check that retires it carries it.
/// </summary>
public static class GapKernel
{
    /// <summary>The kernel: a thread checks its problem k (see <see cref="IterateViews{T}.Problem"/>) at <paramref name="iteration"/>.</summary>
    /// <param name="index">The device thread, mapped to its problem k by <see cref="IterateViews{T}.Problem"/>.</param>
    /// <param name="problem">The problems' data.</param>
    /// <param name="state">The iteration state.</param>
    /// <param name="certificate">The certificate state.</param>
    /// <param name="iteration">Iterations performed so far (0 at the first check, which also sets the best iterate and the divergence threshold).</param>
    /// <param name="maxIterations">The iteration limit.</param>
    /// <param name="start">What the problem's first check and its retirement also do (<see cref="IProblemStart{T}"/>).</param>
    public static void Run<T, TPrecision, TPenalty, TStart>(Index1D index, ProblemViews<T> problem, IterateViews<T> state,
        CertificateViews certificate, int iteration, int maxIterations, TStart start)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPrecision : struct, IWorkingPrecision<T>
        where TPenalty : struct, IPenalty<T>
        where TStart : struct, IProblemStart<T>
    {
        int k = state.Problem(index);
        if (state.Status[k] != BatchStatus.Active)
            return;
        // the problem starts here: a resident session's penalty weights and start
        ProblemStartHooks.Begin<T, TPrecision, TStart>(start, k, iteration, 0, 1, problem.Features);
        var (gap, objective) = Evaluate<T, TPrecision, TPenalty>(problem, state, certificate, k);
        int first = problem.Coordinate(k, 0), end = first + problem.Features;
        var record = iteration == 0 ? default : certificate.Record(k);
        bool improved = record.RecordAt(iteration, gap, objective, certificate.NullObjective[k]);
        certificate.Store(k, record);
        if (improved)
            for (int e = first; e < end; e++)
                state.Best[e] = state.Beta[e];
        int status = record.Verdict(certificate.GapTolerance[k], fixedPoint: false, spent: iteration >= maxIterations);
        certificate.Finish(state.Status, k, status, iteration);
        // retired: a resident session's returned iterate and next start
        ProblemStartHooks.Finish<T, TPrecision, TStart>(start, k, status, record.Gap, record.BestGap, 0, 1, problem.Features);
    }

    /// <summary>(gap, primal objective) of problem k at β, both in units of f.</summary>
    private static (double Gap, double Objective) Evaluate<T, TPrecision, TPenalty>(ProblemViews<T> problem, IterateViews<T> state,
        CertificateViews certificate, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPrecision : struct, IWorkingPrecision<T>
        where TPenalty : struct, IPenalty<T>
    {
        var wide = default(TPrecision);
        int n = problem.Samples, p = problem.Features;
        int x0 = problem.DesignOffset(k), b0 = problem.Coordinate(k, 0), s0 = problem.Sample(k, 0);
        // R = y_c − X_w β, ‖R‖², R·y_c
        double residualNorm2 = 0, residualDotY = 0;
        for (int i = 0; i < n; i++)
        {
            double acc = 0;
            for (int j = 0; j < p; j++)
                acc += wide.ToDouble(problem.Design[x0 + i * p + j]) * wide.ToDouble(state.Beta[b0 + j]);
            double yi = wide.ToDouble(problem.Response[s0 + i]);
            double ri = yi - acc;
            certificate.Residual[s0 + i] = ri;
            residualNorm2 += ri * ri;
            residualDotY += ri * yi;
        }
        // v = X_wᵀ R
        for (int j = 0; j < p; j++)
            certificate.Correlation[b0 + j] = 0;
        for (int i = 0; i < n; i++)
        {
            double ri = certificate.Residual[s0 + i];
            for (int j = 0; j < p; j++)
                certificate.Correlation[b0 + j] += wide.ToDouble(problem.Design[x0 + i * p + j]) * ri;
        }
        return DualityGapFormula.Combine(default(TPenalty), problem.Weights<TPrecision>(k),
            new DeviceValues<T, TPrecision>(state.Beta, b0), new DeviceValues<double, DoublePrecision>(certificate.Correlation, b0), p,
            residualNorm2, residualDotY, n);
    }
}
