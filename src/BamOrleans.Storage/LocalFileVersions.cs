using Microsoft.Win32.SafeHandles;

namespace BamOrleans.Storage;

/// <summary>
/// ETags for the local folder store, kept in the files' own last-write times so that content and
/// version change together in one atomic rename (a sidecar file would need a second, separate
/// rename). Before a temporary file replaces a blob, its last-write time is set to a value later
/// than both the blob it replaces and every stamp this process issued before, so an ETag never
/// repeats: not for one name (a conditional write can never match a stale ETag), not after a
/// delete and re-create within this process. The clock only picks the starting point; a clock
/// that steps back, or a file system with coarse timestamps, still yields increasing stamps.
/// </summary>
internal static class LocalFileVersions
{
    private static readonly Lock StampLock = new();
    private static long _lastIssued;

    /// <summary>The ETag of a file with this last-write time and length.</summary>
    public static string ETag(DateTime lastWriteUtc, long length) => $"{lastWriteUtc.Ticks:x}-{length:x}";

    public static string ETag(FileInfo file) => ETag(file.LastWriteTimeUtc, file.Length);

    public static string ETag(SafeFileHandle handle) =>
        ETag(File.GetLastWriteTimeUtc(handle), RandomAccess.GetLength(handle));

    /// <summary>
    /// Stamps <paramref name="temporaryFile"/> with a last-write time later than
    /// <paramref name="replaced"/> (the current blob, if any) and than any earlier stamp; returns it.
    /// </summary>
    public static DateTime Stamp(string temporaryFile, DateTime? replaced)
    {
        lock (StampLock)
        {
            var floor = Math.Max(_lastIssued, replaced?.Ticks ?? 0);
            var wanted = Math.Max(DateTime.UtcNow.Ticks, floor + 1);
            // Coarse file systems (1 s, FAT's 2 s) round the time we set: step up a second at a
            // time until what the file system keeps is still later than the floor.
            for (var attempt = 0; attempt < 4; attempt++)
            {
                File.SetLastWriteTimeUtc(temporaryFile, new DateTime(wanted, DateTimeKind.Utc));
                var kept = File.GetLastWriteTimeUtc(temporaryFile).Ticks;
                if (kept > floor)
                {
                    _lastIssued = Math.Max(_lastIssued, kept);
                    return new DateTime(kept, DateTimeKind.Utc);
                }
                wanted += TimeSpan.TicksPerSecond;
            }
            throw new IOException(
                $"the file system holding {temporaryFile} does not keep last-write times precisely enough to version blobs: " +
                "put the local blob store on a local Linux file system (ext4, xfs, btrfs, tmpfs)");
        }
    }
}
