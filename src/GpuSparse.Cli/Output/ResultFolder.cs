using System.Text.Json;
using GpuSparse.Cli.Input;

namespace GpuSparse.Cli.Output;

/// <summary>
/// The <c>--out</c> folder of a command, checked before anything is solved and written atomically: files go into a
/// hidden sibling folder (<c>.NAME.partial-…</c>) that is renamed into place once every file is written, so a
/// failure (a full disk, Ctrl-C twice) never leaves a folder that looks complete, and an earlier result there is
/// replaced whole, never mixed with the new one.
/// </summary>
/// <remarks>
/// A folder is an earlier result of the tool when its <c>result.json</c> has a <c>command</c> field, which every
/// writing command puts there last. Any other non-empty folder is refused unless <c>--overwrite</c>.
/// </remarks>
internal sealed class ResultFolder : IDisposable
{
    private bool _committed;

    private ResultFolder(string target, string staging, string shown)
    {
        Target = target;
        Staging = staging;
        Shown = shown;
    }

    /// <summary>The folder the user named, as a full path.</summary>
    public string Target { get; }

    /// <summary>The folder files are written into until <see cref="Commit"/>.</summary>
    public string Staging { get; }

    /// <summary>The folder as the user wrote it, for messages.</summary>
    public string Shown { get; }

    /// <summary>
    /// Checks that <paramref name="path"/> can receive results and creates the staging folder next to it.
    /// </summary>
    /// <param name="path">The folder the user named.</param>
    /// <param name="overwrite">Whether a folder holding other files may be replaced.</param>
    /// <param name="inputs">The files the command reads: a folder holding one is never replaced.</param>
    /// <exception cref="InputException">The path is a file or below one, cannot be created or written, holds other files
    /// without <paramref name="overwrite"/>, or holds the working folder or an input.</exception>
    public static ResultFolder Prepare(string path, bool overwrite, params string?[] inputs)
    {
        string shown = $"--out {path}";
        string target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (File.Exists(target))
            throw new InputException($"{shown}: is a file; pass a folder (it is created when missing)");
        // Replacing the folder replaces everything below it: never the working folder, never the data being read.
        if (Contains(target, Environment.CurrentDirectory))
            throw new InputException($"{shown}: is the current folder or holds it; name a folder for the results, such as results/");
        foreach (string input in inputs.OfType<string>().Where(File.Exists))
            if (Contains(target, Path.GetFullPath(input)))
                throw new InputException($"{shown}: holds the input {input}; name another folder for the results");
        for (string? above = Path.GetDirectoryName(target); above is not null; above = Path.GetDirectoryName(above))
        {
            if (File.Exists(above))
                throw new InputException($"{shown}: {above} is a file, so no folder can be made below it");
            if (Directory.Exists(above))
                break;
        }
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !overwrite && !IsEarlierResult(target))
            throw new InputException($"{shown}: the folder holds files that are not an earlier gpusparse result; " +
                "pass --overwrite to replace it, or name another folder");
        string parent = Path.GetDirectoryName(target) ?? throw new InputException($"{shown}: a filesystem root cannot be a result folder");
        string staging = Path.Combine(parent, $".{Path.GetFileName(target)}.partial-{Guid.NewGuid():N}"[..^24]);
        try
        {
            Directory.CreateDirectory(staging);
            // A folder can often be made where a file cannot be written (quotas, some read-only mounts): write one.
            string probe = Path.Combine(staging, ".probe");
            File.WriteAllBytes(probe, [0]);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(staging);
            throw new InputException($"{shown}: cannot write there: {Reason(e)}", e);
        }
        return new ResultFolder(target, staging, shown);
    }

    /// <summary>The path of <paramref name="parts"/> inside the staging folder.</summary>
    public string PathOf(params string[] parts) => Path.Combine([Staging, .. parts]);

    /// <summary>
    /// Runs <paramref name="write"/> into the staging folder, then puts the folder in place of <see cref="Target"/>
    /// (replacing an earlier result whole).
    /// </summary>
    /// <exception cref="InputException">Writing or renaming failed: nothing was put in place, and the message says why.</exception>
    public void Commit(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(Staging);
            throw new InputException($"{Shown}: writing the results failed: {Reason(e)}; nothing was put in {Target}", e);
        }
        string? old = null;
        try
        {
            if (Directory.Exists(Target))
            {
                old = Path.Combine(Path.GetDirectoryName(Target)!, $".{Path.GetFileName(Target)}.old-{Guid.NewGuid():N}"[..^24]);
                Directory.Move(Target, old);
            }
            Directory.Move(Staging, Target);
            _committed = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (old is not null && !Directory.Exists(Target))
                Directory.Move(old, Target);
            // The results are complete: say where they are rather than delete them.
            _committed = true;
            throw new InputException($"{Shown}: the results are written in {Staging} but could not be moved there: {Reason(e)}", e);
        }
        if (old is not null)
            TryDelete(old);
    }

    /// <summary>Removes the staging folder unless it was committed.</summary>
    public void Dispose()
    {
        if (!_committed)
            TryDelete(Staging);
    }

    /// <summary>Whether <paramref name="folder"/> holds a result a command of this tool wrote.</summary>
    public static bool IsEarlierResult(string folder)
    {
        string json = Path.Combine(folder, "result.json");
        if (!File.Exists(json))
            return false;
        try
        {
            // Every command writes "command" among the first keys: the opening of the file says whose it is, without
            // parsing the rest (tens of MB for a large batch).
            using var stream = File.OpenRead(json);
            var opening = new byte[(int)Math.Min(stream.Length, OpeningBytes)];
            stream.ReadExactly(opening);
            var reader = new Utf8JsonReader(opening, isFinalBlock: opening.Length == stream.Length, state: default);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("command"u8))
                    return reader.Read() && reader.TokenType == JsonTokenType.String;
                if (!reader.TrySkip())
                    return false;
            }
            return false;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // Far more than the keys before "command" ever take.
    private const int OpeningBytes = 64 << 10;

    private static bool Contains(string folder, string path)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return full.Equals(folder, comparison) || full.StartsWith(folder + Path.DirectorySeparatorChar, comparison);
    }

    // "Read-only file system : '/x/.y.partial'" → the operating system's reason without the path repeated.
    private static string Reason(Exception e)
    {
        string message = e.Message;
        int quote = message.IndexOf(" : '", StringComparison.Ordinal);
        return quote > 0 ? message[..quote] : message;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover hidden .partial folder is harmless and says what it is.
        }
    }
}
