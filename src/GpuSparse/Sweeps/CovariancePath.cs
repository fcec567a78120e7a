using System.Numerics;
using GpuSparse.Backends;
using GpuSparse.Certificates;
using GpuSparse.Engines;
using GpuSparse.Kernels.Batched;
using GpuSparse.Kernels.Certificates;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Kernels.Steps;
using GpuSparse.Model;
using GpuSparse.Numerics;

namespace GpuSparse.Sweeps;

/// <summary>
/// Regularization paths by cyclic coordinate descent with covariance updates (glmnet's
/// <c>type.gaussian = "covariance"</c>, scikit-learn's <c>enet_coordinate_descent_gram</c>): each design's working
/// Gram matrix G = X̃ᵀX̃/n is formed once (<see cref="PathGram"/>), and every path walks its grid warm-started,
/// each step a coordinate descent on the strong set only, so that a step costs a few |S|² multiply-adds and
/// never touches X. Paths are independent and spread over the cores.
/// </summary>
/// <remarks>
/// A step at λ: the strong set joins the solved set S (it only grows along a path); the batch engine's iteration
/// (<see cref="CoordinateDescent.Iterate"/>) runs on the restricted form (<see cref="RestrictedGramCoordinateDescent"/>);
/// features outside S that violate the KKT conditions join S and the step runs again; the full problem's duality gap
/// (Gram form above <see cref="GramDualityGap.TrustedTolerance"/>, else a residual from X, see <c>ResidualGap</c>)
/// certifies it. Everything runs in float64 whatever T. docs/engines.md describes the step in full.
/// </remarks>
internal static class CovariancePath
{
    /// <summary>The share of the gap tolerance that the updated residual's rounding may reach before X is read again.</summary>
    private const double AnchorShare = 1e-3;

    // The unit roundoff of float64, 2⁻⁵³.
    private const double UnitRoundoff = 1.1102230246251565e-16;

    // The engine takes designs and responses within 2^±MaxScaleExponent of unit size (its Gram matrices, ‖y‖² and
    // coefficients stay far inside float64); others take the batch route, whose preparation rescales them exactly.
    private const double MaxScaleExponent = 128;

    /// <summary>Whether every design and response of a sweep is within the scales the engine solves exactly (see above).</summary>
    public static bool InRange<T>(SweepDesign<T>[] sweep, IReadOnlyList<PathSpec<T>> paths) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (sweep.Any(design => design.ScaleExponent > MaxScaleExponent))
            return false;
        foreach (var path in paths)
        {
            var y = path.Response.Span;
            double mean = sweep[path.Design].NullIntercept(y), squares = 0;
            foreach (var v in y)
                squares += (double.CreateTruncating(v) - mean) * (double.CreateTruncating(v) - mean);
            double size = Math.Sqrt(squares / y.Length);
            if (size > 0 && !(Math.Abs(Math.Log2(size)) <= MaxScaleExponent))
                return false;
        }
        return true;
    }

    /// <summary>Solves every path of <paramref name="paths"/> on its design's Gram matrix from <paramref name="grams"/>.</summary>
    public static PathResult Solve<T>(SweepDesign<T>[] sweep, double[][] grams, IReadOnlyList<PathSpec<T>> paths,
        PathOptions options, ProgressReporter finished, CancellationToken cancellationToken) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = paths.Count, steps = paths[0].Lambdas.Length, p = sweep[0].Features;
        var result = new PathResult(count, steps, p);
        long featureIterations = 0, kktResolves = 0;
        // Cancellation is each walker's: it stops at its next step and marks the rest, so what finished is returned.
        Parallel.For(0, count, () => new Workspace(p), (k, _, ws) =>
        {
            var path = paths[k];
            var walker = new PathWalker<T>(sweep[path.Design], grams[path.Design], path, options, ws, result, k, finished);
            if (options.Positive)
                walker.Walk<NonNegativeElasticNet<double>>(cancellationToken);
            else
                walker.Walk<ElasticNet<double>>(cancellationToken);
            return ws;
        }, ws =>
        {
            Interlocked.Add(ref featureIterations, ws.FeatureIterations);
            Interlocked.Add(ref kktResolves, ws.KktResolves);
            ws.Release();
        });
        result.FeatureIterations = featureIterations;
        result.KktResolves = (int)kktResolves;
        return result;
    }

    /// <summary>The arrays of one worker thread, reused by every path it walks (all on the working scale).</summary>
    private sealed class Workspace(int p)
    {
        /// <summary>c = X̃ᵀy_c/n.</summary>
        public double[] ResponseCorrelation { get; } = new double[p];
        public double[] Beta { get; } = new double[p];

        /// <summary>q = c − Gβ (exact on the solved set after each restricted solve, completed outside it).</summary>
        public double[] NegativeGradient { get; } = new double[p];
        public double[] RawBeta { get; } = new double[p];
        public bool[] Keep { get; } = new bool[p];

        /// <summary>The features solved so far on this path (they only join), with G[S,S] and the restricted problem's arrays.</summary>
        public RestrictedGramCoordinateDescent Solved { get; } = new(p);

        /// <summary>β at the last residual formed from X (see ResidualGap), that residual's X̃ᵀr/n, and β − that β.</summary>
        public double[] AnchorBeta { get; } = new double[p];
        public double[] AnchorNegativeGradient { get; } = new double[p];
        public double[] Delta { get; } = new double[p];
        public bool AnchorValid { get; set; }
        public double AnchorNorm2 { get; set; }
        public double AnchorDotResponse { get; set; }

        public long FeatureIterations { get; set; }
        public long KktResolves { get; set; }

        /// <summary>Gives the solved set's G[S,S] back to the pool.</summary>
        public void Release() => Solved.Release();
    }

    /// <summary>The coordinate weights of one step: l1ⱼ = λ·r·wⱼ, l2ⱼ = λ·(1 − r)·wⱼ.</summary>
    private readonly struct StepPenalty(double l1, double l2, double[]? weights) : IPenaltyWeights
    {
        private double Weight(int j) => weights?[j] ?? 1.0;

        public double L1Weight(int j) => l1 * Weight(j);

        public double L2Weight(int j) => l2 * Weight(j);

        // Paths are solved with coordinate-wise penalties.
        public int BlockEnd(int start) => start + 1;
    }

    /// <summary>
    /// The unpenalised features U (wⱼ = 0) of a sweep and the Cholesky factor of G[U,U]. The duality gap leaves out
    /// their dual constraint x̃ⱼᵀθ = 0 (see <see cref="DualityGap"/>), so it certifies only where their gradient
    /// vanishes: before each certificate β_U is set to its exact minimiser given the other coefficients,
    /// β_U += G[U,U]⁻¹·q_U, which makes q_U zero to rounding (the batch route profiles U out by QR instead).
    /// Positivity keeps β_U ≥ 0 by iteration alone, so there it is left to the iteration (and the gap is exact only at
    /// the optimum, as in the batch route); collinear unpenalised columns (G[U,U] singular) are left likewise.
    /// </summary>
    private sealed class UnpenalisedBlock
    {
        private readonly int[] _features;
        private readonly double[] _factor;
        private readonly double[] _step;

        private UnpenalisedBlock(int[] features, double[] factor) =>
            (_features, _factor, _step) = (features, factor, new double[features.Length]);

        /// <summary>The block of the sweep's unpenalised features, or null when there is none to polish.</summary>
        public static UnpenalisedBlock? Factor<T>(SweepDesign<T> design, double[] gram, PathOptions options)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (options.PenaltyFactors is not { } w || options.Positive)
                return null;
            int p = design.Features;
            int[] features = [.. Enumerable.Range(0, p).Where(j => w[j] == 0 && !design.IsConstant(j))];
            int u = features.Length;
            if (u == 0)
                return null;
            // G[U,U] = L·Lᵀ
            var factor = new double[u * u];
            if (!Cholesky.TryFactor(u, (a, b) => gram[features[a] * p + features[b]], factor))
                return null;
            return new UnpenalisedBlock(features, factor);
        }

        /// <summary>β_U += Δ with G[U,U]·Δ = q_U, and q −= G[:,U]·Δ.</summary>
        public void Polish(Span<double> beta, Span<double> q, double[] gram)
        {
            int u = _features.Length, p = q.Length;
            var step = _step.AsSpan();
            // G[U,U]·Δ = q_U
            for (int a = 0; a < u; a++)
                step[a] = q[_features[a]];
            Cholesky.Solve(_factor, u, step);
            for (int a = 0; a < u; a++)
            {
                beta[_features[a]] += step[a];
                VectorKernels.AddScaled(q, -step[a], gram.AsSpan(_features[a] * p, p));
            }
        }
    }

    /// <summary>One path walking its grid; results go straight into the <see cref="PathResult"/>.</summary>
    private readonly struct PathWalker<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly SweepDesign<T> _design;
        private readonly double[] _gram;
        private readonly PathSpec<T> _path;
        private readonly PathOptions _options;
        private readonly Workspace _ws;
        private readonly PathResult _result;
        private readonly int _index;
        private readonly ProgressReporter _finished;
        private readonly int _p;

        public PathWalker(SweepDesign<T> design, double[] gram, PathSpec<T> path, PathOptions options, Workspace ws,
            PathResult result, int index, ProgressReporter finished)
        {
            (_design, _gram, _path, _options, _ws, _result, _index, _finished) = (design, gram, path, options, ws, result, index, finished);
            _p = design.Features;
        }

        public void Walk<TPenalty>(CancellationToken cancellationToken) where TPenalty : struct, IPenalty<double>
        {
            int p = _p;
            var y = _path.Response.Span;
            var lambdas = _path.Lambdas;
            if (!IsValid(y))
            {
                MarkInvalid();
                return;
            }
            double r = _path.L1Ratio, responseMean = _design.NullIntercept(y);
            var c = _ws.ResponseCorrelation.AsSpan(0, p);
            var beta = _ws.Beta.AsSpan(0, p);
            var q = _ws.NegativeGradient.AsSpan(0, p);
            // c = X̃ᵀy_c/n, ‖y_c‖²/n: the gradient and residual of β = 0
            beta.Clear();
            _ws.Solved.Clear();
            _ws.AnchorValid = false;
            double responseNorm2 = _design.NegativeGradient(y, beta, c).ResidualNorm2;
            c.CopyTo(q);
            double gapTolerance = _options.Solver.Tolerance * responseNorm2;
            bool trusted = _options.Solver.Tolerance >= GramDualityGap.TrustedTolerance;
            double previousLambda = SweepDesign<T>.LambdaMaxOf<TPenalty>(c, r, _options.PenaltyFactors);
            var keep = _ws.Keep.AsSpan(0, p);
            var unpenalised = UnpenalisedBlock.Factor(_design, _gram, _options);
            for (int step = 0; step < lambdas.Length; step++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    _result.MarkCancelled(_index, step, lambdas);
                    return;
                }
                double lambda = lambdas[step];
                double l1 = lambda * r, l2 = lambda * (1 - r);
                var penalty = new StepPenalty(l1, l2, _options.PenaltyFactors);
                keep.Clear();
                if (_options.Screening)
                    StrongRules.MarkStrong<TPenalty>(q, beta, lambda, previousLambda, r, _options.PenaltyFactors, keep);
                else
                    keep.Fill(true);
                // The solved set stays solved (see Admit), so the KKT check looks only at the features outside it.
                foreach (int j in _ws.Solved.Columns)
                    keep[j] = true;
                int sweeps = 0;
                double restrictedTolerance = gapTolerance;
                // Coordinate descent in float64 on G only descends: no runaway threshold, only a non-finite check diverges.
                var record = new CheckRecord { Runaway = double.PositiveInfinity };
                int verdict;
                while (true)
                {
                    bool fixedPoint = SolveRestricted<TPenalty>(penalty, responseNorm2, restrictedTolerance, ref sweeps);
                    RecomputeOutside(beta, q);
                    if (StrongRules.AddViolators<TPenalty>(q, lambda, r, _options.PenaltyFactors, keep))
                    {
                        _ws.KktResolves++;
                        continue;
                    }
                    unpenalised?.Polish(beta, q, _gram);
                    var (gap, objective) = trusted
                        ? GramDualityGap.Evaluate<TPenalty, StepPenalty>(penalty, beta, c, q, responseNorm2)
                        : ResidualGap<TPenalty>(penalty, y, responseMean, gapTolerance);
                    record.Record(gap, objective);
                    verdict = record.Verdict(gapTolerance, fixedPoint, sweeps >= _options.Solver.MaxIterations);
                    if (verdict != BatchStatus.Active)
                        break;
                    restrictedTolerance /= 10;
                }
                Record(step, lambda, responseMean, record.Gap, record.Objective, sweeps, ProblemOutcome.StatusOf(verdict));
                previousLambda = lambda;
            }
        }

        /// <summary>
        /// Coordinate descent (<see cref="CoordinateDescent.Iterate"/>) on the features kept in the workspace, with the
        /// step's weights, until the restricted problem's gap is within <paramref name="tolerance"/>, the sweep budget is
        /// spent, or a fixed point (returned true; also when nothing is kept) is reached. q is exact on the solved set after it.
        /// </summary>
        private bool SolveRestricted<TPenalty>(StepPenalty penalty, double responseNorm2, double tolerance, ref int sweeps)
            where TPenalty : struct, IPenalty<double>
        {
            int p = _p;
            var solved = _ws.Solved;
            Admit(solved);
            int s = solved.Count;
            if (s == 0)
                return true;
            var beta = _ws.Beta.AsSpan(0, p);
            var q = _ws.NegativeGradient.AsSpan(0, p);
            var form = solved.Start<TPenalty, StepPenalty>(_ws.ResponseCorrelation.AsSpan(0, p), q, beta, penalty, responseNorm2);
            // No check yet; in float64 on G coordinate descent only descends, so only a non-finite gap diverges. The
            // restricted verdict is not the step's: the step reads its fixed point and certifies on the full problem.
            var record = new CheckRecord { Gap = double.PositiveInfinity, BestGap = double.PositiveInfinity, Runaway = double.PositiveInfinity };
            int start = sweeps;
            // The restricted gap costs O(|S|), against a sweep's O(|S|²): probed after every sweep, no fixed interval.
            CoordinateDescent.Iterate(form, form, new CoordinateDescent.SweepLimits(tolerance, _options.Solver.MaxIterations, int.MaxValue),
                ref record, ReadOnlySpan<double>.Empty, Span<double>.Empty, ref sweeps, out bool fixedPoint, CancellationToken.None);
            solved.Scatter(beta, q);
            _ws.FeatureIterations += (long)(sweeps - start) * s;
            return fixedPoint;
        }

        /// <summary>
        /// Appends the kept features not solved yet to the solved set, with their rows and columns of G. The set only
        /// grows along a path (glmnet's ever-active set): a superset of the step's strong set solves the same problem,
        /// and each feature's part of G[S,S] is gathered once per path.
        /// </summary>
        private void Admit(RestrictedGramCoordinateDescent solved)
        {
            for (int j = 0; j < _p; j++)
                if (_ws.Keep[j] && !solved.Contains(j) && !_design.IsConstant(j))
                    solved.Add(j, _gram);
        }

        /// <summary>
        /// Completes q = c − G·β on the features outside the solved set (the restricted solve leaves q exact on the
        /// set; β is zero outside it): by rows of G for those features when they are fewer than the nonzero
        /// coordinates, else by the columns of the nonzero coordinates for every feature.
        /// </summary>
        private void RecomputeOutside(Span<double> beta, Span<double> q)
        {
            int p = _p, nonzero = 0;
            foreach (double b in beta)
                nonzero += b != 0 ? 1 : 0;
            if (p - _ws.Solved.Count < nonzero)
            {
                for (int j = 0; j < p; j++)
                    if (!_ws.Solved.Contains(j))
                        q[j] = _ws.ResponseCorrelation[j] - VectorKernels.Dot<double>(_gram.AsSpan(j * p, p), beta);
                return;
            }
            GramCoordinateDescent.NegativeGradient(_gram, p, _ws.ResponseCorrelation.AsSpan(0, p), beta, q);
        }

        /// <summary>
        /// The gap and objective of the full problem for tolerances the Gram form cannot certify: its
        /// ‖r‖²/n = ‖y_c‖²/n − βᵀc − βᵀq cancels down to the rounding of G times ‖β‖², its q = c − Gβ does not. So
        /// ‖r‖² comes from a residual r_a formed from X at an anchor β_a, updated exactly as
        /// ‖r‖²/n = ‖r_a‖²/n − 2Δᵀ(X̃ᵀr_a/n) + ΔᵀGΔ and r·y_c/n = r_a·y_c/n − Δᵀc with Δ = β − β_a, whose rounding
        /// scales with Δ, not β: with D = Σⱼ|Δⱼ|·√Gⱼⱼ it is at most about n·ε·(2D‖r_a‖/√n + D²). The anchor is
        /// formed again (one pass over X) whenever that bound exceeds <see cref="AnchorShare"/> of the gap tolerance,
        /// so along a path X is read every few steps instead of every step.
        /// </summary>
        private (double Gap, double Objective) ResidualGap<TPenalty>(StepPenalty penalty, ReadOnlySpan<T> y, double responseMean, double gapTolerance)
            where TPenalty : struct, IPenaltyNorms
        {
            int p = _p;
            var beta = _ws.Beta.AsSpan(0, p);
            var anchor = _ws.AnchorBeta.AsSpan(0, p);
            var delta = _ws.Delta.AsSpan(0, p);
            double spread = 0;
            for (int j = 0; j < p; j++)
            {
                delta[j] = beta[j] - anchor[j];
                spread += Math.Abs(delta[j]) * Math.Sqrt(_gram[j * p + j]);
            }
            double rounding = _design.Samples * UnitRoundoff * (2 * spread * Math.Sqrt(_ws.AnchorNorm2) + spread * spread);
            if (!_ws.AnchorValid || rounding > AnchorShare * gapTolerance)
            {
                var raw = _ws.RawBeta.AsSpan(0, p);
                ToRawScale(raw, responseMean);
                (_ws.AnchorNorm2, _ws.AnchorDotResponse) = _design.NegativeGradient(y, raw, _ws.AnchorNegativeGradient.AsSpan(0, p));
                beta.CopyTo(anchor);
                delta.Clear();
                _ws.AnchorValid = true;
            }
            double deltaDotQ = 0, deltaDotC = 0, curvature = 0;
            for (int a = 0; a < p; a++)
            {
                if (delta[a] == 0)
                    continue;
                deltaDotQ += delta[a] * _ws.AnchorNegativeGradient[a];
                deltaDotC += delta[a] * _ws.ResponseCorrelation[a];
                // ΔᵀGΔ, row by row
                curvature += delta[a] * VectorKernels.Dot<double>(_gram.AsSpan(a * p, p), delta);
            }
            double residualNorm2 = _ws.AnchorNorm2 - 2 * deltaDotQ + curvature;
            double residualDotY = _ws.AnchorDotResponse - deltaDotC;
            return DualityGap.Combine<TPenalty, StepPenalty, double>(penalty, beta, _ws.NegativeGradient.AsSpan(0, p), residualNorm2, residualDotY, 1);
        }

        /// <summary>β_raw = β/s and b₀ = ȳ − x̄·β_raw (0 without an intercept).</summary>
        private double ToRawScale(Span<double> raw, double responseMean)
        {
            var scales = _design.Scales;
            var means = _design.Means;
            double intercept = responseMean;
            for (int j = 0; j < _p; j++)
            {
                raw[j] = _ws.Beta[j] / scales[j];
                intercept -= means[j] * raw[j];
            }
            return _design.FitIntercept ? intercept : 0.0;
        }

        private void Record(int step, double lambda, double responseMean, double gap, double objective, int sweeps, ProblemStatus status)
        {
            int at = _result.Index(_index, step);
            double intercept = ToRawScale(_result.Coefficients.AsSpan(at * _p, _p), responseMean);
            _result.Lambdas[at] = lambda;
            _result.Intercepts[at] = intercept;
            _result.DualityGaps[at] = ProblemOutcome.ReportedGap(gap);
            _result.Objectives[at] = objective;
            _result.Iterations[at] = sweeps;
            _result.Statuses[at] = status;
            _finished.Finished();
        }

        /// <summary>A path whose response or settings are not finite and in range is not solved (every step <see cref="ProblemStatus.Invalid"/>).</summary>
        private bool IsValid(ReadOnlySpan<T> y)
        {
            foreach (var v in y)
                if (!T.IsFinite(v))
                    return false;
            if (!_design.IsFinite || _design.Fault is not null || !(_path.L1Ratio >= 0 && _path.L1Ratio <= 1))
                return false;
            foreach (double lambda in _path.Lambdas)
                if (!(lambda >= 0 && double.IsFinite(lambda)))
                    return false;
            return _options.PenaltyFactors is not { } w || w.All(v => v >= 0 && double.IsFinite(v));
        }

        private void MarkInvalid()
        {
            for (int step = 0; step < _path.Lambdas.Length; step++)
            {
                int at = _result.Index(_index, step);
                _result.Lambdas[at] = _path.Lambdas[step];
                _result.DualityGaps[at] = double.NaN;
                _result.Objectives[at] = double.NaN;
                _result.Statuses[at] = ProblemStatus.Invalid;
            }
            _finished.Finished(_path.Lambdas.Length);
        }
    }
}
