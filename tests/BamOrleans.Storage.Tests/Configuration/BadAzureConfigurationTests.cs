using BamOrleans.Silo;
using BamOrleans.Storage.Tests.Azurite;
using BamOrleans.Tests.Shared;

namespace BamOrleans.Storage.Tests.Configuration;

/// <summary>
/// A wrong Azure setting fails at start with a <see cref="BlobStoreConfigurationException"/> whose
/// message names the setting to fix and never contains the key.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BadAzureConfigurationTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData("this is not a connection string")]
    [InlineData("AccountName=devstoreaccount1;AccountKey=not base64!;BlobEndpoint=::bad")]
    [InlineData(" ")]
    public void An_unparseable_connection_string_names_the_setting_and_hides_it(string connectionString)
    {
        var error = Assert.Throws<BlobStoreConfigurationException>(() => new AzureBlobStore(connectionString, "c1c"));
        Assert.Contains("connection string", error.Message);
        Assert.Contains("BlobStoreOptions.ConnectionString", error.Message);
        if (connectionString.Trim().Length > 0) Assert.DoesNotContain(connectionString, error.Message);
        Assert.DoesNotContain("not base64", error.ToString());
    }

    [Fact]
    public async Task An_unreachable_endpoint_fails_naming_the_connection_string_not_the_key()
    {
        var closedPort = LoopbackPorts.Take(1)[0]; // just released: nothing listens there
        var store = new AzureBlobStore(AzuriteServer.ConnectionStringFor(closedPort, AzuriteServer.AccountKey), "unreachable");
        var error = await Assert.ThrowsAsync<BlobStoreConfigurationException>(() => store.EnsureReady());
        Assert.Contains("unreachable", error.Message);
        Assert.Contains("BlobStoreOptions.ConnectionString", error.Message);
        Assert.Contains($"127.0.0.1:{closedPort}", error.Message);
        Assert.DoesNotContain(AzuriteServer.AccountKey, error.Message);
    }

    [Fact]
    public async Task A_wrong_account_key_is_reported_as_rejected_credentials()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var store = new AzureBlobStore(AzuriteServer.ConnectionStringFor(azurite.Server.Port, wrongKey), AzuriteFixture.NewContainerName());
        var error = await Assert.ThrowsAsync<BlobStoreConfigurationException>(() => store.EnsureReady());
        Assert.Contains("403", error.Message);
        Assert.Contains("credentials", error.Message);
        Assert.Contains("key in the connection string", error.Message);
        Assert.DoesNotContain(wrongKey, error.ToString());
        Assert.DoesNotContain(AzuriteServer.AccountKey, error.ToString());
    }

    [Fact]
    public async Task A_missing_container_is_created_only_when_allowed()
    {
        var name = AzuriteFixture.NewContainerName();
        var strict = new AzureBlobStore(azurite.Server.ConnectionString, name, createContainer: false);
        var error = await Assert.ThrowsAsync<BlobStoreConfigurationException>(() => strict.EnsureReady());
        Assert.Contains($"container \"{name}\" does not exist", error.Message);
        var writeError = await Assert.ThrowsAsync<BlobStoreConfigurationException>(() => strict.Write("x", new MemoryStream([1])));
        Assert.Contains("does not exist", writeError.Message);

        await new AzureBlobStore(azurite.Server.ConnectionString, name).EnsureReady(); // creates it
        await strict.EnsureReady(); // now present
        await strict.Write("x", new MemoryStream([1]));
        Assert.Equal(["x"], (await strict.List("")).Select(b => b.Name)); // the probe left nothing
    }

    [Fact]
    public async Task An_invalid_container_name_names_the_container_setting()
    {
        var store = new AzureBlobStore(azurite.Server.ConnectionString, "Bad_Name");
        var error = await Assert.ThrowsAsync<BlobStoreConfigurationException>(() => store.EnsureReady());
        Assert.Contains("BlobStoreOptions.Container", error.Message);
    }

    [Fact]
    public async Task A_shared_key_credential_and_account_url_work_like_the_connection_string()
    {
        var store = new AzureBlobStore(azurite.Server.AccountUrl, AzuriteFixture.NewContainerName(),
            new Azure.Storage.StorageSharedKeyCredential(AzuriteServer.AccountName, AzuriteServer.AccountKey));
        await store.EnsureReady();
        await store.Write("k", new MemoryStream([7]));
        Assert.Equal([7], (await store.Read("k"))!.Data);
        Assert.DoesNotContain(AzuriteServer.AccountKey, store.Description);
    }
}
