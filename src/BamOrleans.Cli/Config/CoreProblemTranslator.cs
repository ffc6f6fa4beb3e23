using System.Text.RegularExpressions;

namespace BamOrleans.Cli.Config;

/// <summary>
/// Rewrites a problem from the Core's Validate() methods (RunDefinition, TrainingConfig and the
/// options it holds) in config terms: every setting it names becomes the key that sets it. The
/// rules stay in the Core; only their names change here, using <see cref="ConfigKey.CoreNames"/>.
/// </summary>
internal static class CoreProblemTranslator
{
    // The prefixes TrainingConfig.Validate puts before the problems of its component options.
    private static readonly string[] Groups = ["objective", "encoder", "augmentation"];

    private static readonly Dictionary<string, (Regex Names, Dictionary<string, string> KeyOf)> ByGroup = BuildGroups();

    /// <summary>The problem in config terms. Its key is the first setting it names that the user
    /// wrote (<paramref name="written"/>), else the first it names: "weightDecay / weightDecayEnd
    /// must be ≥ 0" is about whichever was set. Null when it names no setting a key sets.</summary>
    public static ConfigProblem Translate(string coreProblem, Func<string, bool> written)
    {
        var group = Groups.FirstOrDefault(g => coreProblem.StartsWith(g + ": ", StringComparison.Ordinal)) ?? "";
        var text = group.Length == 0 ? coreProblem : coreProblem[(group.Length + 2)..];
        if (!ByGroup.TryGetValue(group, out var names))
            return new ConfigProblem(null, coreProblem);
        var named = new List<string>();
        var translated = names.Names.Replace(text, match =>
        {
            var key = names.KeyOf[match.Value];
            named.Add(key);
            return key;
        });
        // A problem about a setting no key exposes keeps its group, which says where it arose.
        if (named.Count == 0) return new ConfigProblem(null, coreProblem);
        return new ConfigProblem(named.FirstOrDefault(written) ?? named[0], translated);
    }

    private static Dictionary<string, (Regex, Dictionary<string, string>)> BuildGroups()
    {
        var keyOfName = RunConfigKeys.All
            .SelectMany(k => k.CoreNames.Select(n => (Group: n[..n.IndexOf(':')], Name: n[(n.IndexOf(':') + 1)..], Key: k.Name)))
            .GroupBy(n => n.Group);
        return keyOfName.ToDictionary(g => g.Key, g =>
        {
            var keyOf = g.ToDictionary(n => n.Name, n => n.Key, StringComparer.Ordinal);
            // Whole names only ("Epsilon" is not the start of "EpsilonFinal", "topK" not the end of
            // "objective.topK"), longest first so a dotted name wins over its last part.
            var alternatives = string.Join('|', keyOf.Keys.OrderByDescending(n => n.Length).Select(Regex.Escape));
            return (new Regex($@"(?<![\w.])(?:{alternatives})(?!\w)", RegexOptions.CultureInvariant), keyOf);
        });
    }
}
