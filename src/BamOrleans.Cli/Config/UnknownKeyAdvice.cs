namespace BamOrleans.Cli.Config;

/// <summary>The one-line problem for a key the catalogue does not have, with the likely fix.</summary>
internal static class UnknownKeyAdvice
{
    /// <summary>Whether <paramref name="name"/> is a section of keys ("objective"), not a key.</summary>
    public static bool IsSection(string name) =>
        RunConfigKeys.All.Any(k => k.Name.StartsWith(name + ".", StringComparison.Ordinal));

    public static string For(string name)
    {
        var shown = ConfigText.EscapeControl(name);
        // "batch.size: 3" or "batch:\n  size: 3": a known key written as if it were a section.
        var parts = name.Split('.');
        for (var n = parts.Length - 1; n >= 1; n--)
        {
            var prefix = string.Join('.', parts[..n]);
            if (RunConfigKeys.Find(prefix) is not null)
                return $"{shown} is not a key: {prefix} takes one value, not nested keys; write '{prefix}: <value>'.";
        }
        if (IsSection(name))
            return $"{shown} is a section, not a key: set the keys in it, e.g. {RunConfigKeys.All.First(k => k.Section == name).Name}, or nest them under '{name}:'.";
        return $"{shown} is not a known key: did you mean {Nearest(name)}? Correct the name, or remove the setting.";
    }

    // The closest key by edit distance, ignoring case, over the whole name or over the last part
    // alone ("epsilon" or "lr" without their section still find objective.epsilon and
    // optimizer.lr); a key the name is the start of counts as one edit away ("checkpoint.every").
    private static string Nearest(string name)
    {
        var lower = name.ToLowerInvariant();
        var leaf = lower[(lower.LastIndexOf('.') + 1)..];
        return RunConfigKeys.All
            .MinBy(k => Math.Min(
                k.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase) ? 1 : int.MaxValue,
                Math.Min(EditDistance(lower, k.Name.ToLowerInvariant()), EditDistance(leaf, k.Leaf.ToLowerInvariant()) + 1)))!
            .Name;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
