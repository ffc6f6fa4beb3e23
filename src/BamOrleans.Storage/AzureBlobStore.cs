using Azure;
using Azure.Core;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace BamOrleans.Storage;

/// <summary>
/// Blobs in one Azure Blob Storage container (or Azurite). Writes are block blobs published in one
/// request (see <see cref="AzureBlockUpload"/>), so readers see old or new content, never a part;
/// conditions are the service's own ETag preconditions, so they hold across machines.
/// Retries are few and short: a wrong endpoint fails <see cref="EnsureReady"/> in seconds.
/// </summary>
public sealed class AzureBlobStore : IBlobStore
{
    /// <summary>Bytes per staged block; contents smaller than this go up in one request.</summary>
    public const int BlockSize = 4 << 20;

    /// <summary>Blocks staged at once (memory: this many blocks).</summary>
    public const int MaxParallelBlocks = 4;

    /// <summary>How long <see cref="EnsureReady"/> waits for the service before calling the endpoint wrong.</summary>
    public static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(30);

    private readonly BlobContainerClient _container;
    private readonly bool _createContainer;
    private readonly AzureConfigurationErrors _errors;

    /// <summary>From a storage account connection string (the portal's "Access keys", or Azurite's).</summary>
    /// <exception cref="BlobStoreConfigurationException">The connection string cannot be parsed.</exception>
    public AzureBlobStore(string connectionString, string container, bool createContainer = true)
        : this(FromConnectionString(connectionString, container), createContainer,
            "the connection string (BlobStoreOptions.ConnectionString)",
            "the account name and key in the connection string (BlobStoreOptions.ConnectionString)")
    {
    }

    /// <summary>From the account URL (https://ACCOUNT.blob.core.windows.net) and an Entra ID credential.</summary>
    public AzureBlobStore(Uri accountUrl, string container, TokenCredential credential, bool createContainer = true)
        : this(new BlobServiceClient(accountUrl, credential, ClientOptions()).GetBlobContainerClient(container), createContainer,
            "the account URL (BlobStoreOptions.AccountUrl)",
            "the credential's identity and its role assignment on the container")
    {
    }

    /// <summary>From the account URL and the account's shared key.</summary>
    public AzureBlobStore(Uri accountUrl, string container, StorageSharedKeyCredential credential, bool createContainer = true)
        : this(new BlobServiceClient(accountUrl, credential, ClientOptions()).GetBlobContainerClient(container), createContainer,
            "the account URL (BlobStoreOptions.AccountUrl)",
            "the account name and shared key")
    {
    }

    /// <summary>From an account URL that carries a SAS token in its query.</summary>
    public AzureBlobStore(Uri accountUrlWithSas, string container, bool createContainer = true)
        : this(new BlobServiceClient(accountUrlWithSas, ClientOptions()).GetBlobContainerClient(container), createContainer,
            "the account URL (BlobStoreOptions.AccountUrl)",
            "the SAS token in the account URL (its permissions and expiry)")
    {
    }

    private AzureBlobStore(BlobContainerClient container, bool createContainer, string endpointSetting, string credentialSetting)
    {
        _container = container;
        _createContainer = createContainer;
        // The container URL without its query: a SAS never reaches a message.
        var url = new UriBuilder(container.Uri) { Query = "" }.Uri;
        Description = $"Azure blob container {url}";
        _errors = new AzureConfigurationErrors(Description, endpointSetting, credentialSetting, container.Name);
    }

    public string Description { get; }

    /// <summary>Few, short retries (the SDK's default waits minutes on a dead endpoint); a generous
    /// per-request timeout for 4 MiB blocks on slow links.</summary>
    internal static BlobClientOptions ClientOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(60);
        return options;
    }

    private static BlobContainerClient FromConnectionString(string connectionString, string container)
    {
        try
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
            return new BlobServiceClient(connectionString, ClientOptions()).GetBlobContainerClient(container);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            // Neither the parser's message nor the exception: both may quote the string, key included.
            throw new BlobStoreConfigurationException(
                $"the Azure storage connection string (BlobStoreOptions.ConnectionString) cannot be parsed ({e.GetType().Name}): " +
                "it must look like DefaultEndpointsProtocol=https;AccountName=NAME;AccountKey=KEY;EndpointSuffix=core.windows.net " +
                "(copy it from the storage account's \"Access keys\" page).");
        }
    }

    public async Task EnsureReady(CancellationToken cancellation = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(ReadyDeadline);
        try
        {
            if (!await _container.ExistsAsync(deadline.Token))
            {
                if (!_createContainer) throw _errors.MissingContainer();
                await _container.CreateIfNotExistsAsync(cancellationToken: deadline.Token);
            }
            // Exists needs read only: a write and a delete prove the rest of what checkpoints need.
            var probe = _container.GetBlobClient($"{BlobNames.ProbePrefix}{Guid.NewGuid():N}");
            await probe.UploadAsync(BinaryData.FromString("probe"), deadline.Token);
            await probe.DeleteIfExistsAsync(cancellationToken: deadline.Token);
        }
        catch (Exception e) when (e is not BlobStoreConfigurationException && !cancellation.IsCancellationRequested)
        {
            throw _errors.Translate(e, ReadyDeadline);
        }
    }

    public async Task<BlobInfo> Write(string name, Stream content, BlobCondition? ifMatch = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        BlobNames.Validate(name);
        try
        {
            var result = await AzureBlockUpload.Upload(_container.GetBlockBlobClient(name), content, Conditions(ifMatch),
                BlockSize, MaxParallelBlocks, cancellation);
            return new BlobInfo(name, result.Length, Tag(result.Committed.ETag), result.Committed.LastModified, result.Sha256);
        }
        catch (RequestFailedException e) when (AzureBlockUpload.IsConditionFailure(e))
        {
            throw new BlobConditionFailedException(name, ifMatch?.ETag, await CurrentETag(name));
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            throw _errors.MissingContainer(e);
        }
    }

    public async Task<BlobContent?> Read(string name, CancellationToken cancellation = default)
    {
        BlobNames.Validate(name);
        try
        {
            // One GET: bytes and properties of the same version.
            var response = await _container.GetBlobClient(name).DownloadContentAsync(cancellation);
            var data = response.Value.Content.ToArray();
            var details = response.Value.Details;
            return new BlobContent(new BlobInfo(name, data.LongLength, Tag(details.ETag), details.LastModified, ContentHash.Of(data)), data);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            return null;
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            throw _errors.MissingContainer(e);
        }
    }

    public async Task<BlobInfo?> GetInfo(string name, CancellationToken cancellation = default)
    {
        BlobNames.Validate(name);
        try
        {
            var properties = (await _container.GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellation)).Value;
            return new BlobInfo(name, properties.ContentLength, Tag(properties.ETag), properties.LastModified);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // A HEAD has no body, hence no error code: a missing container and a missing blob look alike.
            return null;
        }
    }

    public async Task<IReadOnlyList<BlobInfo>> List(string prefix, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var found = new List<BlobInfo>();
        try
        {
            await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellation))
            {
                if (BlobNames.IsReserved(item.Name)) continue;
                var p = item.Properties;
                found.Add(new BlobInfo(item.Name, p.ContentLength ?? 0, p.ETag is { } eTag ? Tag(eTag) : "", p.LastModified ?? default));
            }
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            throw _errors.MissingContainer(e);
        }
        // The service sorts by UTF-8 bytes; the contract is ordinal (UTF-16) order.
        found.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return found;
    }

    public async Task<bool> Delete(string name, string? ifMatch = null, CancellationToken cancellation = default)
    {
        BlobNames.Validate(name);
        var conditions = ifMatch is null ? null : new BlobRequestConditions { IfMatch = new ETag(ifMatch) };
        try
        {
            return (await _container.GetBlobClient(name).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, conditions, cancellation)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Azurite answers 412 rather than 404 for If-Match on a missing blob: none is none.
            var current = await CurrentETag(name);
            if (current is null) return false;
            throw new BlobConditionFailedException(name, ifMatch, current);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            throw _errors.MissingContainer(e);
        }
    }

    /// <summary>One spelling of an ETag (the quoted header form): Get/Put answer quoted, List does not.</summary>
    private static string Tag(ETag eTag) => eTag.ToString("H");

    private static BlobRequestConditions? Conditions(BlobCondition? condition) => condition switch
    {
        null => null,
        { ETag: null } => new BlobRequestConditions { IfNoneMatch = ETag.All },
        { ETag: var eTag } => new BlobRequestConditions { IfMatch = new ETag(eTag) },
    };

    /// <summary>For the failure message only: what the blob's ETag is now (null if gone or unknown).</summary>
    private async Task<string?> CurrentETag(string name)
    {
        try
        {
            return (await GetInfo(name))?.ETag;
        }
        catch (RequestFailedException)
        {
            return null;
        }
    }
}
