using System.Numerics;
using System.Numerics.Tensors;
using GpuSparse.Model;
using GpuSparse.Numerics;

namespace GpuSparse.Anomaly;

/// <summary>
/// A dictionary D for sparse coding: <see cref="Count"/> atoms of length <see cref="Length"/>, stored as the
/// columns of a row-major n × p matrix (the design layout of <see cref="Model.ProblemBatch{T}"/>). Every atom
/// has unit Euclidean norm, so that one λ penalises all atoms alike.
/// </summary>
public sealed class CodingDictionary
{
    private readonly double[] _atoms;

    private CodingDictionary(double[] atoms, int length, int count)
    {
        _atoms = atoms;
        Length = length;
        Count = count;
    }

    /// <summary>The signal length n (rows of D).</summary>
    public int Length { get; }

    /// <summary>The number of atoms p (columns of D).</summary>
    public int Count { get; }

    /// <summary>D, row-major n × p: entry (i, j) is sample i of atom j.</summary>
    public ReadOnlySpan<double> Matrix => _atoms;

    /// <summary>Entry i of atom j.</summary>
    public double this[int i, int j] => _atoms[i * Count + j];

    /// <summary>D converted to the working precision T (row-major n × p).</summary>
    public T[] ToMatrix<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[_atoms.Length];
        for (int e = 0; e < values.Length; e++)
            values[e] = T.CreateTruncating(_atoms[e]);
        return values;
    }

    /// <summary>
    /// A dictionary from given atoms: the columns of a row-major n × p matrix, each scaled to unit norm.
    /// </summary>
    /// <exception cref="ArgumentException">The shape is inconsistent, a value is not finite, or an atom is zero.</exception>
    public static CodingDictionary FromMatrix(ReadOnlySpan<double> matrix, int atoms)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(atoms, 1);
        if (matrix.Length == 0 || matrix.Length % atoms != 0)
            throw new ArgumentException($"holds {matrix.Length} values, not a positive multiple of {atoms} atoms", nameof(matrix));
        int n = matrix.Length / atoms;
        var values = matrix.ToArray();
        for (int j = 0; j < atoms; j++)
        {
            double norm2 = 0;
            for (int i = 0; i < n; i++)
                norm2 += values[i * atoms + j] * values[i * atoms + j];
            if (!(norm2 > 0) || !double.IsFinite(norm2))
                throw new ArgumentException($"atom {j} has norm² {norm2} (atoms must be finite and nonzero)", nameof(matrix));
            double inverse = 1 / Math.Sqrt(norm2);
            for (int i = 0; i < n; i++)
                values[i * atoms + j] *= inverse;
        }
        return new CodingDictionary(values, n, atoms);
    }

    /// <summary>
    /// The 2-D DCT-II basis of w × w patches (pixels row-major, index <c>a·w + b</c>) restricted to the
    /// frequencies with <c>u + v ≤ maxFrequency</c>, ordered by <c>u + v</c> then u. Atom (u, v) is
    /// <c>α(u)α(v)·cos(π(2a+1)u/2w)·cos(π(2b+1)v/2w)</c> with <c>α(0) = √(1/w)</c>, <c>α(u&gt;0) = √(2/w)</c>:
    /// orthonormal. <c>maxFrequency = 2(w − 1)</c> gives the complete basis; a small one gives the smooth
    /// atoms only, so that sharp defects cannot be represented and show up in the error block.
    /// </summary>
    public static CodingDictionary Dct2D(int width, int maxFrequency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxFrequency);
        var frequencies = new List<(int U, int V)>();
        for (int total = 0; total <= Math.Min(maxFrequency, 2 * (width - 1)); total++)
            for (int u = Math.Max(0, total - width + 1); u <= Math.Min(total, width - 1); u++)
                frequencies.Add((u, total - u));
        int n = ArraySize.Of("patch pixels", width, width), p = frequencies.Count;
        var values = new double[ArraySize.Of("dictionary atoms", n, p)];
        for (int j = 0; j < p; j++)
        {
            var (u, v) = frequencies[j];
            for (int a = 0; a < width; a++)
                for (int b = 0; b < width; b++)
                    values[(a * width + b) * p + j] = DctFactor(a, u, width) * DctFactor(b, v, width);
        }
        return new CodingDictionary(values, n, p);
    }

    /// <summary>α(u)·cos(π(2a+1)u/(2w)), one factor of a separable DCT-II atom.</summary>
    private static double DctFactor(int a, int u, int width) =>
        (u == 0 ? Math.Sqrt(1.0 / width) : Math.Sqrt(2.0 / width)) * Math.Cos(Math.PI * (2 * a + 1) * u / (2.0 * width));

    /// <summary>
    /// The leading <paramref name="atoms"/> principal directions of clean training windows (m × n,
    /// row-major): the eigenvectors of the second-moment matrix <c>WᵀW/m</c> with the largest eigenvalues
    /// (cyclic Jacobi), unit norm, sign fixed so that the largest entry is positive.
    /// </summary>
    /// <remarks>
    /// The windows are not centred: robust coding fits no intercept, so the atoms must span the windows
    /// themselves rather than their deviations from the mean; uncentred components (the leading right
    /// singular vectors of W) do exactly that, the mean direction included.
    /// </remarks>
    public static CodingDictionary PrincipalComponents(ReadOnlySpan<double> windows, int length, int atoms)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(atoms, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(atoms, length);
        if (windows.Length == 0 || windows.Length % length != 0)
            throw new ArgumentException($"holds {windows.Length} values, not a positive multiple of the window length {length}", nameof(windows));
        int m = windows.Length / length, n = length;
        // G = WᵀW/m, the n × n second-moment matrix.
        var gram = new double[ArraySize.Of("window second moments", n, n)];
        VectorKernels.Gram(windows, m, n, gram);
        TensorPrimitives.Divide(gram, m, gram);
        if (gram.Any(v => !double.IsFinite(v)))
            throw new ArgumentException("the training windows hold non-finite values", nameof(windows));
        var (eigenvalues, eigenvectors) = SymmetricEigen.Jacobi(gram, n);
        var order = Enumerable.Range(0, n).OrderByDescending(j => eigenvalues[j]).Take(atoms).ToArray();
        var values = new double[ArraySize.Of("dictionary atoms", n, atoms)];
        for (int j = 0; j < atoms; j++)
        {
            int source = order[j];
            int largest = 0;
            for (int i = 1; i < n; i++)
                if (Math.Abs(eigenvectors[i * n + source]) > Math.Abs(eigenvectors[largest * n + source]))
                    largest = i;
            double sign = eigenvectors[largest * n + source] < 0 ? -1 : 1;
            for (int i = 0; i < n; i++)
                values[i * atoms + j] = sign * eigenvectors[i * n + source];
        }
        return FromMatrix(values, atoms);
    }
}
