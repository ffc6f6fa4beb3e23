using System.Text.RegularExpressions;

namespace BamOrleans.Storage;

/// <summary>Which store holds the blobs.</summary>
public enum BlobStoreKind
{
    /// <summary>A local folder (<see cref="LocalFolderBlobStore"/>): the embedded default, one machine.</summary>
    Folder,

    /// <summary>An Azure Blob Storage container (<see cref="AzureBlobStore"/>), shared by every machine.</summary>
    Azure,
}

/// <summary>
/// The one storage setting of a deployment, as configuration binds it. <see cref="Validate"/> lists
/// every problem at once (not just the first), and neither <see cref="Describe"/> nor
/// <see cref="ToString"/> ever shows the connection string or a SAS.
/// </summary>
public sealed partial record BlobStoreOptions
{
    public BlobStoreKind Kind { get; init; } = BlobStoreKind.Folder;

    /// <summary>Folder: the root folder (created if missing).</summary>
    public string? Path { get; init; }

    /// <summary>Azure: a storage account connection string (a secret: never logged).</summary>
    public string? ConnectionString { get; init; }

    /// <summary>Azure, instead of a connection string: https://ACCOUNT.blob.core.windows.net, used with
    /// a credential passed to <see cref="BlobStoreFactory.Create"/> or with a SAS in its query.</summary>
    public string? AccountUrl { get; init; }

    /// <summary>Azure: the container's name.</summary>
    public string? Container { get; init; }

    /// <summary>Azure: whether <see cref="IBlobStore.EnsureReady"/> may create a missing container.</summary>
    public bool CreateContainer { get; init; } = true;

    /// <summary>Every problem with these settings, each naming the setting and the fix; empty if usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Kind)) problems.Add($"Kind {(int)Kind} is unknown: use folder or azure");
        if (Kind == BlobStoreKind.Folder)
        {
            if (string.IsNullOrWhiteSpace(Path)) problems.Add("Path is required for a folder store: set it to the folder that holds the blobs");
            if (!string.IsNullOrEmpty(ConnectionString) || !string.IsNullOrEmpty(AccountUrl) || !string.IsNullOrEmpty(Container))
                problems.Add("ConnectionString, AccountUrl and Container apply to Kind azure only: set Kind to azure, or remove them");
        }
        else if (Kind == BlobStoreKind.Azure)
        {
            var hasConnectionString = !string.IsNullOrWhiteSpace(ConnectionString);
            var hasAccountUrl = !string.IsNullOrWhiteSpace(AccountUrl);
            if (hasConnectionString == hasAccountUrl)
                problems.Add("an Azure store needs exactly one of ConnectionString and AccountUrl: set one, remove the other");
            if (hasAccountUrl && !(Uri.TryCreate(AccountUrl, UriKind.Absolute, out var url) && url.Scheme is "https" or "http"))
                problems.Add("AccountUrl is not an absolute http(s) URL: use https://ACCOUNT.blob.core.windows.net");
            if (string.IsNullOrWhiteSpace(Container)) problems.Add("Container is required for an Azure store: name the blob container");
            else if (!ContainerName().IsMatch(Container))
                problems.Add($"Container \"{Container}\" is not a valid container name: use 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit");
            if (!string.IsNullOrEmpty(Path)) problems.Add("Path applies to Kind folder only: set Kind to folder, or remove it");
        }
        return problems;
    }

    /// <summary>Where the blobs go, for logs: never a key, connection string or SAS.</summary>
    public string Describe() => Kind switch
    {
        BlobStoreKind.Folder => $"folder {Path}",
        BlobStoreKind.Azure when !string.IsNullOrWhiteSpace(AccountUrl) =>
            $"azure container {Container} at {(Uri.TryCreate(AccountUrl, UriKind.Absolute, out var url) ? url.GetLeftPart(UriPartial.Path) : "(invalid account URL)")}",
        BlobStoreKind.Azure => $"azure container {Container} at {AccountOf(ConnectionString)}",
        _ => $"unknown store kind {(int)Kind}",
    };

    /// <summary>A record prints every property; this one holds a secret.</summary>
    public override string ToString() => $"BlobStoreOptions {{ {Describe()} }}";

    /// <summary>The connection string's endpoint or account name, the only parts fit for a log.</summary>
    private static string AccountOf(string? connectionString)
    {
        var parts = (connectionString ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        if (parts.TryGetValue("BlobEndpoint", out var endpoint) && Uri.TryCreate(endpoint, UriKind.Absolute, out var u))
            return u.GetLeftPart(UriPartial.Path);
        if (parts.TryGetValue("AccountName", out var account)) return $"account {account}";
        return "(account from the connection string)";
    }

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$")]
    private static partial Regex ContainerName();
}
