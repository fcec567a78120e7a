using System.Globalization;
using GpuSparse.Cli.Sharding;
using GpuSparse.IO;

namespace GpuSparse.Cli.Input;

/// <summary>
/// Reads the files a command is given and turns every way of failing into one <see cref="InputException"/> naming
/// the option and the file: missing, a folder, unreadable, malformed.
/// </summary>
internal static class InputFiles
{
    public static bool IsCsv(string path) => Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the .npy file <paramref name="path"/> given to <paramref name="option"/>.</summary>
    public static NpyArray ReadNpy(string path, string option) => Read(path, option, () => NpyReader.Read(path));

    /// <summary>
    /// Reads the .npy file given to <paramref name="option"/>; with a <paramref name="range"/>, only its rows of
    /// a file of rank ≥ <paramref name="problemRank"/> (whose first axis counts problems) are read. A file of lower rank,
    /// or with one problem, is shared by every problem and read whole.
    /// </summary>
    /// <returns>The array read and the number of problems the whole file holds (1 when shared).</returns>
    public static (NpyArray Array, int Problems) ReadNpy(string path, string option, IProblemRange? range, int problemRank) =>
        Read(path, option, () =>
        {
            if (range is null)
            {
                var whole = NpyReader.Read(path);
                return (whole, whole.Shape.Length >= problemRank ? whole.Shape[0] : 1);
            }
            var header = NpyRows.ReadHeader(path);
            int problems = header.Shape.Length >= problemRank ? header.Shape[0] : 1;
            if (problems == 1)
                return (NpyReader.Read(path), 1);
            var (start, end) = range.Of(problems, $"{option} {path}");
            return (NpyRows.Read(path, start, end - start), problems);
        });

    /// <summary>Reads the CSV file <paramref name="path"/> given to <paramref name="option"/>.</summary>
    public static CsvTable ReadCsv(string path, string option) => Read(path, option, () => CsvTable.Read(path));

    /// <summary>
    /// The value of an option that takes a number or a file (<c>--alpha 0.1</c> or <c>--alpha alphas.npy</c>): the
    /// number, checked by <paramref name="check"/> (a message when it is out of range), or null when it names a file.
    /// </summary>
    public static double? Number(string text, string option, Func<double, string?> check)
    {
        if (TryParse(text, out double value))
            return check(value) is { } problem ? throw new InputException($"{option} {text}: {problem}") : value;
        if (!File.Exists(text))
            throw new InputException(Directory.Exists(text)
                ? $"{option} {text}: is a folder; give a number or a .npy file"
                : $"{option} {text}: neither a number nor a readable file");
        return null;
    }

    /// <summary>A number as people and numpy write it: .NET's forms, and inf, +inf, -inf as numpy prints them.</summary>
    public static bool TryParse(string text, out double value)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            return true;
        value = text.ToLowerInvariant() switch
        {
            "inf" or "+inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            _ => double.NaN,
        };
        return !double.IsNaN(value);
    }

    /// <summary>A regularization strength: finite and ≥ 0.</summary>
    public static string? NonNegative(double value) => value >= 0 && double.IsFinite(value) ? null : "must be a finite number ≥ 0";

    /// <summary>An L1 ratio: in [0, 1].</summary>
    public static string? Ratio(double value) => value is >= 0 and <= 1 ? null : "must be a number in [0, 1] (1 = Lasso, 0 = Ridge)";

    private static T Read<T>(string path, string option, Func<T> read)
    {
        if (Directory.Exists(path))
            throw new InputException($"{option} {path}: is a folder, not a file");
        if (!File.Exists(path))
            throw new InputException($"{option} {path}: file not found");
        try
        {
            return read();
        }
        catch (Exception e) when (e is NpyFormatException or CsvFormatException)
        {
            // These name the file, the line and the column already.
            throw new InputException($"{option}: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{option} {path}: cannot read it: {e.Message}", e);
        }
    }
}
