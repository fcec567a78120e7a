using System.Numerics;

namespace GpuSparse.Kernels.Penalties;

/// <summary>
/// The group elastic net <c>Σ_g l1_g‖β_g‖₂ + ½·l2_g‖β_g‖₂²</c> over contiguous blocks g (the group Lasso when
/// l2 = 0), with l1_g = λ·r·w_g and l2_g = λ·(1 − r)·w_g and the block ends given as data. Its proximal map is
/// block soft-thresholding <c>z·max(1 − l1/‖z‖, 0)/(1 + l2)</c>; a block of one coordinate takes the elastic
/// net's coordinate map, so that groups of size 1 are the elastic net to the last bit.
/// </summary>
public readonly struct GroupElasticNet<T> : IPenalty<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc />
    public int BlockEnd<TBlocks>(TBlocks blocks, int start) where TBlocks : IBlockEnds, allows ref struct => blocks.BlockEnd(start);

    /// <inheritdoc />
    public T Proximal(T z, T l1, T l2) => default(ElasticNet<T>).Proximal(z, l1, l2);

    /// <inheritdoc />
    public void BlockProximal<TVector>(TVector values, int start, int end, T l1, T l2) where TVector : IVector<T>, allows ref struct
    {
        // ‖z‖ without overflow or underflow of the squares: scaled by the largest |zⱼ|
        T largest = T.Zero;
        for (int j = start; j < end; j++)
        {
            T magnitude = T.Abs(values[j]);
            if (magnitude > largest)
                largest = magnitude;
        }
        T sum = T.Zero;
        for (int j = start; j < end; j++)
        {
            T scaled = largest > T.Zero ? values[j] / largest : T.Zero;
            sum += scaled * scaled;
        }
        T norm = largest * T.Sqrt(sum);
        // b = z·(1 − l1/‖z‖)/(1 + l2) outside the ball of radius l1, else 0; one coordinate takes the elastic net's map
        bool outside = norm > l1;
        T shrink = outside ? (T.One - l1 / norm) / (T.One + l2) : T.Zero;
        for (int j = start; j < end; j++)
        {
            // into a local first: ILGPU 1.5 cannot compile a setter whose argument makes a call; a block inside the
            // ball is +0, not 0·zⱼ (−0 for a negative zⱼ, printed as "-0")
            T next = end - start == 1 ? Proximal(values[j], l1, l2) : outside ? shrink * values[j] : T.Zero;
            values[j] = next;
        }
    }

    /// <inheritdoc />
    public double Norm<TValues>(TValues values, int start, int end) where TValues : IValues, allows ref struct =>
        EuclideanNorm(values, start, end);

    /// <inheritdoc />
    public double DualNorm<TValues>(TValues values, int start, int end) where TValues : IValues, allows ref struct =>
        EuclideanNorm(values, start, end);

    /// <inheritdoc />
    public double Support<TValues>(TValues values, int start, int end) where TValues : IValues, allows ref struct =>
        EuclideanNorm(values, start, end);

    // ‖v_[start, end)‖₂ in float64 (|v| for one coordinate); a NaN coordinate gives NaN.
    private static double EuclideanNorm<TValues>(TValues values, int start, int end) where TValues : IValues, allows ref struct
    {
        if (end - start == 1)
            return Math.Abs(values[start]);
        double sum = 0;
        for (int j = start; j < end; j++)
            sum += values[j] * values[j];
        return Math.Sqrt(sum);
    }
}
