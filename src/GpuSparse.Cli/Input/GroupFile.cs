using GpuSparse.IO;

namespace GpuSparse.Cli.Input;

/// <summary>
/// The <c>--groups</c> file: a (p,) .npy of integer group labels, one per feature, shared by every problem; and the
/// <c>--group-weights</c> file: one weight w_g ≥ 0 per group in ascending label order, a (G,) .npy or a one-column CSV.
/// </summary>
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

    /// <summary>The group weights of <paramref name="path"/> for <paramref name="labels"/>; an <see cref="InputException"/> names the option and index.</summary>
    public static double[] ReadWeights(string path, int[] labels)
    {
        const string option = "--group-weights";
        double[] weights;
        if (InputFiles.IsCsv(path))
        {
            var table = InputFiles.ReadCsv(path, option);
            if (table.Columns != 1)
                throw new InputException($"{option}: {path} has {table.Columns} columns; it needs one column of weights, one row per group");
            weights = table.Column(table.Names[0]);
        }
        else
        {
            var array = InputFiles.ReadNpy(path, option);
            if (array.Shape.Length != 1)
                throw new InputException($"{option}: {path} has shape {DataFiles.Shape(array)}; it needs one weight per group, shape (G,)");
            weights = array.ToDouble();
        }
        var ordered = labels.Distinct().Order().ToArray();
        if (weights.Length != ordered.Length)
            throw new InputException($"{option}: {path} has {weights.Length} weights but the --groups labels name {ordered.Length} groups " +
                "(one weight per group, in ascending label order)");
        for (int g = 0; g < weights.Length; g++)
            if (!double.IsFinite(weights[g]) || weights[g] < 0)
                throw new InputException($"{option}: {path}: weight [{g}] (group {ordered[g]}) is {weights[g]:R}; weights must be finite and ≥ 0");
        return weights;
    }
}
