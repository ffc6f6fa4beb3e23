using System.Net.Http;
using System.Net.Sockets;
using Azure;
using Azure.Storage.Blobs.Models;

namespace BamOrleans.Storage;

/// <summary>
/// Turns what the Azure SDK throws while a store checks its configuration into one
/// <see cref="BlobStoreConfigurationException"/> that names the setting to fix. The messages carry
/// the account URL and container, never a key, SAS or connection string.
/// </summary>
internal sealed class AzureConfigurationErrors(string where, string endpointSetting, string credentialSetting, string container)
{
    public BlobStoreConfigurationException Translate(Exception e, TimeSpan deadline) => e switch
    {
        RequestFailedException { Status: 403 } r => new(
            $"{where} refused the credentials (403 {r.ErrorCode}): check {credentialSetting}. " +
            "The identity needs read, write, delete and list on the container (e.g. the Storage Blob Data Contributor role).", e),
        RequestFailedException { Status: 400 } r when r.ErrorCode == BlobErrorCode.InvalidResourceName => new(
            $"the container name \"{container}\" is not valid for {where} ({r.ErrorCode}): set the container (BlobStoreOptions.Container) " +
            "to 3-63 lower-case letters, digits and single hyphens, starting with a letter or digit.", e),
        RequestFailedException { Status: 404 } r when r.ErrorCode == BlobErrorCode.ContainerNotFound => MissingContainer(e),
        RequestFailedException { Status: 404 } r => new(
            $"{where} answered 404 {r.ErrorCode}: the account in {endpointSetting} does not exist there; check the account name and endpoint.", e),
        _ when IsUnreachable(e) => new(
            $"{where} is unreachable ({Innermost(e).Message}): check the endpoint in {endpointSetting} " +
            "(account name, BlobEndpoint or EndpointSuffix, http/https) and that this machine can reach it.", e),
        OperationCanceledException => new(
            $"{where} did not answer within {deadline.TotalSeconds:F0} s: check the endpoint in {endpointSetting} and the network path to it.", e),
        RequestFailedException r => new(
            $"{where} failed the configuration check ({r.Status} {r.ErrorCode}): check {endpointSetting}, {credentialSetting} and the container name \"{container}\".", e),
        _ => new($"{where} failed the configuration check ({e.GetType().Name}): check {endpointSetting}.", e),
    };

    public BlobStoreConfigurationException MissingContainer(Exception? e = null) => new(
        $"the container \"{container}\" does not exist at {where}: create it (az storage container create --name {container}), " +
        "or let the store create it (BlobStoreOptions.CreateContainer = true) and call EnsureReady at start.", e);

    /// <summary>Connection refused, unknown host, TLS or timeout before any HTTP answer (the SDK reports status 0).</summary>
    private static bool IsUnreachable(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is HttpRequestException or SocketException or RequestFailedException { Status: 0 }) return true;
            if (x is AggregateException a && a.InnerExceptions.Any(IsUnreachable)) return true;
        }
        return false;
    }

    private static Exception Innermost(Exception e)
    {
        while (true)
        {
            var next = e is AggregateException a ? a.InnerExceptions.FirstOrDefault() : e.InnerException;
            if (next is null) return e;
            e = next;
        }
    }
}
