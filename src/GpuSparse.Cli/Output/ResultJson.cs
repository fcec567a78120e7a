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

    /// <summary>The layout of <see cref="Options"/> for a document written field by field.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = Options.Encoder };

    /// <summary>A number as <see cref="Options"/> writes it: null when it is not finite.</summary>
    public static void WriteNumber(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
            writer.WriteNumber(name, value);
        else
            writer.WriteNull(name);
    }

    /// <summary>
    /// A value as <see cref="Options"/> serializes it: <see cref="BatchOptions"/> and a <see cref="JsonElement"/> read
    /// back from a file directly, anything else through the serializer.
    /// </summary>
    public static void WriteValue(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case BatchOptions options:
                writer.WriteStartObject();
                WriteNumber(writer, "tolerance", options.Tolerance);
                writer.WriteNumber("max_iterations", options.MaxIterations);
                writer.WriteBoolean("fit_intercept", options.FitIntercept);
                if (options.Standardize is { } standardize)
                    writer.WriteBoolean("standardize", standardize);
                if (options.Positive is { } positive)
                    writer.WriteBoolean("positive", positive);
                writer.WriteEndObject();
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            default:
                JsonSerializer.Serialize(writer, value, Options);
                break;
        }
    }

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

/// <summary>The options result.json records as shared by every problem of a batch (null: not an option of the command).</summary>
/// <param name="Tolerance">--tol.</param>
/// <param name="MaxIterations">--max-iter.</param>
/// <param name="FitIntercept">Whether an intercept was fitted.</param>
/// <param name="Standardize">--standardize.</param>
/// <param name="Positive">--positive.</param>
internal sealed record BatchOptions(double Tolerance, int MaxIterations, bool FitIntercept, bool? Standardize = null, bool? Positive = null);
