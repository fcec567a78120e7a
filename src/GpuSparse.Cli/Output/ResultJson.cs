using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GpuSparse.Cli.Output;

/// <summary>
/// JSON as every command writes it (result.json, <c>--format json</c>): snake_case keys and enums, numbers as numbers,
/// booleans as booleans, and null for a value that is not a finite number (JSON has no NaN or ∞).
/// </summary>
internal static class ResultJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        // λ, ‖·‖ and other non-ASCII text stay readable; the files are UTF-8 and never embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new FiniteOrNull(), new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The tool and its version, as result.json records them.</summary>
    public static string Tool { get; } = "gpusparse " + (typeof(ResultJson).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown");

    /// <summary>Writes <paramref name="document"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, object document)
    {
        // Straight to the file: a batch of a million problems never exists as one string.
        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, document, Options);
    }

    /// <summary>Reads a number written by <see cref="Options"/> (null is NaN); older files wrote "NaN" and "Infinity" strings.</summary>
    public static double Number(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.String => double.Parse(element.GetString()!, System.Globalization.CultureInfo.InvariantCulture),
        _ => double.NaN,
    };

    private sealed class FiniteOrNull : JsonConverter<double>
    {
        public override bool HandleNull => true;

        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value))
                writer.WriteNumberValue(value);
            else
                writer.WriteNullValue();
        }
    }
}
