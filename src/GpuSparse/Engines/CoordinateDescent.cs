using System.Numerics;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Certificates;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Kernels.Steps;
using GpuSparse.Model;
using GpuSparse.Preparation;

namespace GpuSparse.Engines;

/// <summary>The two forms of cyclic coordinate descent on one prepared problem (see <see cref="CoordinateDescent"/>).</summary>
internal enum CoordinateDescentForm
{
    /// <summary>On <c>G = X_wᵀX_w/n</c>, formed once in n·p²/2 multiply-adds: a sweep costs at most p² (<see cref="GramCoordinateDescent"/>).</summary>
    Gram,

    /// <summary>On the residual <c>r = y_c − X_wβ</c>: a sweep costs n·p plus n per moved coordinate (<see cref="ResidualCoordinateDescent"/>).</summary>
    Residual,
}

/// <summary>
/// Cyclic coordinate descent on one prepared problem, in the Gram or the residual form: the iteration, stopping
/// rule, statuses and best iterate written once for both, and for the path steps' restricted form
/// (<see cref="RestrictedGramCoordinateDescent"/>). The objective and stopping rule are those of
/// <see cref="SolverOptions"/> (gap ≤ tol·‖y_c‖²/n, checked at sweep 0 and every CheckInterval sweeps).
/// </summary>
/// <remarks>
/// Both forms move coordinate j to <c>βⱼ⁺ = prox(βⱼ + qⱼ/Gⱼⱼ)</c>, <c>qⱼ = xⱼᵀ(y_c − X_wβ)/n</c>: the Gram form keeps
/// q = c − Gβ up to date, the residual form keeps r and forms qⱼ = xⱼᵀr/n when it visits j. Every check recomputes
/// that state in float64, which also removes the drift of the incremental updates in the working precision. A
/// sweep that moves no coordinate right after a check is a fixed point of the iteration: later sweeps cannot
/// change β, so the problem stops there with the status it would have after all its iterations.
/// </remarks>
internal static class CoordinateDescent
{
    /// <summary>
    /// The sweeps that weigh the per-sweep costs against forming G in <see cref="ChooseForm"/>: fitted to the measured
    /// crossovers of the two forms (docs/engines.md). It is below the 10–20 sweeps the benchmark problems take
    /// because the residual form's n-long dot products and updates (TensorPrimitives, 512-bit lanes where the CPU
    /// has them) run about twice as fast per multiply-add as the Gram kernel and the updates on G (Vector&lt;T&gt;, 256-bit).
    /// </summary>
    internal const int EffectiveSweeps = 6;

    /// <summary>The fixed cost of visiting one coordinate in the residual form, in multiply-adds (two calls over n).</summary>
    internal const int ResidualVisitCost = 64;

    /// <summary>The most bytes one worker's Gram matrices may take (float64 G and its working-precision copy).</summary>
    internal const long GramBudgetBytes = 64L << 20;

    /// <summary>
    /// Whether the Gram form fits the per-worker budget for p features in a working precision of
    /// <paramref name="elementSize"/> bytes (p² float64 values, plus p² working values below float64).
    /// </summary>
    public static bool GramFits(int features, int elementSize)
    {
        long entries = (long)features * features;
        long bytesPerEntry = sizeof(double) + (elementSize == sizeof(double) ? 0 : elementSize);
        return entries <= GramBudgetBytes / bytesPerEntry;
    }

    /// <summary>
    /// The cheaper form for a problem of n × p: forming G costs n·p²/2 multiply-adds and then p² a sweep, the
    /// residual form 2·(n + <see cref="ResidualVisitCost"/>) per coordinate and sweep; with S =
    /// <see cref="EffectiveSweeps"/> the Gram form wins when n·p²/2 + S·p² &lt; 2·S·p·(n + c). The Gram form is never
    /// chosen beyond <see cref="GramFits"/>.
    /// </summary>
    public static CoordinateDescentForm ChooseForm(int samples, int features, int elementSize)
    {
        if (!GramFits(features, elementSize))
            return CoordinateDescentForm.Residual;
        double n = samples, p = features, sweeps = EffectiveSweeps;
        double gram = n * p * p / 2 + sweeps * p * p;
        double residual = 2 * sweeps * p * (n + ResidualVisitCost);
        return gram < residual ? CoordinateDescentForm.Gram : CoordinateDescentForm.Residual;
    }

    /// <summary>Solves <paramref name="problem"/> in the given form with the arrays of <paramref name="workspace"/>.</summary>
    public static ProblemResult Solve<T>(PreparedProblem<T> problem, SolverOptions options, CoordinateDescentWorkspace<T> workspace,
        CoordinateDescentForm form, CancellationToken cancellationToken) where T : unmanaged, IFloatingPointIeee754<T>
    {
        problem.Initial.CopyTo(workspace.Beta, 0);
        // Block penalties: block coordinate descent in the same form.
        if (problem.BlockEnds is not null)
            return form == CoordinateDescentForm.Gram
                ? SolveInForm(problem, options, workspace, GroupCoordinateDescent.Start(problem, workspace), cancellationToken)
                : SolveInForm(problem, options, workspace, ResidualGroupCoordinateDescent.Start(problem, workspace), cancellationToken);
        return (form, problem.Positive) switch
        {
            (CoordinateDescentForm.Gram, false) => SolveInForm(problem, options, workspace,
                GramCoordinateDescent.Start<T, ElasticNet<T>>(problem, workspace), cancellationToken),
            (CoordinateDescentForm.Gram, true) => SolveInForm(problem, options, workspace,
                GramCoordinateDescent.Start<T, NonNegativeElasticNet<T>>(problem, workspace), cancellationToken),
            (CoordinateDescentForm.Residual, false) => SolveInForm(problem, options, workspace,
                ResidualCoordinateDescent.Start<T, ElasticNet<T>>(problem, workspace), cancellationToken),
            _ => SolveInForm(problem, options, workspace,
                ResidualCoordinateDescent.Start<T, NonNegativeElasticNet<T>>(problem, workspace), cancellationToken),
        };
    }

    /// <summary>What the iteration needs of a form: its sweep and its check.</summary>
    /// <remarks>Its <see cref="ISweep.Sweep"/> sweeps over the coordinates of the form's β.</remarks>
    internal interface IForm : ISweep
    {
        /// <summary>Recomputes the form's state from β in float64; returns the duality gap and the objective at β.</summary>
        (double Gap, double Objective) Check();
    }

    /// <summary>
    /// What stops <see cref="Iterate"/>: the gap tolerance, the sweep budget and the sweeps between checks
    /// (<see cref="int.MaxValue"/>: only the probe, a sweep that moves nothing and the budget call a check).
    /// </summary>
    internal readonly record struct SweepLimits(double Tolerance, int MaxIterations, int CheckInterval);

    /// <summary>
    /// The sweeps and checks of one problem, written once for the batch forms and the path's restricted form. From a
    /// state that is exact (just checked or just formed) it sweeps, and checks (<see cref="IForm.Check"/>, recorded in
    /// <paramref name="record"/>) after <see cref="SweepLimits.CheckInterval"/> sweeps since the last check, when
    /// <paramref name="probe"/> says the gap may be within the tolerance, after a sweep that moved nothing, and when
    /// the budget is spent. It stops at the first check whose verdict is diverged or converged, at a fixed point (a
    /// sweep that moves nothing on an exact state: later sweeps cannot change β), at the budget and on cancellation.
    /// </summary>
    /// <remarks>
    /// Returns the record's verdict (<see cref="BatchStatus.Active"/> when cancelled). <paramref name="best"/> receives
    /// <paramref name="beta"/> at every check that is the new best (empty: no best iterate is kept);
    /// <paramref name="iteration"/> counts the sweeps on across calls (the budget is for all of them).
    /// </remarks>
    internal static int Iterate<T, TForm, TProbe>(TForm form, TProbe probe, SweepLimits limits, ref CheckRecord record,
        ReadOnlySpan<T> beta, Span<T> best, ref int iteration, out bool fixedPoint, CancellationToken cancellationToken)
        where TForm : struct, IForm
        where TProbe : struct, IConvergenceProbe
    {
        fixedPoint = false;
        // Each interval starts on an exact state (just checked or just formed): see CoordinateStep.Interval.
        while (iteration < limits.MaxIterations && !cancellationToken.IsCancellationRequested)
        {
            int checkAt = (int)Math.Min(limits.MaxIterations, (long)iteration + limits.CheckInterval);
            iteration = CoordinateStep.Interval(form, probe, limits.Tolerance, iteration, checkAt, out fixedPoint);
            if (fixedPoint)
                break;
            var (gap, objective) = form.Check();
            if (record.Record(gap, objective) && !best.IsEmpty)
                beta.CopyTo(best);
            if (record.Verdict(limits.Tolerance, false, false) is BatchStatus.Diverged or BatchStatus.Converged)
                break;
        }
        return record.Verdict(limits.Tolerance, fixedPoint, iteration >= limits.MaxIterations);
    }

    /// <summary>Solves <paramref name="problem"/> in <paramref name="form"/> from its first check, and builds its result.</summary>
    private static ProblemResult SolveInForm<T, TForm>(PreparedProblem<T> problem, SolverOptions options, CoordinateDescentWorkspace<T> ws,
        TForm form, CancellationToken cancellationToken)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TForm : struct, IForm
    {
        int p = problem.Design.Features;
        var beta = ws.Beta.AsSpan(0, p);
        var (gap, objective) = form.Check();
        var record = CheckRecord.First(gap, objective, problem.NullObjective);
        // The starting point is the first best iterate: the workspace still holds the previous problem's.
        beta.CopyTo(ws.Best);
        int iteration = 0;
        int verdict = record.Verdict(problem.GapTolerance, false, options.MaxIterations <= 0);
        if (verdict == BatchStatus.Active)
            verdict = Iterate(form, default(NoProbe), new SweepLimits(problem.GapTolerance, options.MaxIterations, options.CheckInterval),
                ref record, beta, ws.Best.AsSpan(0, p), ref iteration, out _, cancellationToken);

        var status = ProblemOutcome.StatusOf(verdict);
        string? message = verdict switch
        {
            BatchStatus.Diverged => CoordinateDescentMessages.Diverged(problem.Index, record.Objective, iteration),
            BatchStatus.FixedPoint => CoordinateDescentMessages.FixedPoint(problem.Index, iteration, record.Gap, problem.GapTolerance),
            BatchStatus.Active => CoordinateDescentMessages.Cancelled(problem.Index, iteration),
            _ => null,
        };
        var result = ProblemOutcome.Build<T>(problem, status, iteration, beta, record.Gap, record.Objective, ws.Best.AsSpan(0, p),
            record.BestGap, record.BestObjective);
        return message is null ? result : result with { Message = message };
    }
}

/// <summary>
/// The reusable arrays of one worker thread for both forms of <see cref="CoordinateDescent"/>: nothing is allocated
/// per sweep, and per problem only when a larger problem than the worker has seen arrives. The arrays of a form
/// are created when the worker first solves a problem in that form.
/// </summary>
internal sealed class CoordinateDescentWorkspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private GramCoordinateDescent.Arrays<T>? _gram;
    private ResidualCoordinateDescent.Arrays<T>? _residual;

    public CoordinateDescentWorkspace(int features)
    {
        int p = features;
        Beta = new T[p];
        Best = new T[p];
        L1Step = new T[p];
        L2Step = new T[p];
        InverseDiagonal = new T[p];
    }

    /// <summary>Where this worker's problems prepare their own working design: one is solved before the next is prepared.</summary>
    public DesignScratch<T> Design { get; } = new();

    public T[] Beta { get; }

    public T[] Best { get; }

    /// <summary>l1ⱼ/Gⱼⱼ: the soft threshold of coordinate j.</summary>
    public T[] L1Step { get; }

    /// <summary>l2ⱼ/Gⱼⱼ: the ridge shrink of coordinate j.</summary>
    public T[] L2Step { get; }

    /// <summary>1/Gⱼⱼ, or 0 for a zero column (its coordinate never moves).</summary>
    public T[] InverseDiagonal { get; }

    /// <summary>The Gram form's arrays, for p features and up to n samples.</summary>
    public GramCoordinateDescent.Arrays<T> GramArrays(int samples, int features) =>
        _gram is { } gram && gram.Fits(samples) ? gram : _gram = new GramCoordinateDescent.Arrays<T>(samples, features);

    /// <summary>The residual form's arrays, for p features and up to n samples.</summary>
    public ResidualCoordinateDescent.Arrays<T> ResidualArrays(int samples, int features) =>
        _residual is { } residual && residual.Fits(samples) ? residual : _residual = new ResidualCoordinateDescent.Arrays<T>(samples, features);

    /// <summary>Sets the steps of coordinate j from its curvature <c>Gⱼⱼ = ‖xⱼ‖²/n</c> (see <see cref="CoordinateStep"/>).</summary>
    public void SetSteps(PreparedProblem<T> problem, int j, T diagonal)
    {
        (InverseDiagonal[j], L1Step[j], L2Step[j]) = CoordinateStep.Steps(diagonal, problem.L1[j], problem.L2[j]);
    }
}
