using System.Numerics.Tensors;
using GpuSparse.Numerics;

namespace GpuSparse.Preparation;

/// <summary>
/// Unpenalised features (penalty factor 0, or λ = 0) profiled out of a problem the way the intercept is:
/// with X_U = Q·R (Gram–Schmidt), the solvers iterate on the penalised columns projected off span(X_U),
/// <c>(I − QQᵀ)X_P</c>, against <c>(I − QQᵀ)y</c>, and the unpenalised coefficients are recovered exactly
/// afterwards, <c>β_U = R⁻¹Qᵀ(y − X_Pβ_P)</c>. The reduced problem has every feature penalised, so its
/// duality gap is a true certificate (an unpenalised feature's dual constraint xⱼᵀθ = 0 holds by construction).
/// </summary>
internal sealed class UnpenalisedProjection
{
    // A column whose part outside the span of the previous ones is below this fraction of its norm is
    // linearly dependent on them: its least-squares coefficient is not unique, and it is given 0.
    private const double DependenceThreshold = 1e-10;

    private UnpenalisedProjection(int samples, int[] columns, double[] basis, double[] triangular, double[] basisDotDesign)
    {
        Samples = samples;
        Columns = columns;
        Basis = basis;
        Triangular = triangular;
        BasisDotDesign = basisDotDesign;
    }

    public int Samples { get; }

    /// <summary>The independent unpenalised columns, in order (m of them).</summary>
    public int[] Columns { get; }

    /// <summary>Q, n × m row-major, orthonormal columns spanning the unpenalised columns.</summary>
    public double[] Basis { get; }

    /// <summary>R, m × m upper triangular, X_U = QR.</summary>
    public double[] Triangular { get; }

    /// <summary>QᵀX_w before projection, m × p row-major.</summary>
    public double[] BasisDotDesign { get; }

    /// <summary>
    /// Factorises the unpenalised columns of <paramref name="work"/> (n × p, row-major, working scale) and
    /// projects every other column off their span in place; the unpenalised columns are set to zero.
    /// </summary>
    public static UnpenalisedProjection ProjectOut(double[] work, int n, int p, bool[] unpenalised)
    {
        var columns = new List<int>();
        var basis = new List<double[]>();
        var triangular = new List<double[]>();
        foreach (int j in Enumerable.Range(0, p).Where(j => unpenalised[j]))
        {
            var v = new double[n];
            for (int i = 0; i < n; i++)
                v[i] = work[i * p + j];
            double original = TensorPrimitives.Norm(v);
            var r = new double[p];
            double norm = GramSchmidt.Orthogonalise(v, basis, r);
            if (norm > DependenceThreshold * original)
            {
                TensorPrimitives.Divide(v, norm, v);
                r[basis.Count] = norm;
                basis.Add(v);
                triangular.Add(r);
                columns.Add(j);
            }
        }
        int m = basis.Count;
        var q = new double[n * m];
        var rMatrix = new double[m * m];
        for (int a = 0; a < m; a++)
        {
            for (int i = 0; i < n; i++)
                q[i * m + a] = basis[a][i];
            // Column a of R holds the coefficients of unpenalised column a on q_0..q_a.
            for (int b = 0; b <= a; b++)
                rMatrix[b * m + a] = triangular[a][b];
        }
        // C = QᵀX_w, then X_w ← X_w − QC: every column loses its component in span(X_U).
        var c = new double[m * p];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < m; a++)
            {
                double qa = q[i * m + a];
                for (int j = 0; j < p; j++)
                    c[a * p + j] += qa * work[i * p + j];
            }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < p; j++)
            {
                if (unpenalised[j])
                {
                    work[i * p + j] = 0;
                    continue;
                }
                double s = 0;
                for (int a = 0; a < m; a++)
                    s += q[i * m + a] * c[a * p + j];
                work[i * p + j] -= s;
            }
        return new UnpenalisedProjection(n, [.. columns], q, rMatrix, c);
    }

    /// <summary>Qᵀy and the projected response y − QQᵀy.</summary>
    public double[] ProjectResponse(Span<double> response)
    {
        int n = Samples, m = Columns.Length;
        var qty = new double[m];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < m; a++)
                qty[a] += Basis[i * m + a] * response[i];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < m; a++)
                response[i] -= Basis[i * m + a] * qty[a];
        return qty;
    }

    /// <summary>Fills the unpenalised coefficients of <paramref name="beta"/> (working scale): β_U = R⁻¹(Qᵀy − Cβ_P).</summary>
    public void Recover(Span<double> beta, ReadOnlySpan<double> basisDotResponse)
    {
        int m = Columns.Length, p = beta.Length;
        var rhs = new double[m];
        for (int a = 0; a < m; a++)
        {
            double s = basisDotResponse[a];
            for (int j = 0; j < p; j++)
                s -= BasisDotDesign[a * p + j] * beta[j];
            rhs[a] = s;
        }
        // R·β_U = rhs
        TriangularSolve.Upper(Triangular, m, rowStride: m, columnStride: 1, rhs);
        for (int a = 0; a < m; a++)
            beta[Columns[a]] = rhs[a];
    }
}
