using FashionMnistData = BamOrleans.Data.Idx.FashionMnist;

namespace BamOrleans.Cli.Config;

/// <summary>
/// Loads the run config of `bam run submit`: a YAML file, then the --set key=value options on top
/// of it, checked against the catalogue (<see cref="RunConfigKeys"/>) and against the Core's
/// rules. Every problem is collected, not just the first; nothing else is done with bad input.
/// </summary>
internal static class RunConfigLoader
{
    // Values problems suggest: the default run's, with typical values where a key has no default.
    private static readonly RunConfig Examples = ExampleConfig();

    /// <param name="yamlPath">The run config file; null to start from the defaults.</param>
    /// <param name="setOverrides">The --set options ("key=value"); they win over the file.</param>
    public static RunConfigLoadResult Load(string? yamlPath, IReadOnlyList<string> setOverrides)
    {
        ArgumentNullException.ThrowIfNull(setOverrides);
        var readings = new List<ConfigReading>();
        if (yamlPath is not null) readings.Add(YamlConfigReader.Read(yamlPath));
        readings.Add(SetOverrideReader.Read(setOverrides));
        var problems = readings.SelectMany(r => r.Problems).ToList();

        // Later sources win: a --set replaces the file's value of the same key.
        var written = new Dictionary<string, ConfigEntry>(StringComparer.Ordinal);
        foreach (var entry in readings.SelectMany(r => r.Entries))
            written[entry.Key] = entry;
        var given = Resolve(written.Values, problems);
        // A file that stopped parsing may hold settings not read: whole-config checks would
        // report phantoms (a "missing" data.path written further down).
        if (readings.Any(r => r.Incomplete))
            return RunConfigLoadResult.Failed(problems);

        var config = Build(given, problems);
        var sources = given.ToDictionary(g => g.Key.Name, g => g.Value.Source);
        // The rules of a cluster run, then the Core's, each reported under its key. A key reported
        // once is not reported again: a later rule would repeat the first in other words, or
        // judge a value that was already replaced.
        var checks = RunConfigChecks.Check(config).Concat(config.ToRunDefinition().Validate().Select(p => CoreProblemTranslator.Translate(p, sources.ContainsKey)));
        foreach (var problem in checks.ToList())
            if (problem.Key is null || problems.All(p => p.Key != problem.Key))
                problems.Add(problem with { Where = Source(problem.Key, sources) });
        return problems.Count == 0 ? RunConfigLoadResult.Loaded(config) : RunConfigLoadResult.Failed(problems);
    }

    // Each written setting against the catalogue: its key known, its value one value of its kind.
    private static Dictionary<ConfigKey, (object? Value, ConfigSource Source)> Resolve(
        IEnumerable<ConfigEntry> entries, List<ConfigProblem> problems)
    {
        var given = new Dictionary<ConfigKey, (object?, ConfigSource)>();
        foreach (var entry in entries)
        {
            var key = RunConfigKeys.Find(entry.Key);
            if (key is null)
            {
                // "objective:" with every key under it commented out is an empty section, not a mistake.
                var emptySection = entry.Text is null && entry.NotAValue is null && UnknownKeyAdvice.IsSection(entry.Key);
                if (!emptySection) problems.Add(new ConfigProblem(entry.Key, UnknownKeyAdvice.For(entry.Key), entry.Source));
                continue;
            }
            var example = ConfigValueFormatter.Format(key, key.Read(Examples));
            if (entry.NotAValue is { } found)
            {
                problems.Add(new ConfigProblem(key.Name, $"{key.Name} is {found}: give it one value, e.g. {key.Name}: {example}.", entry.Source));
                continue;
            }
            if (ConfigValueParser.TryParse(key, entry.Text, example, out var value, out var problem))
                given[key] = (value, entry.Source);
            else
                problems.Add(new ConfigProblem(key.Name, problem, entry.Source));
        }
        return given;
    }

    // Sizes the run from its data (kind, image side, channels), then applies the other written
    // keys in catalogue order. A size that is missing or impossible is reported here and replaced
    // by a folder's, so the other keys are still checked against a base that can be built.
    private static RunConfig Build(Dictionary<ConfigKey, (object? Value, ConfigSource Source)> given, List<ConfigProblem> problems)
    {
        var kind = (string?)Given(RunConfigKeys.DataKind, given) ?? RunDataKinds.FashionMnist;
        var imageSize = (int?)Given(RunConfigKeys.ImageSize, given) ?? RunDataKinds.DefaultImageSize(kind);
        var channels = (int?)Given(RunConfigKeys.Channels, given) ?? RunDataKinds.DefaultChannels(kind);
        var imageSizeSource = SourceOf(RunConfigKeys.ImageSize, given);
        var channelsSource = SourceOf(RunConfigKeys.Channels, given);
        if (imageSize is null)
            problems.Add(new ConfigProblem("data.imageSize",
                $"data.imageSize is missing: data.kind {kind} needs the side of its images in pixels, e.g. data.imageSize: 28."));
        else if (imageSize < 1)
            problems.Add(new ConfigProblem("data.imageSize",
                $"data.imageSize = {imageSize}: give the images' side in pixels (at least 1), e.g. 28.", imageSizeSource));
        if (channels is null)
            problems.Add(new ConfigProblem("data.channels",
                $"data.channels is missing: data.kind {kind} needs the channels of its images, 1 (grayscale) or 3 (RGB)."));
        else if (channels < 1)
            problems.Add(new ConfigProblem("data.channels",
                $"data.channels = {channels}: use 1 (grayscale) or 3 (RGB).", channelsSource));

        var config = RunConfigDefaults.For(kind,
            imageSize is >= 1 ? imageSize.Value : RunDataKinds.DefaultImageSize(RunDataKinds.Folder)!.Value,
            channels is >= 1 ? channels.Value : RunDataKinds.DefaultChannels(RunDataKinds.Folder)!.Value);
        foreach (var key in RunConfigKeys.All.Except(RunConfigKeys.Sizing))
            if (given.TryGetValue(key, out var setting))
                config = key.Write(config, setting.Value);
        return config;
    }

    private static ConfigSource? SourceOf(ConfigKey key, Dictionary<ConfigKey, (object? Value, ConfigSource Source)> given) =>
        given.TryGetValue(key, out var setting) ? setting.Source : null;

    private static object? Given(ConfigKey key, Dictionary<ConfigKey, (object? Value, ConfigSource Source)> given) =>
        given.TryGetValue(key, out var setting) ? setting.Value : null;

    private static RunConfig ExampleConfig()
    {
        var defaults = RunConfigDefaults.For(RunDataKinds.FashionMnist,
            RunDataKinds.DefaultImageSize(RunDataKinds.FashionMnist)!.Value, RunDataKinds.DefaultChannels(RunDataKinds.FashionMnist)!.Value);
        return defaults with
        {
            RunId = "my-run",
            SiloLimit = 4,
            Dataset = defaults.Dataset with { Path = FashionMnistData.DefaultDirectory },
            Training = defaults.Training with { Objective = defaults.Training.Objective with { EpsilonFinal = defaults.Training.Objective.Epsilon } },
        };
    }

    private static ConfigSource? Source(string? key, Dictionary<string, ConfigSource> sources) =>
        key is not null && sources.TryGetValue(key, out var source) ? source : null;
}
