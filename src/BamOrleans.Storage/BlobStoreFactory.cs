using Azure.Core;

namespace BamOrleans.Storage;

/// <summary>Builds the store a <see cref="BlobStoreOptions"/> describes, after validating it.</summary>
public static class BlobStoreFactory
{
    /// <param name="credential">For an Azure store set by <see cref="BlobStoreOptions.AccountUrl"/>:
    /// the Entra ID identity (e.g. a managed identity). Not needed when the URL carries a SAS.</param>
    /// <exception cref="BlobStoreConfigurationException">The options are not usable; the message lists every problem.</exception>
    public static IBlobStore Create(BlobStoreOptions options, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate().ToList();
        if (options.Kind == BlobStoreKind.Azure && !string.IsNullOrWhiteSpace(options.AccountUrl) && credential is null
            && Uri.TryCreate(options.AccountUrl, UriKind.Absolute, out var sas) && !sas.Query.Contains("sig=", StringComparison.Ordinal))
            problems.Add("AccountUrl has no SAS token and no credential was given: pass a TokenCredential (e.g. a managed identity), " +
                         "append a SAS to the URL, or use ConnectionString");
        if (problems.Count > 0)
            throw new BlobStoreConfigurationException($"the blob store settings ({options.Describe()}) are not usable:\n  - {string.Join("\n  - ", problems)}");

        return options.Kind switch
        {
            BlobStoreKind.Folder => new LocalFolderBlobStore(options.Path!),
            _ when !string.IsNullOrWhiteSpace(options.ConnectionString) =>
                new AzureBlobStore(options.ConnectionString, options.Container!, options.CreateContainer),
            _ when credential is not null => new AzureBlobStore(new Uri(options.AccountUrl!), options.Container!, credential, options.CreateContainer),
            _ => new AzureBlobStore(new Uri(options.AccountUrl!), options.Container!, options.CreateContainer),
        };
    }
}
