using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using GpuSparse.Certificates;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Kernels.Steps;
using GpuSparse.Preparation;

namespace GpuSparse.Engines;

/// <summary>
/// The residual form of <see cref="CoordinateDescent"/> (scikit-learn's <c>enet_coordinate_descent</c>, glmnet's
/// naive updates): the residual <c>r = y_c − X_wβ</c> is kept up to date, coordinate j reads
/// <c>qⱼ = xⱼᵀr/n</c> (n multiply-adds) and, when it moves, updates r (n more). Nothing of size p² is formed, so
/// it serves tall problems, where G costs more than the sweeps, and wide ones, where G does not fit.
/// </summary>
/// <remarks>
/// The sweeps read the columns of X_w contiguously from a column-major copy in the worker's arrays. Every check
/// recomputes R = y_c − X_wβ and X_wᵀR in float64, certifies from them by <see cref="DualityGap.Combine{TPenalty, TWeights, TBeta}"/> (the
/// gap of <see cref="DualityGap"/>) and resets the working r to R.
/// </remarks>
internal static class ResidualCoordinateDescent
{
    /// <summary>The residual form's arrays of one worker, for p features and up to n samples.</summary>
    public sealed class Arrays<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public Arrays(int samples, int features)
        {
            Samples = samples;
            Columns = new T[checked((long)samples * features)];
            Residual = new T[samples];
            ResidualDouble = new double[samples];
            // A float64 column is read in place; a float32 one is widened here for the float64 checks.
            ColumnDouble = typeof(T) == typeof(double) ? [] : new double[samples];
            ResidualCorrelation = new double[features];
        }

        /// <summary>The most samples these arrays serve.</summary>
        public int Samples { get; }

        public bool Fits(int samples) => samples <= Samples;

        /// <summary>X_w column-major: column j at j·n.</summary>
        public T[] Columns { get; }

        /// <summary>r = y_c − X_wβ in the working precision, updated by the sweeps.</summary>
        public T[] Residual { get; }

        /// <summary>R = y_c − X_wβ in float64, recomputed at every check.</summary>
        public double[] ResidualDouble { get; }

        /// <summary>One column, or y_c, widened to float64 (float32 T only).</summary>
        public double[] ColumnDouble { get; }

        /// <summary>X_wᵀR in float64, recomputed at every check.</summary>
        public double[] ResidualCorrelation { get; }
    }

    /// <summary>Lays out the columns of <paramref name="problem"/> and its coordinate steps in the workspace; returns the form to iterate.</summary>
    public static Form<T, TPenalty> Start<T, TPenalty>(PreparedProblem<T> problem, CoordinateDescentWorkspace<T> workspace)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
    {
        var design = problem.Design;
        int n = design.Samples, p = design.Features;
        var arrays = workspace.ResidualArrays(n, p);
        var columns = arrays.Columns.AsSpan(0, n * p);
        Transpose(design.Values.AsSpan(0, n * p), n, p, columns);
        for (int j = 0; j < p; j++)
        {
            // Gⱼⱼ = ‖xⱼ‖²/n, in float64 as the Gram form forms it.
            var column = Widened(columns.Slice(j * n, n), arrays.ColumnDouble);
            workspace.SetSteps(problem, j, T.CreateTruncating(TensorPrimitives.SumOfSquares(column) / n));
        }
        return new Form<T, TPenalty>(problem, workspace, arrays);
    }

    /// <summary>One problem in the residual form: its sweep and its check.</summary>
    internal readonly struct Form<T, TPenalty>(PreparedProblem<T> problem, CoordinateDescentWorkspace<T> workspace, Arrays<T> arrays)
        : CoordinateDescent.IForm
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPenalty : struct, IPenalty<T>
    {
        public bool Sweep()
        {
            int n = problem.Design.Samples, p = problem.Design.Features;
            ReadOnlySpan<T> columns = arrays.Columns.AsSpan(0, n * p);
            var residual = arrays.Residual.AsSpan(0, n);
            var beta = workspace.Beta.AsSpan(0, p);
            ReadOnlySpan<T> inverseDiagonal = workspace.InverseDiagonal, l1Step = workspace.L1Step, l2Step = workspace.L2Step;
            T invN = T.One / T.CreateTruncating(n);
            bool moved = false;
            for (int j = 0; j < p; j++)
            {
                T inverse = inverseDiagonal[j];
                if (inverse == T.Zero)
                    continue;
                var column = columns.Slice(j * n, n);
                T old = beta[j];
                // qⱼ = xⱼᵀr/n
                T q = TensorPrimitives.Dot(column, residual) * invN;
                T next = CoordinateStep.Update<T, TPenalty>(old, q, inverse, l1Step[j], l2Step[j]);
                if (next == old)
                    continue;
                beta[j] = next;
                // r = y_c − X_wβ changes by −xⱼ·(βⱼ⁺ − βⱼ)
                TensorPrimitives.MultiplyAdd(column, old - next, residual, residual);
                moved = true;
            }
            return moved;
        }

        /// <summary>
        /// Recomputes R = y_c − X_wβ and X_wᵀR in float64, resets the working r to R and returns the duality gap and
        /// objective of <see cref="DualityGap"/> from them.
        /// </summary>
        public (double Gap, double Objective) Check()
        {
            int n = problem.Design.Samples, p = problem.Design.Features;
            ReadOnlySpan<T> columns = arrays.Columns.AsSpan(0, n * p);
            var beta = workspace.Beta.AsSpan(0, p);
            var residual = arrays.ResidualDouble.AsSpan(0, n);
            var correlation = arrays.ResidualCorrelation.AsSpan(0, p);
            // R = y_c − Σⱼ βⱼxⱼ (zero coordinates skipped)
            TensorPrimitives.ConvertTruncating<T, double>(problem.Response.AsSpan(0, n), residual);
            for (int j = 0; j < p; j++)
                if (beta[j] != T.Zero)
                    TensorPrimitives.MultiplyAdd(Widened(columns.Slice(j * n, n), arrays.ColumnDouble),
                        -double.CreateTruncating(beta[j]), residual, residual);
            // v = X_wᵀR
            for (int j = 0; j < p; j++)
                correlation[j] = TensorPrimitives.Dot(Widened(columns.Slice(j * n, n), arrays.ColumnDouble), residual);
            double residualNorm2 = TensorPrimitives.SumOfSquares<double>(residual);
            double residualDotY = TensorPrimitives.Dot(residual, Widened(problem.Response.AsSpan(0, n), arrays.ColumnDouble));
            TensorPrimitives.ConvertTruncating<double, T>(residual, arrays.Residual.AsSpan(0, n));
            return DualityGap.Combine<TPenalty, PreparedProblem<T>, T>(problem, beta, correlation, residualNorm2, residualDotY, n);
        }
    }

    /// <summary>
    /// Writes the row-major n × p <paramref name="rows"/> column-major into <paramref name="columns"/>, a block of
    /// columns at a time, so that each row segment read is one cache line and the writes are a few sequential streams.
    /// </summary>
    private static void Transpose<T>(ReadOnlySpan<T> rows, int n, int p, Span<T> columns)
    {
        const int block = 8;
        for (int j0 = 0; j0 < p; j0 += block)
        {
            int width = Math.Min(block, p - j0);
            for (int i = 0; i < n; i++)
            {
                var segment = rows.Slice(i * p + j0, width);
                for (int j = 0; j < width; j++)
                    columns[(j0 + j) * n + i] = segment[j];
            }
        }
    }

    /// <summary>A column in float64: itself for a float64 T, else widened into <paramref name="buffer"/>.</summary>
    private static ReadOnlySpan<double> Widened<T>(ReadOnlySpan<T> column, double[] buffer) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
            return MemoryMarshal.Cast<T, double>(column);
        var widened = buffer.AsSpan(0, column.Length);
        TensorPrimitives.ConvertTruncating<T, double>(column, widened);
        return widened;
    }
}
