using System.Numerics;
using System.Runtime.CompilerServices;
using GpuSparse.Certificates;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Kernels.Steps;
using GpuSparse.Numerics;
using GpuSparse.Preparation;

namespace GpuSparse.Engines;

/// <summary>
/// The Gram form of <see cref="CoordinateDescent"/> (scikit-learn's <c>enet_coordinate_descent_gram</c>, glmnet's
/// covariance updates): <c>G = X_wᵀX_w/n</c> and <c>c = X_wᵀy_c/n</c> are formed once, after which a sweep over the
/// p coordinates costs at most p² and never touches X again.
/// </summary>
/// <remarks>
/// Sweeps run in the working precision T on <c>q = c − Gβ</c> (updated by one column of G per moved coordinate);
/// every check recomputes q in float64 from G and β.
/// </remarks>
internal static class GramCoordinateDescent
{
    /// <summary>The Gram form's arrays of one worker, for p features and up to n samples.</summary>
    public sealed class Arrays<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public Arrays(int samples, int features)
        {
            int p = features;
            long entries = (long)p * p;
            if (!CoordinateDescent.GramFits(p, Unsafe.SizeOf<T>()))
                throw new InvalidOperationException($"a Gram matrix of p = {p} features exceeds the per-worker budget");
            Samples = samples;
            GramDouble = new double[entries];
            // In float64 the sweeps read the float64 Gram matrix itself.
            Gram = typeof(T) == typeof(double) ? (T[])(object)GramDouble : new T[entries];
            Correlation = new double[p];
            // A float64 design is read in place (see Start): only float32 needs a widened copy.
            Design = typeof(T) == typeof(double) ? [] : new double[checked((long)samples * p)];
            BetaDouble = new double[p];
            NegativeGradientDouble = new double[p];
            NegativeGradient = new T[p];
            Residual = new double[samples];
            ResidualCorrelation = new double[p];
        }

        /// <summary>The most samples these arrays serve.</summary>
        public int Samples { get; }

        public bool Fits(int samples) => samples <= Samples;

        /// <summary>G = X_wᵀX_w/n in float64, row-major p × p.</summary>
        public double[] GramDouble { get; }

        /// <summary>G in the working precision (the same array as <see cref="GramDouble"/> for float64).</summary>
        public T[] Gram { get; }

        /// <summary>c = X_wᵀy_c/n.</summary>
        public double[] Correlation { get; }

        /// <summary>X_w widened to float64 for a float32 T (the products of G are formed in float64 whatever T).</summary>
        public double[] Design { get; }

        public double[] BetaDouble { get; }

        /// <summary>q = c − Gβ in float64, recomputed at every check.</summary>
        public double[] NegativeGradientDouble { get; }

        /// <summary>q in the working precision, updated by the sweeps.</summary>
        public T[] NegativeGradient { get; }

        /// <summary>R = y_c − X_wβ for the checks that certify from the residual (see <see cref="Form{T, TPenalty}.Check"/>).</summary>
        public double[] Residual { get; }

        /// <summary>X_wᵀR for those checks.</summary>
        public double[] ResidualCorrelation { get; }
    }

    /// <summary>Forms G, c and the coordinate steps of <paramref name="problem"/> in the workspace; returns the form to iterate.</summary>
    public static Form<T, TPenalty> Start<T, TPenalty>(PreparedProblem<T> problem, CoordinateDescentWorkspace<T> workspace)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
    {
        var arrays = workspace.GramArrays(problem.Design.Samples, problem.Design.Features);
        double responseNorm2OverN = FormGram(problem, workspace, arrays);
        bool trusted = problem.GapTolerance >= GramDualityGap.TrustedTolerance * 2 * problem.NullObjective;
        return new Form<T, TPenalty>(problem, workspace, arrays, responseNorm2OverN, trusted);
    }

    /// <summary>One problem in the Gram form: its sweep and its check.</summary>
    internal readonly struct Form<T, TPenalty>(PreparedProblem<T> problem, CoordinateDescentWorkspace<T> workspace,
        Arrays<T> arrays, double responseNorm2OverN, bool trusted) : CoordinateDescent.IForm
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
    {
        public bool Sweep()
        {
            int p = problem.Design.Features;
            return Sweep<T, TPenalty>(arrays.Gram.AsSpan(0, p * p), p, arrays.NegativeGradient.AsSpan(0, p), workspace.Beta.AsSpan(0, p),
                workspace.InverseDiagonal.AsSpan(0, p), workspace.L1Step.AsSpan(0, p), workspace.L2Step.AsSpan(0, p));
        }

        /// <summary>
        /// Recomputes q = c − Gβ in float64 (and resets the working copy to it), then returns the duality gap and
        /// objective: from the Gram form when trusted (tol ≥ <see cref="GramDualityGap.TrustedTolerance"/>), otherwise by <see cref="DualityGap"/>.
        /// </summary>
        public (double Gap, double Objective) Check()
        {
            int p = problem.Design.Features;
            var gram = arrays.GramDouble.AsSpan(0, p * p);
            var betaDouble = arrays.BetaDouble.AsSpan(0, p);
            var q = arrays.NegativeGradientDouble.AsSpan(0, p);
            var beta = workspace.Beta.AsSpan(0, p);
            for (int j = 0; j < p; j++)
                betaDouble[j] = double.CreateTruncating(beta[j]);
            for (int a = 0; a < p; a++)
            {
                // qₐ = cₐ − Gₐ·β
                q[a] = arrays.Correlation[a] - VectorKernels.Dot<double>(gram.Slice(a * p, p), betaDouble);
                arrays.NegativeGradient[a] = T.CreateTruncating(q[a]);
            }
            return trusted
                ? GramDualityGap.Evaluate<TPenalty, PreparedProblem<T>>(problem, betaDouble, arrays.Correlation.AsSpan(0, p), q, responseNorm2OverN)
                : DualityGap.Evaluate<T, TPenalty>(problem, beta, arrays.Residual, arrays.ResidualCorrelation);
        }
    }

    /// <summary>
    /// Fills G, c and the per-coordinate steps; returns ‖y_c‖²/n.
    /// Products are formed in float64 from the working-precision design, so G is exact to float64 rounding.
    /// </summary>
    private static double FormGram<T>(PreparedProblem<T> problem, CoordinateDescentWorkspace<T> ws, Arrays<T> arrays)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var design = problem.Design;
        int n = design.Samples, p = design.Features;
        var x = design.Values.AsSpan();
        var y = problem.Response.AsSpan();
        var gram = arrays.GramDouble.AsSpan(0, p * p);
        var c = arrays.Correlation.AsSpan(0, p);
        // In float64 the design is read in place; a float32 one is widened into the workspace.
        Span<double> xDouble;
        if (typeof(T) == typeof(double))
            xDouble = ((double[])(object)design.Values).AsSpan(0, n * p);
        else
        {
            xDouble = arrays.Design.AsSpan(0, n * p);
            for (int e = 0; e < xDouble.Length; e++)
                xDouble[e] = double.CreateTruncating(x[e]);
        }
        VectorKernels.Gram(xDouble, n, p, gram);
        // c = X_wᵀy_c, ‖y_c‖²
        c.Clear();
        double yy = 0;
        for (int i = 0; i < n; i++)
        {
            double yi = double.CreateTruncating(y[i]);
            yy += yi * yi;
            VectorKernels.AddScaled(c, yi, xDouble.Slice(i * p, p));
        }
        double invN = 1.0 / n;
        for (int e = 0; e < gram.Length; e++)
            gram[e] *= invN;
        for (int j = 0; j < p; j++)
            c[j] *= invN;
        if (!ReferenceEquals(arrays.Gram, arrays.GramDouble))
            for (int e = 0; e < gram.Length; e++)
                arrays.Gram[e] = T.CreateTruncating(gram[e]);
        for (int j = 0; j < p; j++)
            ws.SetSteps(problem, j, arrays.Gram[j * p + j]);
        return yy * invN;
    }

    /// <summary>
    /// One cyclic sweep over the coordinates of <paramref name="beta"/>, keeping <paramref name="q"/> = c − Gβ
    /// up to date, with row j of G at j·<paramref name="stride"/>; returns false when no coordinate moved.
    /// A coordinate with <paramref name="inverseDiagonal"/> 0 (a zero column) never moves.
    /// </summary>
    internal static bool Sweep<T, TPenalty>(ReadOnlySpan<T> gram, int stride, Span<T> q, Span<T> beta,
        ReadOnlySpan<T> inverseDiagonal, ReadOnlySpan<T> l1Step, ReadOnlySpan<T> l2Step)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
    {
        int count = beta.Length;
        bool moved = false;
        for (int j = 0; j < count; j++)
        {
            T inverse = inverseDiagonal[j];
            if (inverse == T.Zero)
                continue;
            T old = beta[j];
            T next = CoordinateStep.Update<T, TPenalty>(old, q[j], inverse, l1Step[j], l2Step[j]);
            if (next == old)
                continue;
            beta[j] = next;
            // q = c − Gβ changes by −Gⱼ·(βⱼ⁺ − βⱼ) (G symmetric: row j is column j)
            VectorKernels.AddScaled(q, old - next, gram.Slice(j * stride, count));
            moved = true;
        }
        return moved;
    }

    /// <summary>
    /// q = c − Gβ from the columns of G of the nonzero coordinates (row j of G at j·<paramref name="stride"/>; G
    /// symmetric), for q of the length of <paramref name="beta"/>.
    /// </summary>
    internal static void NegativeGradient(ReadOnlySpan<double> gram, int stride, ReadOnlySpan<double> c, ReadOnlySpan<double> beta, Span<double> q)
    {
        int count = beta.Length;
        c.CopyTo(q);
        for (int a = 0; a < count; a++)
            if (beta[a] != 0)
                VectorKernels.AddScaled(q, -beta[a], gram.Slice(a * stride, count));
    }
}
