using System.Buffers;

namespace BamOrleans.Storage;

/// <summary>
/// The embedded default store: each blob is a file under a root folder ('/' in a name is a
/// sub-folder). A write goes to a temporary file in the destination folder, is flushed to disk,
/// and then renamed over the old file in one step, so a reader opens either the old file or the
/// complete new one. Conditions are checked and the rename done under one process-wide lock, so
/// conditional writes and deletes are race-free among all stores of this process; across
/// processes on the same folder they are best effort (the check and the rename are two steps),
/// which is why a shared multi-machine deployment uses the Azure store instead.
/// </summary>
/// <remarks>A folder cannot be a file as well: "a" and "a/b" cannot both exist here (they can in
/// Azure); writing one when the other exists fails with an <see cref="IOException"/> that says so.</remarks>
public sealed class LocalFolderBlobStore : IBlobStore
{
    private const int CopyBufferSize = 1 << 20;

    /// <summary>Held from the condition check to the rename (or delete): short and synchronous.</summary>
    private static readonly Lock CommitLock = new();

    public LocalFolderBlobStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The absolute root folder.</summary>
    public string Root { get; }

    public string Description => $"local folder {Root}";

    public Task EnsureReady(CancellationToken cancellation = default)
    {
        var probe = Path.Combine(Root, $"{BlobNames.ProbePrefix}{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(Root);
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BlobStoreConfigurationException(
                $"the local blob folder {Root} is not usable: {e.Message}. " +
                "Set the storage path (BlobStoreOptions.Path) to a folder this process can create and write, " +
                "or fix the folder's permissions.", e);
        }
        return Task.CompletedTask;
    }

    public async Task<BlobInfo> Write(string name, Stream content, BlobCondition? ifMatch = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(name);
        var folder = Path.GetDirectoryName(path)!;
        CreateFolderFor(name, folder);
        var temporary = Path.Combine(folder, $".{Guid.NewGuid():N}{BlobNames.PartialSuffix}");
        try
        {
            var (length, sha256) = await CopyToDisk(content, temporary, cancellation);
            lock (CommitLock)
            {
                var current = new FileInfo(path);
                if (Directory.Exists(path))
                    throw new IOException($"cannot write blob {name}: {path} is a folder, because blobs named \"{name}/...\" exist; " +
                                          "a local folder store cannot hold a blob and a folder of the same name");
                Check(name, ifMatch, current.Exists ? LocalFileVersions.ETag(current) : null);
                var stamp = LocalFileVersions.Stamp(temporary, current.Exists ? current.LastWriteTimeUtc : null);
                File.Move(temporary, path, overwrite: true);
                return new BlobInfo(name, length, LocalFileVersions.ETag(stamp, length), stamp, sha256);
            }
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    public async Task<BlobContent?> Read(string name, CancellationToken cancellation = default)
    {
        var path = PathOf(name);
        FileStream file;
        try
        {
            // The handle pins the file we opened: a rename over it afterwards does not change what we read.
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException
                                      || e is UnauthorizedAccessException && Directory.Exists(path))
        {
            return null;
        }
        await using (file)
        {
            var handle = file.SafeFileHandle;
            var lastWrite = File.GetLastWriteTimeUtc(handle);
            var length = RandomAccess.GetLength(handle);
            var data = new byte[length];
            await file.ReadExactlyAsync(data, cancellation);
            var info = new BlobInfo(name, length, LocalFileVersions.ETag(lastWrite, length), lastWrite, ContentHash.Of(data));
            return new BlobContent(info, data);
        }
    }

    public Task<BlobInfo?> GetInfo(string name, CancellationToken cancellation = default)
    {
        var file = new FileInfo(PathOf(name));
        return Task.FromResult(file.Exists ? InfoOf(name, file) : null);
    }

    public Task<IReadOnlyList<BlobInfo>> List(string prefix, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var found = new List<BlobInfo>();
        // Start in the deepest folder the prefix names; a prefix whose folder part is no valid
        // name cannot begin any valid name.
        var slash = prefix.LastIndexOf('/');
        var folderPart = slash < 0 ? "" : prefix[..slash];
        if (folderPart.Length > 0 && BlobNames.Problem(folderPart) is not null)
            return Task.FromResult<IReadOnlyList<BlobInfo>>(found);
        var start = folderPart.Length == 0 ? Root : Path.Combine(Root, folderPart);
        if (!Directory.Exists(start)) return Task.FromResult<IReadOnlyList<BlobInfo>>(found);
        foreach (var file in new DirectoryInfo(start).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            cancellation.ThrowIfCancellationRequested();
            var name = Path.GetRelativePath(Root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || BlobNames.IsReserved(name)) continue;
            file.Refresh();
            if (file.Exists) found.Add(InfoOf(name, file)); // else deleted while we listed
        }
        found.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return Task.FromResult<IReadOnlyList<BlobInfo>>(found);
    }

    public Task<bool> Delete(string name, string? ifMatch = null, CancellationToken cancellation = default)
    {
        var path = PathOf(name);
        lock (CommitLock)
        {
            var current = new FileInfo(path);
            if (!current.Exists) return Task.FromResult(false);
            if (ifMatch is not null) Check(name, BlobCondition.IfMatch(ifMatch), LocalFileVersions.ETag(current));
            File.Delete(path);
            return Task.FromResult(true);
        }
    }

    private string PathOf(string name)
    {
        BlobNames.Validate(name);
        return Path.Combine(Root, name.Replace('/', Path.DirectorySeparatorChar));
    }

    private static BlobInfo InfoOf(string name, FileInfo file) =>
        new(name, file.Length, LocalFileVersions.ETag(file), file.LastWriteTimeUtc);

    private static void Check(string name, BlobCondition? condition, string? currentETag)
    {
        if (condition is null) return;
        if (condition.ETag is null ? currentETag is not null : !string.Equals(condition.ETag, currentETag, StringComparison.Ordinal))
            throw new BlobConditionFailedException(name, condition.ETag, currentETag);
    }

    private void CreateFolderFor(string name, string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (IOException e) when (!Directory.Exists(folder))
        {
            throw new IOException($"cannot write blob {name}: a blob named like one of its folders exists under {Root}; " +
                                  "a local folder store cannot hold a blob \"a\" and a blob \"a/b\" at once: choose names where no blob is another's folder", e);
        }
    }

    private static async Task<(long Length, string Sha256)> CopyToDisk(Stream content, string temporary, CancellationToken cancellation)
    {
        using var hash = ContentHash.Start();
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            long length = 0;
            await using var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellation)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellation);
                length += read;
            }
            // On disk before the rename publishes it: after a crash the name holds old or new bytes, not a hole.
            file.Flush(flushToDisk: true);
            return (length, ContentHash.Finish(hash));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary file is never listed or read; the original failure matters more.
        }
    }
}
