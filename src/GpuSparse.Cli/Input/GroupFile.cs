using GpuSparse.IO;

namespace GpuSparse.Cli.Input;

/// <summary>The <c>--groups</c> file: a (p,) .npy of integer group labels, one per feature, shared by every problem.</summary>
internal static class GroupFile
{
    /// <summary>The labels of <paramref name="path"/>, checked against the p of X; an <see cref="InputException"/> names the option.</summary>
    public static int[] Read(string path, int features)
    {
        var array = InputFiles.ReadNpy(path, "--groups");
        if (array.DataType is not (NpyDataType.Int32 or NpyDataType.Int64 or NpyDataType.UInt8 or NpyDataType.UInt64))
            throw new InputException($"--groups: {path} holds {array.DataType} values; group labels must be integers (numpy int32/int64)");
        if (array.Shape.Length != 1 || array.Shape[0] != features)
            throw new InputException($"--groups: {path} has shape {DataFiles.Shape(array)}; it needs one label per feature, shape ({features},)");
        var values = array.ToDouble();
        var labels = new int[values.Length];
        for (int j = 0; j < values.Length; j++)
        {
            if (!(Math.Abs(values[j]) <= int.MaxValue))
                throw new InputException($"--groups: {path}: label [{j}] = {values[j]:R} is outside the 32-bit range");
            labels[j] = (int)values[j];
        }
        return labels;
    }
}
