using System.Text.Json;
using System.Text.Json.Serialization;
using BamOrleans.Core.Training;
using BamOrleans.Grains.Runs;

namespace BamOrleans.Worker.Runs;

/// <summary>The run definition as the JSON document kept in <see cref="RunSettings"/>.</summary>
public static class RunDefinitionJson
{
    public const string Format = "bam-run/json/1";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new RangeJsonConverter() },
    };

    public static RunSettings ToSettings(RunDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new RunSettings(Format, JsonSerializer.Serialize(definition, Options));
    }

    /// <summary>Parses and validates a run's settings; a clear error names what is wrong.</summary>
    public static RunDefinition FromSettings(RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Format != Format)
            throw new InvalidConfigurationException([
                $"run settings are in format '{settings.Format}' but this silo reads '{Format}': run silos and client of the same release."]);
        RunDefinition? definition;
        try
        {
            definition = JsonSerializer.Deserialize<RunDefinition>(settings.Document, Options);
        }
        catch (JsonException e)
        {
            throw new InvalidConfigurationException([$"run settings are not a valid run definition ({e.Message}): re-create the run with the bam CLI."]);
        }
        if (definition is null)
            throw new InvalidConfigurationException(["run settings are empty: re-create the run with the bam CLI."]);
        var problems = definition.Validate();
        if (problems.Count > 0) throw new InvalidConfigurationException(problems);
        return definition;
    }
}
