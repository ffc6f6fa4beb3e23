using System.Text.Json;
using System.Text.Json.Serialization;

namespace BamOrleans.Worker.Runs;

/// <summary>Writes a (min, max) range — crop scales, aspect ratios, blur sigmas — as [min, max];
/// System.Text.Json would otherwise write a value tuple as an empty object.</summary>
public sealed class RangeJsonConverter : JsonConverter<(double Min, double Max)>
{
    public override (double Min, double Max) Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var values = JsonSerializer.Deserialize<double[]>(ref reader, options);
        return values is { Length: 2 } ? (values[0], values[1]) : throw new JsonException("A range is written as [min, max].");
    }

    public override void Write(Utf8JsonWriter writer, (double Min, double Max) value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.Min);
        writer.WriteNumberValue(value.Max);
        writer.WriteEndArray();
    }
}
