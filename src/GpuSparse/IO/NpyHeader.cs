namespace GpuSparse.IO;

/// <summary>
/// What the header of a .npy file declares: shape, element type and layout. The data follows the header as
/// <see cref="Length"/> elements of <see cref="ItemSize"/> bytes, first axis slowest unless <see cref="FortranOrder"/>.
/// </summary>
/// <param name="Shape">The dimensions (empty for a 0-d array, which holds one element); each at most <see cref="int.MaxValue"/>.</param>
/// <param name="DataType">The element type.</param>
/// <param name="ItemSize">Bytes per element.</param>
/// <param name="BigEndian">Whether the elements are stored most significant byte first.</param>
/// <param name="FortranOrder">Whether the first axis varies fastest in the file.</param>
/// <param name="Length">The number of elements: the product of <paramref name="Shape"/>, at most <see cref="Array.MaxLength"/>.</param>
public sealed record NpyHeader(int[] Shape, NpyDataType DataType, int ItemSize, bool BigEndian, bool FortranOrder, long Length)
{
    /// <summary>The size of the data in bytes (checked: a long, never an overflowing int).</summary>
    public long ByteCount => checked(Length * ItemSize);
}
