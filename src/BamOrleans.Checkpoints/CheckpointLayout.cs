using System.Globalization;

namespace BamOrleans.Checkpoints;

/// <summary>
/// Where a checkpoint's blobs live: <c>{prefix}/{step:D12}/{file}</c>. Every checkpoint has its own
/// folder, so a new one never overwrites an unfinished older one, and zero-padded steps make the
/// store's ordinal listing order the step order.
/// </summary>
public static class CheckpointLayout
{
    /// <summary>Version of the checkpoint as a whole (manifest, state.json and the set of files).</summary>
    public const int FormatVersion = 1;

    /// <summary>The commit point: written last, deleted first.</summary>
    public const string ManifestFile = "manifest.json";
    public const string ModelFile = "model.bin";
    public const string TeacherFile = "teacher.bin";
    public const string OptimizerFile = "optimizer.bin";
    public const string StateFile = "state.json";

    /// <summary>The run's memory bank (<see cref="CheckpointMemoryBank"/>); only in checkpoints of runs that keep one.</summary>
    public const string MemoryFile = "memory.bin";

    private const int StepDigits = 12;

    /// <summary>The files a manifest may list; all but the teacher's and the memory bank's are required.</summary>
    internal static readonly IReadOnlySet<string> KnownFiles = new HashSet<string>(StringComparer.Ordinal)
        { ModelFile, TeacherFile, OptimizerFile, StateFile, MemoryFile };

    /// <summary>Trims a trailing '/' and refuses an empty prefix (the checkpoints would mix with other blobs).</summary>
    public static string NormalizePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var trimmed = prefix.TrimEnd('/');
        if (trimmed.Length == 0)
            throw new ArgumentException("the checkpoint prefix is empty: give the run's own folder, e.g. \"runs/r1/checkpoints\".", nameof(prefix));
        return trimmed;
    }

    public static string Folder(string prefix, long step) => $"{prefix}/{step.ToString("D" + StepDigits, CultureInfo.InvariantCulture)}";

    public static string BlobName(string prefix, long step, string file) => $"{Folder(prefix, step)}/{file}";

    /// <summary>Parses "{prefix}/{step}/{file}"; false for any other name under the prefix.</summary>
    public static bool TryParse(string prefix, string blobName, out long step, out string file)
    {
        step = -1;
        file = "";
        if (!blobName.StartsWith(prefix + "/", StringComparison.Ordinal)) return false;
        var rest = blobName.AsSpan(prefix.Length + 1);
        if (rest.Length < StepDigits + 2 || rest[StepDigits] != '/') return false;
        var digits = rest[..StepDigits];
        foreach (var c in digits) if (c is < '0' or > '9') return false;
        var name = rest[(StepDigits + 1)..];
        if (name.Contains('/')) return false;
        step = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        file = name.ToString();
        return true;
    }
}
