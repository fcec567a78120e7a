using GpuSparse.Kernels.Certificates;
using ILGPU;

namespace GpuSparse.Kernels.Batched;

/// <summary>
/// The float64 certificate state of K problems on the device: the gap scratch (problem-major), the last and
/// the best gap and objective, the stopping thresholds, and the count of finished problems.
/// </summary>
public struct CertificateViews
{
    /// <summary>R = y_c − X_wβ in float64, n·K values (sample i of problem k at <c>k·n + i</c>).</summary>
    public ArrayView<double> Residual;

    /// <summary>v = X_wᵀR in float64, p·K values (at <c>k·p + j</c>).</summary>
    public ArrayView<double> Correlation;

    /// <summary>The absolute gap tolerance of each problem, K values.</summary>
    public ArrayView<double> GapTolerance;

    /// <summary>½‖y_c‖²/n of each problem, K values.</summary>
    public ArrayView<double> NullObjective;

    /// <summary>The divergence threshold set at iteration 0, K values.</summary>
    public ArrayView<double> Runaway;

    /// <summary>The gap at the last check, K values.</summary>
    public ArrayView<double> Gap;

    /// <summary>The objective at the last check, K values.</summary>
    public ArrayView<double> Objective;

    /// <summary>The smallest gap seen, K values.</summary>
    public ArrayView<double> BestGap;

    /// <summary>The objective at the smallest gap, K values.</summary>
    public ArrayView<double> BestObjective;

    /// <summary>The iteration at which each problem finished, K values.</summary>
    public ArrayView<int> FinishedAt;

    /// <summary>The number of finished problems (one value), counted atomically.</summary>
    public ArrayView<int> Finished;

    /// <summary>The check record of problem k.</summary>
    public readonly CheckRecord Record(int k) => new()
    {
        Gap = Gap[k],
        Objective = Objective[k],
        BestGap = BestGap[k],
        BestObjective = BestObjective[k],
        Runaway = Runaway[k],
    };

    /// <summary>Stores the check record of problem k.</summary>
    public readonly void Store(int k, CheckRecord record)
    {
        Gap[k] = record.Gap;
        Objective[k] = record.Objective;
        BestGap[k] = record.BestGap;
        BestObjective[k] = record.BestObjective;
        Runaway[k] = record.Runaway;
    }

    /// <summary>
    /// When <paramref name="status"/> is a verdict: records it with its iteration and counts problem k finished
    /// (one thread per problem calls this).
    /// </summary>
    public readonly void Finish(ArrayView<int> statuses, int k, int status, int iteration)
    {
        if (status == BatchStatus.Active)
            return;
        statuses[k] = status;
        FinishedAt[k] = iteration;
        Atomic.Add(ref Finished[0], 1);
    }
}
