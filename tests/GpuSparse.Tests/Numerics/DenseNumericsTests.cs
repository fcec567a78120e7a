using GpuSparse.Kernels.Numerics;
using GpuSparse.Kernels.Penalties;
using GpuSparse.Kernels.Steps;
using GpuSparse.Numerics;
using GpuSparse.Preparation;
using Xunit;

namespace GpuSparse.Tests.Numerics;

/// <summary>
/// The dense linear algebra of GpuSparse.Numerics against independent evaluations: the Cholesky solve and the QR
/// recovery of the unpenalised features give the same least-squares coefficients (paths use the one, batches the
/// other), power iteration against Jacobi, triangular solves against multiplication, and the strided views the solver
/// steps run on against plain loops.
/// </summary>
public sealed class DenseNumericsTests
{
    private static double[] Matrix(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, rows * columns).Select(_ => random.NextDouble() * 2 - 1)];
    }

    [Theory]
    [InlineData(40, 3, 1)]
    [InlineData(25, 7, 2)]
    [InlineData(12, 12, 3)]
    public void CholeskyOnTheGramAndQrOnTheColumnsGiveTheSameLeastSquaresCoefficients(int n, int m, int seed)
    {
        // argmin_b ‖y − X b‖: by G = XᵀX/n = L·Lᵀ (the path engine's unpenalised block) and by X = QR (the batch route).
        var x = Matrix(n, m, seed);
        var y = Matrix(n, 1, seed + 100);
        var gram = new double[m * m];
        VectorKernels.Gram(x, n, m, gram);
        var factor = new double[m * m];
        Assert.True(Cholesky.TryFactor(m, (a, b) => gram[a * m + b] / n, factor));
        var viaCholesky = new double[m];
        for (int a = 0; a < m; a++)
            for (int i = 0; i < n; i++)
                viaCholesky[a] += x[i * m + a] * y[i] / n;
        Cholesky.Solve(factor, m, viaCholesky);

        var work = (double[])x.Clone();
        var projection = UnpenalisedProjection.ProjectOut(work, n, m, [.. Enumerable.Repeat(true, m)]);
        Assert.Equal(m, projection.Columns.Length);
        var response = (double[])y.Clone();
        var basisDotResponse = projection.ProjectResponse(response);
        var viaQr = new double[m];
        projection.Recover(viaQr, basisDotResponse);

        for (int a = 0; a < m; a++)
            Assert.Equal(viaQr[a], viaCholesky[a], 1e-10 * Math.Max(1, Math.Abs(viaQr[a])));
        // and both satisfy the normal equations Xᵀ(y − Xb) = 0
        for (int a = 0; a < m; a++)
        {
            double normal = 0;
            for (int i = 0; i < n; i++)
            {
                double fitted = 0;
                for (int b = 0; b < m; b++)
                    fitted += x[i * m + b] * viaQr[b];
                normal += x[i * m + a] * (y[i] - fitted);
            }
            Assert.InRange(Math.Abs(normal), 0, 1e-10 * n);
        }
    }

    [Fact]
    public void CholeskyRefusesAMatrixThatIsNotPositiveDefinite()
    {
        double[] singular = [1, 1, 1, 1];
        Assert.False(Cholesky.TryFactor(2, (a, b) => singular[a * 2 + b], new double[4]));
        double[] indefinite = [1, 2, 2, 1];
        Assert.False(Cholesky.TryFactor(2, (a, b) => indefinite[a * 2 + b], new double[4]));
    }

    [Fact]
    public void TriangularSolvesInvertTheirMatrixAndItsTranspose()
    {
        const int m = 6;
        var lower = Matrix(m, m, 7);
        for (int a = 0; a < m; a++)
        {
            lower[a * m + a] = 2 + Math.Abs(lower[a * m + a]);
            for (int k = a + 1; k < m; k++)
                lower[a * m + k] = 0;
        }
        var expected = Matrix(m, 1, 8);
        // b = L·x and c = Lᵀ·x
        var b = new double[m];
        var c = new double[m];
        for (int a = 0; a < m; a++)
            for (int k = 0; k < m; k++)
            {
                b[a] += lower[a * m + k] * expected[k];
                c[a] += lower[k * m + a] * expected[k];
            }
        TriangularSolve.Lower(lower, m, rowStride: m, columnStride: 1, b);
        TriangularSolve.Upper(lower, m, rowStride: 1, columnStride: m, c);
        for (int a = 0; a < m; a++)
        {
            Assert.Equal(expected[a], b[a], 1e-12);
            Assert.Equal(expected[a], c[a], 1e-12);
        }
    }

    [Theory]
    [InlineData(30, 8)]
    [InlineData(8, 30)]
    public void SpectralNormIsTheLargestJacobiEigenvalueOnEitherSideOfTheGram(int n, int p)
    {
        // L = λ_max(XᵀX/n), formed on XᵀX when p ≤ n and on XXᵀ otherwise, with the safety margin 1.001.
        var x = Matrix(n, p, n + p);
        var gram = new double[p * p];
        VectorKernels.Gram(x, n, p, gram);
        var (values, _) = SymmetricEigen.Jacobi(gram, p);
        double largest = values.Max() / n;
        double l = SpectralNorm.LargestEigenvalue<double>(x, n, p);
        Assert.Equal(1.001 * largest, l, 1e-8 * largest);
        Assert.Equal(largest, PowerIteration.Largest([.. gram.Select(g => g / n)], p), 1e-8 * largest);
    }

    [Fact]
    public void GramSchmidtLeavesAVectorOrthogonalToTheBasisWithItsCoefficients()
    {
        const int n = 20;
        var first = Matrix(n, 1, 11);
        double norm = Math.Sqrt(first.Sum(v => v * v));
        double[] q = [.. first.Select(v => v / norm)];
        var v = Matrix(n, 1, 12);
        var original = (double[])v.Clone();
        var coefficients = new double[1];
        double rest = GramSchmidt.Orthogonalise(v, [q], coefficients);
        Assert.InRange(Math.Abs(q.Zip(v, (a, b) => a * b).Sum()), 0, 1e-14);
        Assert.Equal(Math.Sqrt(v.Sum(e => e * e)), rest, 1e-14);
        for (int i = 0; i < n; i++)
            Assert.Equal(original[i], v[i] + coefficients[0] * q[i], 1e-14);
    }

    [Fact]
    public void TheStepReadsAColumnThroughAStridedViewAsAPlainLoopDoes()
    {
        // cⱼ = Σᵢ X[i, j]·rᵢ and rᵢ = yᵢ − Σⱼ X[i, j]·zⱼ on views with offsets, against plain loops, to the bit.
        const int n = 7, p = 5, offset = 3;
        var storage = new double[offset + n * p];
        Matrix(n, p, 21).CopyTo(storage, offset);
        var y = Matrix(n, 1, 22);
        var z = Matrix(p, 1, 23);
        var residual = new double[n];
        for (int i = 0; i < n; i++)
        {
            residual[i] = ProximalGradientStep.Residual<double, HostView<double>>(new(storage, offset), new(y), new(z), i, p);
            double acc = 0;
            for (int j = 0; j < p; j++)
                acc += storage[offset + i * p + j] * z[j];
            Assert.Equal(y[i] - acc, residual[i]);
        }
        for (int j = 0; j < p; j++)
        {
            double acc = 0;
            for (int i = 0; i < n; i++)
                acc += storage[offset + i * p + j] * residual[i];
            Assert.Equal(acc, ProximalGradientStep.Correlation<double, HostView<double>>(new(storage, offset), new(residual), j, n, p));
            // the same column as a view of stride p
            var column = new HostView<double>(storage, offset + j, p);
            double viaColumn = 0;
            for (int i = 0; i < n; i++)
                viaColumn += column[i] * residual[i];
            Assert.Equal(acc, viaColumn);
        }
        // rows padded to a stride of p + 2 (as a kernel pads shared memory): the same values and the same bits
        const int stride = p + 2;
        var padded = new double[n * stride];
        for (int i = 0; i < n; i++)
            Array.Copy(storage, offset + i * p, padded, i * stride, p);
        for (int i = 0; i < n; i++)
        {
            // a row's dot continued over its parts (as a kernel's tiles of 2 columns make it): the same bits
            var row = new HostView<double>(padded, i * stride);
            double dot = 0;
            for (int column = 0; column < p; column += 2)
                dot = ProximalGradientStep.Dot(dot, row.Slice(column, 1), new HostView<double>(z, column), Math.Min(2, p - column));
            Assert.Equal(residual[i], y[i] - dot);
        }
        for (int j = 0; j < p; j++)
            Assert.Equal(ProximalGradientStep.Correlation<double, HostView<double>>(new(storage, offset), new(residual), j, n, p),
                ProximalGradientStep.Correlation<double, HostView<double>>(new(padded), new(residual), j, n, stride));
        // β⁺ⱼ = prox(zⱼ + (t/n)·cⱼ) with weights t·l1ⱼ, t·l2ⱼ
        Assert.Equal(SoftThreshold.Apply(0.5 + 0.25 * 2.0, 0.1 * 0.3) / (1 + 0.1 * 0.2),
            ProximalGradientStep.Forward<double, ElasticNet<double>>(0.5, 2.0, 0.1, 0.25, 0.3, 0.2));
    }
}
