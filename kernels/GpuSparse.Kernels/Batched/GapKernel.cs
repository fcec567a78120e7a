using System.Numerics;
using GpuSparse.Kernels.Numerics;
using ILGPU;

namespace GpuSparse.Kernels.Batched;

/// <summary>
/// The duality-gap check of every active problem (one thread per problem), in float64 with the formula of
/// <c>GpuSparse.Certificates.DualityGap</c>: it records the gap, keeps the best iterate, and retires the
/// problem (converged, at the iteration limit, or diverged), counting it atomically in
/// <see cref="CertificateViews.Finished"/> so that the host reads back one integer per check.
/// </summary>
public static class GapKernel
{
    // A check whose objective exceeds this multiple of the larger of the starting and null objectives
    // means the iteration is running away (as in the reference iteration).
    private const double RunawayFactor = 10;

    /// <summary>The kernel: a thread checks its problem k (see <see cref="IterateViews{T}.Problem"/>) at <paramref name="iteration"/>.</summary>
    /// <param name="index">The device thread, mapped to its problem k by <see cref="IterateViews{T}.Problem"/>.</param>
    /// <param name="problem">The problems' data.</param>
    /// <param name="state">The iteration state.</param>
    /// <param name="certificate">The certificate state.</param>
    /// <param name="iteration">Iterations performed so far (0 at the first check, which also sets the best iterate and the divergence threshold).</param>
    /// <param name="maxIterations">The iteration limit.</param>
    /// <param name="positive">1 when the problems are constrained to β ≥ 0.</param>
    public static void Run<T, TPrecision>(Index1D index, ProblemViews<T> problem, IterateViews<T> state,
        CertificateViews certificate, int iteration, int maxIterations, int positive)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPrecision : struct, IWorkingPrecision<T>
    {
        int k = state.Problem(index);
        if (state.Status[k] != BatchStatus.Active)
            return;
        var (gap, objective) = Evaluate<T, TPrecision>(problem, state, certificate, k, positive != 0);
        certificate.Gap[k] = gap;
        certificate.Objective[k] = objective;
        int p = problem.Features, stride = problem.Count;
        if (iteration == 0)
        {
            certificate.Runaway[k] = RunawayFactor * Math.Max(objective, certificate.NullObjective[k]);
            certificate.BestGap[k] = gap;
            certificate.BestObjective[k] = objective;
            for (int j = 0; j < p; j++)
                state.Best[j * stride + k] = state.Beta[j * stride + k];
        }
        int status = BatchStatus.Active;
        if (!double.IsFinite(gap) || !double.IsFinite(objective) || objective > certificate.Runaway[k])
        {
            status = BatchStatus.Diverged;
        }
        else
        {
            if (gap < certificate.BestGap[k])
            {
                certificate.BestGap[k] = gap;
                certificate.BestObjective[k] = objective;
                for (int j = 0; j < p; j++)
                    state.Best[j * stride + k] = state.Beta[j * stride + k];
            }
            if (gap <= certificate.GapTolerance[k])
                status = BatchStatus.Converged;
            else if (iteration >= maxIterations)
                status = BatchStatus.MaxIterations;
        }
        if (status == BatchStatus.Active)
            return;
        state.Status[k] = status;
        certificate.FinishedAt[k] = iteration;
        Atomic.Add(ref certificate.Finished[0], 1);
    }

    /// <summary>(gap, primal objective) of problem k at β, both in units of f.</summary>
    private static (double Gap, double Objective) Evaluate<T, TPrecision>(ProblemViews<T> problem, IterateViews<T> state,
        CertificateViews certificate, int k, bool positive)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPrecision : struct, IWorkingPrecision<T>
    {
        var wide = default(TPrecision);
        int n = problem.Samples, p = problem.Features, stride = problem.Count;
        // R = y_c − X_w β, ‖R‖², R·y_c
        double residualNorm2 = 0, residualDotY = 0;
        for (int i = 0; i < n; i++)
        {
            double acc = 0;
            for (int j = 0; j < p; j++)
                acc += wide.ToDouble(problem.X(i, j, k)) * wide.ToDouble(state.Beta[j * stride + k]);
            double yi = wide.ToDouble(problem.Response[i * stride + k]);
            double r = yi - acc;
            certificate.Residual[i * stride + k] = r;
            residualNorm2 += r * r;
            residualDotY += r * yi;
        }
        // v = X_wᵀ R
        for (int j = 0; j < p; j++)
            certificate.Correlation[j * stride + k] = 0;
        for (int i = 0; i < n; i++)
        {
            double r = certificate.Residual[i * stride + k];
            for (int j = 0; j < p; j++)
                certificate.Correlation[j * stride + k] += wide.ToDouble(problem.X(i, j, k)) * r;
        }
        // P = ½‖R‖² + n·Σⱼ(l1ⱼ|βⱼ| + ½·l2ⱼβⱼ²); s = the largest value ≤ 1 with |vⱼ|·s ≤ n·l1ⱼ on pure-L1 coordinates
        double penalty = 0, scale = 1;
        for (int j = 0; j < p; j++)
        {
            int e = j * stride + k;
            double b = wide.ToDouble(state.Beta[e]);
            double a1 = n * wide.ToDouble(problem.L1[e]);
            double a2 = n * wide.ToDouble(problem.L2[e]);
            penalty += a1 * Math.Abs(b) + 0.5 * a2 * b * b;
            if (a2 == 0 && a1 > 0)
            {
                double v = positive ? Math.Max(certificate.Correlation[e], 0) : Math.Abs(certificate.Correlation[e]);
                if (v * scale > a1)
                    scale = a1 / v;
            }
        }
        // Σⱼ h*ⱼ(s·vⱼ), h*ⱼ(u) = max(|u| − n·l1ⱼ, 0)²/(2n·l2ⱼ) (one-sided with positivity)
        double conjugate = 0;
        for (int j = 0; j < p; j++)
        {
            int e = j * stride + k;
            double a2 = n * wide.ToDouble(problem.L2[e]);
            if (a2 == 0)
                continue;
            double a1 = n * wide.ToDouble(problem.L1[e]);
            double v = scale * certificate.Correlation[e];
            double excess = (positive ? v : Math.Abs(v)) - a1;
            if (excess > 0)
                conjugate += excess * excess / (2 * a2);
        }
        // gap = (P − D)/n with D = s·R·y_c − ½s²‖R‖² − Σⱼ h*ⱼ(s·vⱼ)
        double primal = 0.5 * residualNorm2 + penalty;
        double dual = scale * residualDotY - 0.5 * scale * scale * residualNorm2 - conjugate;
        return ((primal - dual) / n, primal / n);
    }
}
