namespace BamOrleans.Storage.Tests.Configuration;

/// <summary>The one storage setting: every problem listed, the right store built, no secret shown.</summary>
public sealed class BlobStoreOptionsTests
{
    private const string Key = "c2VjcmV0LWtleS10aGF0LW11c3QtbmV2ZXItYmUtcHJpbnRlZA==";
    private const string ConnectionString = $"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={Key};EndpointSuffix=core.windows.net";

    [Fact]
    public void A_folder_store_needs_a_path_and_nothing_of_azure()
    {
        Assert.Empty(new BlobStoreOptions { Path = "/tmp/x" }.Validate());
        var problems = new BlobStoreOptions { ConnectionString = ConnectionString }.Validate();
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Path is required"));
        Assert.Contains(problems, p => p.Contains("apply to Kind azure only"));
    }

    [Fact]
    public void An_azure_store_needs_one_endpoint_and_a_valid_container()
    {
        Assert.Empty(new BlobStoreOptions { Kind = BlobStoreKind.Azure, ConnectionString = ConnectionString, Container = "checkpoints" }.Validate());
        Assert.Empty(new BlobStoreOptions { Kind = BlobStoreKind.Azure, AccountUrl = "https://acct.blob.core.windows.net", Container = "a-1" }.Validate());

        var problems = new BlobStoreOptions { Kind = BlobStoreKind.Azure, Container = "Bad--Name", Path = "/x" }.Validate();
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("exactly one of ConnectionString and AccountUrl"));
        Assert.Contains(problems, p => p.Contains("not a valid container name"));
        Assert.Contains(problems, p => p.StartsWith("Path applies to Kind folder only"));

        Assert.Contains(new BlobStoreOptions { Kind = BlobStoreKind.Azure, AccountUrl = "not a url", Container = "abc" }.Validate(),
            p => p.Contains("AccountUrl is not an absolute"));
        Assert.Contains(new BlobStoreOptions { Kind = BlobStoreKind.Azure, ConnectionString = ConnectionString }.Validate(),
            p => p.StartsWith("Container is required"));
    }

    [Fact]
    public void Describe_and_ToString_never_show_the_key_or_a_sas()
    {
        var withKey = new BlobStoreOptions { Kind = BlobStoreKind.Azure, ConnectionString = ConnectionString, Container = "checkpoints" };
        Assert.Equal("azure container checkpoints at account acct", withKey.Describe());
        Assert.DoesNotContain(Key, withKey.ToString());
        var withSas = new BlobStoreOptions { Kind = BlobStoreKind.Azure, AccountUrl = "https://acct.blob.core.windows.net/?sv=1&sig=SECRET", Container = "c1c" };
        Assert.Equal("azure container c1c at https://acct.blob.core.windows.net/", withSas.Describe());
        Assert.DoesNotContain("SECRET", withSas.ToString());
    }

    [Fact]
    public void The_factory_builds_the_configured_store_or_lists_every_problem()
    {
        var folder = BlobStoreFactory.Create(new BlobStoreOptions { Path = "relative/blobs" });
        Assert.Equal(Path.GetFullPath("relative/blobs"), Assert.IsType<LocalFolderBlobStore>(folder).Root);

        var azure = BlobStoreFactory.Create(new BlobStoreOptions { Kind = BlobStoreKind.Azure, ConnectionString = ConnectionString, Container = "checkpoints" });
        Assert.IsType<AzureBlobStore>(azure);
        Assert.Equal("Azure blob container https://acct.blob.core.windows.net/checkpoints", azure.Description);

        var error = Assert.Throws<BlobStoreConfigurationException>(() =>
            BlobStoreFactory.Create(new BlobStoreOptions { Kind = BlobStoreKind.Azure, AccountUrl = "https://acct.blob.core.windows.net", Container = "x" }));
        Assert.Contains("not a valid container name", error.Message);
        Assert.Contains("no SAS token and no credential", error.Message);
    }
}
