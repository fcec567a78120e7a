namespace GpuSparse.PtxCheck;

/// <summary>The <c>--name value</c> pairs of a command line.</summary>
internal sealed class ToolOptions
{
    private readonly Dictionary<string, string> _values;

    private ToolOptions(Dictionary<string, string> values) => _values = values;

    /// <summary>Reads <c>--name value</c> pairs; throws <see cref="ArgumentException"/> on anything else.</summary>
    public static ToolOptions Parse(ReadOnlySpan<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int a = 0; a < args.Length; a += 2)
        {
            if (!args[a].StartsWith("--", StringComparison.Ordinal) || a + 1 >= args.Length)
                throw new ArgumentException($"expected '--name value', got '{args[a]}'");
            values[args[a][2..]] = args[a + 1];
        }
        return new ToolOptions(values);
    }

    /// <summary>The value of <c>--name</c>; throws <see cref="ArgumentException"/> when it is missing.</summary>
    public string Required(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"missing option --{name}");

    /// <summary>The value of <c>--name</c>, or null when it is not given.</summary>
    public string? Optional(string name) => _values.TryGetValue(name, out var value) ? value : null;

    /// <summary>The integer value of <c>--name</c>, or <paramref name="fallback"/>.</summary>
    public int Integer(string name, int fallback) =>
        _values.TryGetValue(name, out var value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
