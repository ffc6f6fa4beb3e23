using System.Net;

namespace BamOrleans.Silo;

/// <summary>
/// What `bam-silo --kubernetes` learns from its pod: the name (the silo's name, which Orleans'
/// Kubernetes agent matches against pods), the namespace it watches, the address to announce, and
/// the cluster and service ids when the pod sets them. The manifests in deploy/ pass all of them
/// through the downward API; reading them here, before Orleans starts, turns a missing one into one
/// clear line instead of a failure deep inside the host's start.
/// </summary>
public sealed record KubernetesPod(string Name, string Namespace, IPAddress Address, string? ClusterId, string? ServiceId)
{
    // The variable names are Orleans' own (KubernetesHostingOptions), so Orleans and bam-silo read the same values.
    public const string PodNameVariable = "POD_NAME";
    public const string PodNamespaceVariable = "POD_NAMESPACE";
    public const string PodIpVariable = "POD_IP";
    public const string ClusterIdVariable = "ORLEANS_CLUSTER_ID";
    public const string ServiceIdVariable = "ORLEANS_SERVICE_ID";

    /// <summary>Set by the kubelet in every container: its absence means this is not a pod.</summary>
    public const string ApiServerVariable = "KUBERNETES_SERVICE_HOST";

    /// <summary>Where the kubelet mounts the pod's service account token; Orleans' agent uses it to watch the pods.</summary>
    public const string ServiceAccountTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    /// <summary>Reads the pod from <paramref name="environment"/>; null and one message per problem when something is missing.</summary>
    public static (KubernetesPod? Pod, IReadOnlyList<string> Errors) Read(Func<string, string?> environment, Func<string, bool> fileExists)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(fileExists);
        var errors = new List<string>();
        string? Get(string name) => environment(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        if (Get(ApiServerVariable) is null)
            errors.Add($"--kubernetes: ${ApiServerVariable} is not set, so this is not a Kubernetes pod: run without --kubernetes outside Kubernetes");
        else if (!fileExists(ServiceAccountTokenPath))
            errors.Add($"--kubernetes: no service account token at {ServiceAccountTokenPath}: Orleans' Kubernetes agent watches the silos' pods through the API; " +
                       "mount the token (automountServiceAccountToken: true) and bind the Role of deploy/base/rbac.yaml to the pod's service account");

        string? Required(string name, string field)
        {
            var value = Get(name);
            if (value is null)
                errors.Add($"--kubernetes: ${name} is not set: give the container env {name} from the downward API (valueFrom.fieldRef.fieldPath: {field}), as deploy/base/silo.yaml does");
            return value;
        }
        var name = Required(PodNameVariable, "metadata.name");
        var ns = Required(PodNamespaceVariable, "metadata.namespace");
        var ipText = Required(PodIpVariable, "status.podIP");
        IPAddress? ip = null;
        if (ipText is not null && !IPAddress.TryParse(ipText, out ip))
            errors.Add($"--kubernetes: ${PodIpVariable} = '{ipText}' is not an IP address: set it from valueFrom.fieldRef.fieldPath: status.podIP");

        return errors.Count == 0
            ? (new KubernetesPod(name!, ns!, ip!, Get(ClusterIdVariable), Get(ServiceIdVariable)), errors)
            : (null, errors);
    }
}
