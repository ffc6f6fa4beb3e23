namespace BamOrleans.Storage;

/// <summary>
/// The rules every blob name follows in both stores, so that a name that works against Azure also
/// works in a local folder (where '/' becomes a sub-folder) and no name can reach outside the
/// folder's root. A few names are reserved for the stores' own temporary files.
/// </summary>
public static class BlobNames
{
    /// <summary>Azure's limit on a blob name.</summary>
    public const int MaxLength = 1024;

    /// <summary>Suffix of the local store's half-written temporary files (never listed).</summary>
    internal const string PartialSuffix = ".bam-partial";

    /// <summary>Prefix of the probe blobs <see cref="IBlobStore.EnsureReady"/> writes and deletes.</summary>
    internal const string ProbePrefix = ".bam-probe-";

    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong with <paramref name="name"/> and how to fix it.</summary>
    public static void Validate(string name)
    {
        var problem = Problem(name);
        if (problem is not null)
            throw new ArgumentException($"blob name \"{name}\" {problem}", nameof(name));
    }

    /// <summary>What is wrong with the name, or null if it is valid.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "is empty: give every blob a non-empty name";
        if (name.Length > MaxLength) return $"is {name.Length} characters long: at most {MaxLength} are allowed";
        if (name.Contains('\\')) return "contains a backslash: separate segments with '/' only";
        if (name.StartsWith('/')) return "starts with '/': names are relative, drop the leading '/'";
        if (name.EndsWith('/')) return "ends with '/': a name ends with a segment, not a separator";
        if (name.Any(char.IsControl)) return "contains a control character: use printable characters only";
        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0) return "has an empty segment (\"//\"): separate segments by exactly one '/'";
            if (segment is "." or "..") return $"has a \"{segment}\" segment: relative path segments are not allowed";
            if (segment.EndsWith(PartialSuffix, StringComparison.Ordinal))
                return $"has a segment ending in \"{PartialSuffix}\", which is reserved for temporary files: rename it";
        }
        if (name.StartsWith(ProbePrefix, StringComparison.Ordinal))
            return $"starts with \"{ProbePrefix}\", which is reserved for configuration probes: rename it";
        return null;
    }

    /// <summary>Whether a stored name belongs to the store itself (a temporary file, a probe) rather than to a caller.</summary>
    internal static bool IsReserved(string name) =>
        name.StartsWith(ProbePrefix, StringComparison.Ordinal) || name.EndsWith(PartialSuffix, StringComparison.Ordinal);
}
