using System.Numerics;
using GpuSparse.Model;

namespace GpuSparse.Anomaly;

/// <summary>
/// Square w × w patches of a row-major image at a regular stride (the last row and column of patches are
/// moved flush with the border so that every pixel is covered), cut into one K × w² signal block and
/// stitched back by averaging overlapping patches.
/// </summary>
public sealed class PatchGrid
{
    private readonly int[] _rows;
    private readonly int[] _columns;

    /// <summary>The grid of <paramref name="width"/>-wide patches of a height × imageWidth image.</summary>
    public PatchGrid(int height, int imageWidth, int width, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, width);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageWidth, width);
        Height = height;
        ImageWidth = imageWidth;
        Width = width;
        _rows = Origins(height, width, stride);
        _columns = Origins(imageWidth, width, stride);
    }

    /// <summary>Image height.</summary>
    public int Height { get; }

    /// <summary>Image width.</summary>
    public int ImageWidth { get; }

    /// <summary>Patch side w (a patch is a signal of length w², row-major).</summary>
    public int Width { get; }

    /// <summary>The number of patches K.</summary>
    public int Count => _rows.Length * _columns.Length;

    /// <summary>The patches of <paramref name="image"/> (row-major, Height × ImageWidth) as a K × w² block.</summary>
    public T[] Extract<T>(double[] image) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(image);
        CheckImage(image.Length);
        int n = Width * Width;
        var patches = new T[ArraySize.Of("patches", Count, n)];
        ForEachPixel((k, e, pixel) => patches[k * n + e] = T.CreateTruncating(image[pixel]));
        return patches;
    }

    /// <summary>
    /// An image from per-patch values (a K × w² block, e.g. reconstructions or |s|): each pixel is the mean
    /// over the patches that cover it.
    /// </summary>
    public double[] Stitch(Func<int, int, double> value)
    {
        var sum = new double[ArraySize.Of("image pixels", Height, ImageWidth)];
        var cover = new int[sum.Length];
        ForEachPixel((k, e, pixel) =>
        {
            sum[pixel] += value(k, e);
            cover[pixel]++;
        });
        for (int i = 0; i < sum.Length; i++)
            sum[i] /= cover[i];
        return sum;
    }

    /// <summary>Calls <paramref name="visit"/>(patch k, entry e, pixel index) for every entry of every patch.</summary>
    private void ForEachPixel(Action<int, int, int> visit)
    {
        int k = 0;
        foreach (int top in _rows)
            foreach (int left in _columns)
            {
                for (int a = 0; a < Width; a++)
                    for (int b = 0; b < Width; b++)
                        visit(k, a * Width + b, (top + a) * ImageWidth + left + b);
                k++;
            }
    }

    private void CheckImage(int length)
    {
        if (length != Height * ImageWidth)
            throw new ArgumentException($"the image holds {length} pixels, not {Height} × {ImageWidth}");
    }

    private static int[] Origins(int size, int width, int stride)
    {
        var origins = new List<int>();
        for (int o = 0; o + width <= size; o += stride)
            origins.Add(o);
        if (origins[^1] != size - width)
            origins.Add(size - width);
        return [.. origins];
    }
}
