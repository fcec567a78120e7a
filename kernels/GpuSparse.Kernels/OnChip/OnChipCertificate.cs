using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Certificates;
using ILGPU;

namespace GpuSparse.Kernels.OnChip;

/// <summary>
/// What an on-chip kernel carries from one check to the next (the last and the best gap and objective, the runaway
/// threshold), loaded when a launch resumes a problem and saved when the launch ends, with the problem's verdict.
/// </summary>
public struct OnChipCertificate
{
    /// <summary>The gap and objective of the last check.</summary>
    public double Gap, Objective;

    /// <summary>The smallest gap so far and its objective.</summary>
    public double BestGap, BestObjective;

    /// <summary>The divergence threshold set at the first check.</summary>
    public double Runaway;

    /// <summary>The state after the first check (iteration 0): it is the best so far, and it sets the runaway threshold.</summary>
    public static OnChipCertificate First((double Gap, double Objective) check, double nullObjective) => new()
    {
        Gap = check.Gap,
        Objective = check.Objective,
        BestGap = check.Gap,
        BestObjective = check.Objective,
        Runaway = StoppingRule.Runaway(check.Objective, nullObjective),
    };

    /// <summary>This state after a later check.</summary>
    public readonly OnChipCertificate After((double Gap, double Objective) check) => this with { Gap = check.Gap, Objective = check.Objective };

    /// <summary>
    /// The verdict on the last check, in <see cref="GapKernel"/>'s order: diverged; else the best so far is updated
    /// (<c>Improved</c>: the caller keeps the iterate as the best); converged at the tolerance; a fixed point (coordinate
    /// descent); the iteration limit; otherwise <see cref="BatchStatus.Active"/>.
    /// </summary>
    public readonly (OnChipCertificate State, int Status, bool Improved) Judge(double tolerance, bool fixedPoint, int iteration, int maxIterations)
    {
        if (StoppingRule.Diverged(Gap, Objective, Runaway))
            return (this, BatchStatus.Diverged, false);
        bool improved = Gap < BestGap;
        var state = improved ? this with { BestGap = Gap, BestObjective = Objective } : this;
        int status = Gap <= tolerance ? BatchStatus.Converged
            : fixedPoint ? BatchStatus.FixedPoint
            : iteration >= maxIterations ? BatchStatus.MaxIterations
            : BatchStatus.Active;
        return (state, status, improved);
    }

    /// <summary>The state problem k's last launch left.</summary>
    public static OnChipCertificate Load(CertificateViews certificate, int k) => new()
    {
        Gap = certificate.Gap[k],
        Objective = certificate.Objective[k],
        BestGap = certificate.BestGap[k],
        BestObjective = certificate.BestObjective[k],
        Runaway = certificate.Runaway[k],
    };

    /// <summary>
    /// Saves the state for the next launch and, when <paramref name="status"/> is a verdict, records it with the
    /// iteration and counts the problem as finished (one thread of the group calls this).
    /// </summary>
    public readonly void Save(CertificateViews certificate, ArrayView<int> statuses, int k, int status, int iteration)
    {
        certificate.Gap[k] = Gap;
        certificate.Objective[k] = Objective;
        certificate.BestGap[k] = BestGap;
        certificate.BestObjective[k] = BestObjective;
        certificate.Runaway[k] = Runaway;
        if (status == BatchStatus.Active)
            return;
        statuses[k] = status;
        certificate.FinishedAt[k] = iteration;
        Atomic.Add(ref certificate.Finished[0], 1);
    }
}
