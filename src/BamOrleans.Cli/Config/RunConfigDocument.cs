using System.Text;

namespace BamOrleans.Cli.Config;

/// <summary>
/// A run config written back as YAML: every key of the catalogue with its effective value,
/// nested under its section, defaults filled in. Loading the document gives the same config, so
/// it is what `bam run submit --dry-run` prints and what the run report keeps.
/// </summary>
internal static class RunConfigDocument
{
    /// <param name="config">The config to write.</param>
    /// <param name="withDescriptions">Put each key's one-line description above it as a comment.</param>
    public static string ToYaml(RunConfig config, bool withDescriptions = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        var yaml = new StringBuilder();
        var section = "";
        foreach (var key in RunConfigKeys.All)
        {
            if (key.Section != section)
            {
                section = key.Section;
                if (section.Length > 0) yaml.Append(section).Append(":\n");
            }
            var indent = section.Length == 0 ? "" : "  ";
            if (withDescriptions) yaml.Append(indent).Append("# ").Append(key.Description).Append('\n');
            yaml.Append(indent).Append(key.Leaf).Append(": ").Append(ConfigValueFormatter.Format(key, key.Read(config))).Append('\n');
        }
        return yaml.ToString();
    }
}
