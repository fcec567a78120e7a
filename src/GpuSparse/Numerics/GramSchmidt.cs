using System.Numerics.Tensors;

namespace GpuSparse.Numerics;

/// <summary>Orthogonalisation of a vector against an orthonormal basis by modified Gram–Schmidt.</summary>
internal static class GramSchmidt
{
    /// <summary>
    /// Removes from <paramref name="v"/> its components along the orthonormal <paramref name="basis"/>, by modified
    /// Gram–Schmidt run twice ("twice is enough", Kahan–Parlett) for orthogonality to rounding; adds the coefficients
    /// qₐᵀv to <paramref name="coefficients"/>[a] and returns ‖v‖ of what is left.
    /// </summary>
    public static double Orthogonalise(Span<double> v, IReadOnlyList<double[]> basis, Span<double> coefficients)
    {
        for (int pass = 0; pass < 2; pass++)
            for (int a = 0; a < basis.Count; a++)
            {
                // v −= (qₐᵀv)·qₐ
                double projection = TensorPrimitives.Dot(basis[a], v);
                coefficients[a] += projection;
                TensorPrimitives.MultiplyAdd(basis[a], -projection, v, v);
            }
        return TensorPrimitives.Norm(v);
    }
}
