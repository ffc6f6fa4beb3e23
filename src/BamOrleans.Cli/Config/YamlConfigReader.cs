using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace BamOrleans.Cli.Config;

/// <summary>
/// Reads a run config file into flat settings: nested maps are joined into dotted keys, so
/// "objective:\n  epsilon: 0.05" and "objective.epsilon: 0.05" are the same setting. Reads YAML
/// events rather than a document model to keep every setting's line and to report a key written
/// twice (in either form) instead of failing on it.
/// </summary>
internal static partial class YamlConfigReader
{
    public static ConfigReading Read(string path)
    {
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ConfigReading([], [new ConfigProblem(null,
                $"run config {path} cannot be read ({e.Message}): check the path, or leave the file out and give every setting with --set.")], Incomplete: true);
        }
        return Parse(yaml, path);
    }

    /// <summary>Reads YAML text; <paramref name="fileName"/> is what problems name as its place.</summary>
    public static ConfigReading Parse(string yaml, string fileName)
    {
        var walk = new Walk(new Parser(new StringReader(yaml)), fileName);
        try
        {
            walk.Stream();
        }
        catch (YamlException e)
        {
            walk.Problems.Add(new ConfigProblem(null,
                $"YAML syntax error: {WithoutPosition(e.Message)} Fix the syntax there: one 'key: value' per line, nested keys indented by spaces under their section.",
                ConfigSource.InFile(fileName, e.Start.Line)));
            return new ConfigReading(walk.Entries, walk.Problems, Incomplete: true);
        }
        return new ConfigReading(walk.Entries, walk.Problems, walk.SkippedSettings);
    }

    // YamlDotNet prefixes its messages with "(Line: 3, Col: 1, Idx: 20) - (Line: …): "; the
    // problem already names the line.
    private static string WithoutPosition(string message) => PositionPrefix().Replace(message, "").Trim();

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex PositionPrefix();

    private sealed class Walk(IParser parser, string fileName)
    {
        private readonly Dictionary<string, long> _lineOfKey = new(StringComparer.Ordinal);

        public List<ConfigEntry> Entries { get; } = [];
        public List<ConfigProblem> Problems { get; } = [];

        /// <summary>Whether part of the file was passed over (a root that is not a map, a second
        /// document), so settings written there were not read.</summary>
        public bool SkippedSettings { get; private set; }

        public void Stream()
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _)) return; // an empty file, or comments only
            parser.Consume<DocumentStart>();
            Root();
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<DocumentStart>(out var second)) return;
            SkippedSettings = true;
            Problems.Add(new ConfigProblem(null,
                "the file holds a second YAML document (after '---'): keep one document per run config.",
                ConfigSource.InFile(fileName, second.Start.Line)));
        }

        private void Root()
        {
            if (parser.Accept<MappingStart>(out _))
            {
                Mapping(prefix: "");
                return;
            }
            if (parser.Accept<Scalar>(out var scalar) && IsNull(scalar))
            {
                parser.MoveNext(); // "---" with nothing after it: no settings
                return;
            }
            SkippedSettings = true;
            Problems.Add(new ConfigProblem(null,
                "the file is not a map of settings: write one 'key: value' per line, e.g. 'batch: 256'.",
                ConfigSource.InFile(fileName, parser.Current!.Start.Line)));
            parser.SkipThisAndNestedEvents();
        }

        private void Mapping(string prefix)
        {
            parser.Consume<MappingStart>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                if (!parser.Accept<Scalar>(out var name))
                {
                    Problems.Add(new ConfigProblem(null,
                        "a key is a list or a map: keys are names such as 'batch' or 'objective.epsilon'.",
                        ConfigSource.InFile(fileName, parser.Current!.Start.Line)));
                    parser.SkipThisAndNestedEvents(); // the key
                    parser.SkipThisAndNestedEvents(); // its value
                    continue;
                }
                parser.MoveNext();
                Value(prefix.Length == 0 ? name.Value : $"{prefix}.{name.Value}", name.Start.Line);
            }
        }

        private void Value(string key, long line)
        {
            switch (parser.Current)
            {
                case Scalar scalar:
                    parser.MoveNext();
                    Add(new ConfigEntry(key, IsNull(scalar) ? null : scalar.Value, ConfigSource.InFile(fileName, line)), line);
                    break;
                case MappingStart:
                    Mapping(key);
                    break;
                case SequenceStart:
                    parser.SkipThisAndNestedEvents();
                    Add(new ConfigEntry(key, null, ConfigSource.InFile(fileName, line)) { NotAValue = "a list" }, line);
                    break;
                case AnchorAlias alias:
                    parser.MoveNext();
                    Add(new ConfigEntry(key, null, ConfigSource.InFile(fileName, line)) { NotAValue = $"an alias (*{alias.Value})" }, line);
                    break;
                default:
                    throw new YamlException(parser.Current!.Start, parser.Current.End, $"unexpected {parser.Current.GetType().Name} after key '{key}'.");
            }
        }

        private void Add(ConfigEntry entry, long line)
        {
            if (_lineOfKey.TryGetValue(entry.Key, out var first))
            {
                Problems.Add(new ConfigProblem(entry.Key,
                    $"{entry.Key} is set twice (first on line {first}, as a dotted key or nested under its section): keep one.",
                    entry.Source));
                return;
            }
            _lineOfKey[entry.Key] = line;
            Entries.Add(entry);
        }

        // Only an unquoted empty value, ~ or null is YAML's null; "null" in quotes is text.
        private static bool IsNull(Scalar scalar) =>
            scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL";
    }
}
