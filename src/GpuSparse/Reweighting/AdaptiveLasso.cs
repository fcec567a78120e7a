using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Model;

namespace GpuSparse.Reweighting;

/// <summary>
/// The adaptive Lasso (Zou 2006; one step of reweighted L1, Candès, Wakin and Boyd 2008) for a whole batch:
/// a first batched fit gives β̂, then every problem is refitted, again as one batch, with penalty factors
/// <c>wⱼ = w⁰ⱼ / (|β̂ⱼ| + ε)^γ</c> (w⁰ the problem's own factors). Features the first fit found large are
/// barely penalised, so their shrinkage no longer forces λ down to where spurious features enter; features it
/// set to zero get a factor 1/ε^γ and stay out.
/// </summary>
/// <remarks>
/// The factors use the coefficients on the raw scale of X. Standardize the columns first (or set
/// <see cref="ProblemSettings.Standardize"/> on features of similar scale) when the scales differ: the
/// weights are then meaningful. The second fit is warm-started at β̂.
/// </remarks>
public static class AdaptiveLasso
{
    /// <summary>
    /// Fits <paramref name="batch"/> (the first stage, any penalty: Lasso, Ridge or elastic net) and refits
    /// it with adaptive factors. <paramref name="secondLambdas"/> gives each problem's λ for the second
    /// stage (the factor scale changes, so the best λ does too); null keeps each problem's own λ.
    /// </summary>
    public static AdaptiveLassoResult Solve<T>(ISolverBackend backend, ProblemBatch<T> batch, SolverOptions options,
        IReadOnlyList<double>? secondLambdas = null, double epsilon = 1e-3, double gamma = 1.0,
        CancellationToken cancellationToken = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(batch);
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be finite and > 0");
        if (!(gamma > 0) || !double.IsFinite(gamma))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must be finite and > 0");
        if (secondLambdas is not null && secondLambdas.Count != batch.Count)
            throw new ArgumentException($"{secondLambdas.Count} second-stage λ for {batch.Count} problems", nameof(secondLambdas));

        var first = backend.Solve(batch, options, cancellationToken: cancellationToken);
        var settings = new ProblemSettings[batch.Count];
        for (int k = 0; k < batch.Count; k++)
        {
            var own = batch.Settings(k);
            var beta = first[k].Coefficients;
            var factors = new double[batch.Features];
            for (int j = 0; j < factors.Length; j++)
                factors[j] = (own.PenaltyFactors?[j] ?? 1.0) / Math.Pow(Math.Abs(beta[j]) + epsilon, gamma);
            // An invalid first-stage problem keeps its own settings, so the refit reports the same fault.
            settings[k] = first[k].Status == ProblemStatus.Invalid ? own : own with
            {
                Lambda = secondLambdas?[k] ?? own.Lambda,
                L1Ratio = 1.0,
                PenaltyFactors = factors,
                WarmStart = beta,
            };
        }
        var second = backend.Solve(WithSettings(batch, settings), options, cancellationToken: cancellationToken);
        return new AdaptiveLassoResult(first, second);
    }

    /// <summary>The same designs and responses as <paramref name="batch"/> with new settings.</summary>
    private static ProblemBatch<T> WithSettings<T>(ProblemBatch<T> batch, IReadOnlyList<ProblemSettings> settings)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var responses = Enumerable.Range(0, batch.Count).Select(batch.Response).ToArray();
        return batch.Layout == BatchLayout.SharedDesign
            ? ProblemBatch<T>.WithSharedDesign(batch.Design(0), batch.Features, responses, settings)
            : ProblemBatch<T>.WithDesignPerProblem(Enumerable.Range(0, batch.Count).Select(batch.Design).ToArray(),
                batch.Features, responses, settings);
    }
}

/// <summary>The two stages of an adaptive-Lasso batch.</summary>
/// <param name="FirstStage">The initial fit, whose coefficients set the factors.</param>
/// <param name="Adaptive">The reweighted fit: the adaptive-Lasso solution.</param>
public sealed record AdaptiveLassoResult(BatchResult FirstStage, BatchResult Adaptive);
