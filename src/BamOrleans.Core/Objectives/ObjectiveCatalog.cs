using BamOrleans.Core.Objectives.Bam;
using BamOrleans.Core.Objectives.Pirl;
using BamOrleans.Core.Objectives.Swav;
using BamOrleans.Core.Training;

namespace BamOrleans.Core.Objectives;

/// <summary>
/// Every objective the system trains, by name: the one place that maps a config's
/// <c>method</c> (and the leader's copy of a slot's <see cref="ITrainingObjective.Describe"/>) to
/// an objective. Adding a method is one entry here, beside its objective and options files.
/// </summary>
public static class ObjectiveCatalog
{
    private sealed record Entry(Func<TrainingConfig, ITrainingObjective> FromConfig, Func<string, ITrainingObjective> FromDescription);

    private static readonly IReadOnlyDictionary<string, Entry> Entries = new Dictionary<string, Entry>(StringComparer.Ordinal)
    {
        [BamObjective.Name] = new(c => new BamObjective(c.Objective),
            text => new BamObjective(ObjectiveOptionsJson.Read<Objective.BamOptions>(text, BamObjective.Name))),
        [SwavObjective.Name] = new(c => new SwavObjective(c.Swav),
            text => new SwavObjective(ObjectiveOptionsJson.Read<SwavOptions>(text, SwavObjective.Name))),
        [PirlObjective.Name] = new(c => new PirlObjective(c.Pirl),
            text => new PirlObjective(ObjectiveOptionsJson.Read<PirlOptions>(text, PirlObjective.Name))),
    };

    /// <summary>The methods, in the order the comparison trains them.</summary>
    public static IReadOnlyList<string> Methods { get; } = [.. Entries.Keys];

    public static bool IsKnown(string method) => Entries.ContainsKey(method);

    /// <summary>The objective a config trains (its <c>Method</c>, with that method's options).</summary>
    public static ITrainingObjective For(TrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Find(config.Method).FromConfig(config);
    }

    /// <summary>The objective a slot described: the leader's copy of it.</summary>
    public static ITrainingObjective FromDescription(string method, string description) => Find(method).FromDescription(description);

    private static Entry Find(string method) =>
        method is not null && Entries.TryGetValue(method, out var entry)
            ? entry
            : throw new InvalidConfigurationException([Unknown(method)]);

    /// <summary>The problem line for a method no entry names.</summary>
    public static string Unknown(string? method) =>
        $"method = '{method}' is not an objective this version trains: use one of {string.Join(", ", Entries.Keys)}.";
}
