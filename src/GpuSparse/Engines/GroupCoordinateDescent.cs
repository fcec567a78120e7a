using System.Numerics;
using GpuSparse.Kernels.Steps;
using GpuSparse.Numerics;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Preparation;

namespace GpuSparse.Engines;

/// <summary>
/// Block coordinate descent on the Gram form for a block penalty (<see cref="GroupElasticNet{T}"/>): a cyclic
/// sweep over the blocks g, each a proximal gradient step on its block with step 1/L_g, L_g the largest
/// eigenvalue of G_gg: <c>β_g⁺ = prox_g(β_g + q_g/L_g)</c>, then <c>q −= G[:, g]·(β_g⁺ − β_g)</c>.
/// A block of one coordinate takes the coordinate update of <see cref="GramCoordinateDescent"/> (the exact
/// minimiser along it, L = Gⱼⱼ), so that groups of size 1 are the Lasso's sweep to the last bit. Where G does not
/// fit or costs more, <see cref="ResidualGroupCoordinateDescent"/> runs the same sweep on the residual.
/// </summary>
/// <remarks>
/// G, c, q and the gap check are those of <see cref="GramCoordinateDescent"/> for the same penalty type: only the
/// sweep is the block one. Every step of a block decreases the objective (a majorised proximal step).
/// </remarks>
internal static class GroupCoordinateDescent
{
    /// <summary>Forms G, c, the coordinate steps and the block steps of <paramref name="problem"/>; returns the form to iterate.</summary>
    public static Form<T> Start<T>(PreparedProblem<T> problem, CoordinateDescentWorkspace<T> workspace)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var gram = GramCoordinateDescent.Start<T, GroupElasticNet<T>>(problem, workspace);
        int n = problem.Design.Samples, p = problem.Design.Features;
        var arrays = workspace.GramArrays(n, p);
        var gramDouble = arrays.GramDouble;
        var steps = BlockSteps(problem, (a, b) => gramDouble[a * p + b], out int largestBlock);
        return new Form<T>(problem, workspace, arrays, gram, steps, new T[largestBlock]);
    }

    /// <summary>
    /// 1/L_g at the first coordinate of every block of two or more coordinates (0 for a zero block), L_g the largest
    /// eigenvalue of G_gg read from <paramref name="gram"/>(a, b) = G[a, b].
    /// </summary>
    internal static T[] BlockSteps<T>(PreparedProblem<T> problem, Func<int, int, double> gram, out int largestBlock)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = problem.Design.Features;
        var steps = new T[p];
        largestBlock = 0;
        var form = default(GroupElasticNet<T>);
        for (int start = 0, end; start < p; start = end)
        {
            end = form.BlockEnd(problem, start);
            int size = end - start;
            largestBlock = Math.Max(largestBlock, size);
            if (size == 1)
                continue;
            var block = new double[size * size];
            for (int a = 0; a < size; a++)
                for (int b = 0; b < size; b++)
                    block[a * size + b] = gram(start + a, start + b);
            double largest = SymmetricEigen.Jacobi(block, size).Values.Max();
            steps[start] = largest > 0 ? T.CreateTruncating(1 / largest) : T.Zero;
        }
        return steps;
    }

    /// <summary>
    /// What the block sweep needs of a form: <c>qⱼ = xⱼᵀ(y_c − X_wβ)/n</c> at the current β, and the update of the
    /// form's state when βⱼ changes by −<c>change</c> (<c>change</c> = βⱼ − βⱼ⁺).
    /// </summary>
    internal interface IBlockState<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        T NegativeGradient(int j);

        void Move(int j, T change);
    }

    /// <summary>
    /// One cyclic sweep over the blocks of <paramref name="problem"/> on the workspace's β: a block of one coordinate
    /// takes <c>βⱼ⁺ = prox(βⱼ + qⱼ/Gⱼⱼ)</c> (the coordinate update of the elastic-net sweeps), a larger one
    /// <c>β_g⁺ = prox_g(β_g + q_g/L_g)</c>; returns false when nothing moved.
    /// </summary>
    internal static bool Sweep<T, TState>(PreparedProblem<T> problem, CoordinateDescentWorkspace<T> workspace, T[] blockSteps, T[] old,
        TState state)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TState : IBlockState<T>, allows ref struct
    {
        int p = problem.Design.Features;
        var form = default(GroupElasticNet<T>);
        var beta = workspace.Beta.AsSpan(0, p);
        bool moved = false;
        for (int start = 0, end; start < p; start = end)
        {
            end = form.BlockEnd(problem, start);
            if (end - start == 1)
            {
                T inverse = workspace.InverseDiagonal[start];
                if (inverse == T.Zero)
                    continue;
                T previous = beta[start];
                T next = CoordinateStep.Update<T, GroupElasticNet<T>>(previous, state.NegativeGradient(start), inverse,
                    workspace.L1Step[start], workspace.L2Step[start]);
                if (next == previous)
                    continue;
                beta[start] = next;
                state.Move(start, previous - next);
                moved = true;
                continue;
            }
            T step = blockSteps[start];
            if (step == T.Zero)
                continue;
            int size = end - start;
            // β_g⁺ = prox_g(β_g + q_g/L_g) with the weights scaled by 1/L_g (q_g read before any coordinate moves)
            for (int a = 0; a < size; a++)
            {
                old[a] = beta[start + a];
                beta[start + a] = old[a] + step * state.NegativeGradient(start + a);
            }
            form.BlockProximal(new SpanVector<T>(beta), start, end, step * problem.L1[start], step * problem.L2[start]);
            for (int a = 0; a < size; a++)
            {
                T change = old[a] - beta[start + a];
                if (change == T.Zero)
                    continue;
                state.Move(start + a, change);
                moved = true;
            }
        }
        return moved;
    }

    /// <summary>One problem in the block Gram form: the block sweep on q = c − Gβ, and the Gram form's check.</summary>
    internal readonly struct Form<T>(PreparedProblem<T> problem, CoordinateDescentWorkspace<T> workspace,
        GramCoordinateDescent.Arrays<T> arrays, GramCoordinateDescent.Form<T, GroupElasticNet<T>> gram, T[] blockSteps, T[] old)
        : CoordinateDescent.IForm
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public bool Sweep()
        {
            int p = problem.Design.Features;
            return GroupCoordinateDescent.Sweep(problem, workspace, blockSteps, old,
                new GramState<T>(arrays.Gram.AsSpan(0, p * p), arrays.NegativeGradient.AsSpan(0, p), p));
        }

        public (double Gap, double Objective) Check() => gram.Check();
    }

    /// <summary>q = c − Gβ kept by the Gram form: a move changes it by −G[:, j]·(βⱼ⁺ − βⱼ) (G symmetric: row j is column j).</summary>
    private readonly ref struct GramState<T>(ReadOnlySpan<T> gram, Span<T> q, int p) : IBlockState<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlySpan<T> _gram = gram;
        private readonly Span<T> _q = q;

        public T NegativeGradient(int j) => _q[j];

        public void Move(int j, T change) => VectorKernels.AddScaled(_q, change, _gram.Slice(j * p, p));
    }
}
