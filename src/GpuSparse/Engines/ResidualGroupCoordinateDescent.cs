using System.Numerics;
using System.Numerics.Tensors;
using GpuSparse.Kernels.Penalties;
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
        int widenedColumn = -1;
        // G_ab = x_aᵀx_b/n in float64, for the blocks only; BlockSteps reads a block row by row, so column a is widened once a row
        double Gram(int a, int b)
        {
            if (a != widenedColumn)
            {
                TensorPrimitives.ConvertTruncating<T, double>(columns.AsSpan(a * n, n), widened.AsSpan(0, n));
                widenedColumn = a;
            }
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
            return GroupCoordinateDescent.Sweep(problem, workspace, blockSteps, old,
                new ResidualState<T>(arrays.Columns.AsSpan(0, n * p), arrays.Residual.AsSpan(0, n), n));
        }

        public (double Gap, double Objective) Check() => residual.Check();
    }

    /// <summary>
    /// r = y_c − X_wβ kept by the residual form: <c>qⱼ = xⱼᵀr/n</c> is read when j is visited, and a move changes r
    /// by −xⱼ·(βⱼ⁺ − βⱼ), as <see cref="ResidualCoordinateDescent"/> updates a coordinate.
    /// </summary>
    private readonly ref struct ResidualState<T>(ReadOnlySpan<T> columns, Span<T> r, int n) : GroupCoordinateDescent.IBlockState<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlySpan<T> _columns = columns;
        private readonly Span<T> _r = r;
        private readonly T _invN = T.One / T.CreateTruncating(n);

        public T NegativeGradient(int j) => TensorPrimitives.Dot(_columns.Slice(j * n, n), _r) * _invN;

        public void Move(int j, T change) => TensorPrimitives.MultiplyAdd(_columns.Slice(j * n, n), change, _r, _r);
    }
}
