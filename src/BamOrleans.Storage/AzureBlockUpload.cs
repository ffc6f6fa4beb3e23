using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Text;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace BamOrleans.Storage;

/// <summary>
/// Uploads one stream as a block blob so that it becomes visible only when complete: a content
/// that fits one block goes up in a single Put Blob; a larger one is staged block by block, a
/// bounded number in parallel (memory stays at <c>parallelism × blockSize</c>), and then published
/// by one Put Block List, which is also where the write's condition is checked. Staged blocks that
/// are never committed (the source failed, a condition failed) are invisible and Azure discards
/// them after a week. Every request carries an MD5 of its bytes, which the service verifies.
/// </summary>
internal static class AzureBlockUpload
{
    private static readonly UploadTransferValidationOptions Md5 = new() { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 };

    public sealed record Result(BlobContentInfo Committed, long Length, string Sha256);

    public static async Task<Result> Upload(BlockBlobClient blob, Stream content, BlobRequestConditions? conditions,
        int blockSize, int parallelism, CancellationToken cancellation)
    {
        using var hash = ContentHash.Start();
        using var slots = new SemaphoreSlim(parallelism);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var uploadId = Guid.NewGuid().ToString("N");
        var blockIds = new List<string>();
        var staging = new List<Task>();
        long length = 0;
        byte[]? buffer = null;
        try
        {
            await slots.WaitAsync(stop.Token);
            buffer = ArrayPool<byte>.Shared.Rent(blockSize);
            var read = await ReadBlock(content, buffer, blockSize, stop.Token);
            hash.AppendData(buffer, 0, read);
            if (read < blockSize)
            {
                using var single = new MemoryStream(buffer, 0, read, writable: false);
                var put = await blob.UploadAsync(single, new BlobUploadOptions { Conditions = conditions, TransferValidation = Md5 }, cancellation);
                return new Result(put.Value, read, ContentHash.Finish(hash));
            }
            while (read > 0)
            {
                length += read;
                // Same-length ids, unique to this upload: a concurrent writer's blocks never mix in.
                var id = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{uploadId}-{blockIds.Count:D6}"));
                blockIds.Add(id);
                staging.Add(Stage(blob, id, buffer, read, slots, stop));
                buffer = null; // the staging task returns it
                if (read < blockSize) break;
                await slots.WaitAsync(stop.Token);
                buffer = ArrayPool<byte>.Shared.Rent(blockSize);
                read = await ReadBlock(content, buffer, blockSize, stop.Token);
                hash.AppendData(buffer, 0, read);
            }
            await Task.WhenAll(staging);
            var commit = await blob.CommitBlockListAsync(blockIds, new CommitBlockListOptions { Conditions = conditions }, cancellation);
            return new Result(commit.Value, length, ContentHash.Finish(hash));
        }
        catch (Exception e)
        {
            await stop.CancelAsync();
            try
            {
                await Task.WhenAll(staging);
            }
            catch (Exception)
            {
                // Reported below: the first real staging failure explains a cancellation better.
            }
            var stageFailure = staging.FirstOrDefault(t => t.IsFaulted)?.Exception?.InnerException;
            if (e is OperationCanceledException && stageFailure is not null && !cancellation.IsCancellationRequested)
                ExceptionDispatchInfo.Throw(stageFailure);
            throw;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                slots.Release();
            }
        }
    }

    private static async Task Stage(BlockBlobClient blob, string id, byte[] buffer, int count, SemaphoreSlim slots, CancellationTokenSource stop)
    {
        try
        {
            using var block = new MemoryStream(buffer, 0, count, writable: false);
            await blob.StageBlockAsync(id, block, new BlockBlobStageBlockOptions { TransferValidation = Md5 }, stop.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await stop.CancelAsync(); // no more reading or staging after a failed block
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            slots.Release();
        }
    }

    /// <summary>Fills <paramref name="buffer"/> up to <paramref name="count"/> bytes; fewer only at the end of the stream.</summary>
    private static async Task<int> ReadBlock(Stream content, byte[] buffer, int count, CancellationToken cancellation)
    {
        var total = 0;
        while (total < count)
        {
            var read = await content.ReadAsync(buffer.AsMemory(total, count - total), cancellation);
            if (read == 0) break;
            total += read;
        }
        return total;
    }

    /// <summary>Whether the service refused the write's condition (412, or 409 for If-None-Match: * on an existing blob).</summary>
    public static bool IsConditionFailure(RequestFailedException e) =>
        e.Status == 412 || e.Status == 409 && e.ErrorCode == BlobErrorCode.BlobAlreadyExists;
}
