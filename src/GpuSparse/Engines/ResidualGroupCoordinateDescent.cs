using System.Numerics;
using System.Numerics.Tensors;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Kernels.Steps;
using GpuSparse.Preparation;

namespace GpuSparse.Engines;

/// <summary>
/// Block coordinate descent on the residual form for a block penalty (<see cref="GroupElasticNet{T}"/>), for the
/// shapes where <see cref="CoordinateDescent.ChooseForm"/> prefers the residual to G (tall problems, and wide ones
/// whose G does not fit): block g reads <c>q_g = X_gᵀr/n</c>, steps <c>β_g⁺ = prox_g(β_g + q_g/L_g)</c> (L_g the
/// largest eigenvalue of X_gᵀX_g/n) and updates <c>r −= X_g·(β_g⁺ − β_g)</c>. A block of one coordinate takes the
/// coordinate update of <see cref="ResidualCoordinateDescent"/>, so that groups of size 1 are its Lasso to the bit.
/// </summary>
/// <remarks>
/// The columns, r, the coordinate steps and the check are those of <see cref="ResidualCoordinateDescent"/> for the
/// same penalty type: only the sweep is the block one, as <see cref="GroupCoordinateDescent"/> is to the Gram form.
/// </remarks>
internal static class ResidualGroupCoordinateDescent
{
    /// <summary>Lays out the columns, the coordinate steps and the block steps of <paramref name="problem"/>; returns the form to iterate.</summary>
    public static Form<T> Start<T>(PreparedProblem<T> problem, CoordinateDescentWorkspace<T> workspace)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var residual = ResidualCoordinateDescent.Start<T, GroupElasticNet<T>>(problem, workspace);
        int n = problem.Design.Samples, p = problem.Design.Features;
        var arrays = workspace.ResidualArrays(n, p);
        var columns = arrays.Columns;
        var widened = new double[2 * n];
        // G_ab = x_aᵀx_b/n in float64, for the blocks only
        double Gram(int a, int b)
        {
            TensorPrimitives.ConvertTruncating<T, double>(columns.AsSpan(a * n, n), widened.AsSpan(0, n));
            TensorPrimitives.ConvertTruncating<T, double>(columns.AsSpan(b * n, n), widened.AsSpan(n, n));
            return TensorPrimitives.Dot<double>(widened.AsSpan(0, n), widened.AsSpan(n, n)) / n;
        }
        var steps = GroupCoordinateDescent.BlockSteps(problem, Gram, out int largestBlock);
        return new Form<T>(problem, workspace, arrays, residual, steps, new T[largestBlock]);
    }

    /// <summary>One problem in the block residual form: the block sweep, and the residual form's check.</summary>
    internal readonly struct Form<T>(PreparedProblem<T> problem, CoordinateDescentWorkspace<T> workspace,
        ResidualCoordinateDescent.Arrays<T> arrays, ResidualCoordinateDescent.Form<T, GroupElasticNet<T>> residual, T[] blockSteps, T[] old)
        : CoordinateDescent.IForm
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public bool Sweep()
        {
            int n = problem.Design.Samples, p = problem.Design.Features;
            var form = default(GroupElasticNet<T>);
            ReadOnlySpan<T> columns = arrays.Columns.AsSpan(0, n * p);
            var r = arrays.Residual.AsSpan(0, n);
            var beta = workspace.Beta.AsSpan(0, p);
            T invN = T.One / T.CreateTruncating(n);
            bool moved = false;
            for (int start = 0, end; start < p; start = end)
            {
                end = form.BlockEnd(problem, start);
                if (end - start == 1)
                {
                    // βⱼ⁺ = prox(βⱼ + qⱼ/Gⱼⱼ), qⱼ = xⱼᵀr/n, as ResidualCoordinateDescent.Sweep updates a coordinate
                    T inverse = workspace.InverseDiagonal[start];
                    if (inverse == T.Zero)
                        continue;
                    var column = columns.Slice(start * n, n);
                    T previous = beta[start];
                    T next = CoordinateStep.Update<T, GroupElasticNet<T>>(previous, TensorPrimitives.Dot(column, r) * invN, inverse,
                        workspace.L1Step[start], workspace.L2Step[start]);
                    if (next == previous)
                        continue;
                    beta[start] = next;
                    TensorPrimitives.MultiplyAdd(column, previous - next, r, r);
                    moved = true;
                    continue;
                }
                T step = blockSteps[start];
                if (step == T.Zero)
                    continue;
                int size = end - start;
                // β_g⁺ = prox_g(β_g + X_gᵀr/(n·L_g)) with the weights scaled by 1/L_g
                for (int a = 0; a < size; a++)
                {
                    old[a] = beta[start + a];
                    beta[start + a] = old[a] + step * TensorPrimitives.Dot(columns.Slice((start + a) * n, n), r) * invN;
                }
                form.BlockProximal(new SpanVector<T>(beta), start, end, step * problem.L1[start], step * problem.L2[start]);
                // r = y_c − X_wβ changes by −X_g·(β_g⁺ − β_g)
                for (int a = 0; a < size; a++)
                {
                    T change = old[a] - beta[start + a];
                    if (change == T.Zero)
                        continue;
                    TensorPrimitives.MultiplyAdd(columns.Slice((start + a) * n, n), change, r, r);
                    moved = true;
                }
            }
            return moved;
        }

        public (double Gap, double Objective) Check() => residual.Check();
    }
}
