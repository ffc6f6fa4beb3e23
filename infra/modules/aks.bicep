// AKS: a small system pool for cluster services, and a spot GPU user pool for the silos.
// OIDC issuer and workload identity are on, so pods can exchange their service-account token for
// an Entra token of the silos' user-assigned identity (no secrets in the cluster for the blob store).

@description('Cluster name.')
param name string

@description('Azure region.')
param location string

@description('Kubernetes version; empty takes the region default.')
param kubernetesVersion string

@description('VM size of the system pool (CPU only; runs CoreDNS, metrics, the NVIDIA device plugin).')
param systemVmSize string

@description('Nodes in the system pool.')
@minValue(1)
param systemNodeCount int

@description('GPU VM size of the spot pool, e.g. Standard_NC4as_T4_v3, Standard_NC24ads_A100_v4.')
param gpuVmSize string

@description('Fewest spot GPU nodes the autoscaler keeps (0 lets the pool scale to nothing when idle).')
@minValue(0)
param gpuMinCount int

@description('Most spot GPU nodes the autoscaler may add.')
@minValue(1)
param gpuMaxCount int

@description('Highest price per node-hour in US dollars, as a string ("-1" pays up to the on-demand price and is never evicted for price, only for capacity).')
param spotMaxPrice string

@description('OS disk of a GPU node in GiB (the CUDA image is large).')
param gpuOsDiskSizeGB int

@description('Labels on the spot GPU nodes, for the manifests\' nodeSelector/affinity.')
param gpuNodeLabels object

param tags object

resource aks 'Microsoft.ContainerService/managedClusters@2025-10-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  sku: {
    name: 'Base'
    tier: 'Free'
  }
  properties: {
    dnsPrefix: name
    kubernetesVersion: empty(kubernetesVersion) ? null : kubernetesVersion
    enableRBAC: true
    oidcIssuerProfile: {
      enabled: true
    }
    securityProfile: {
      workloadIdentity: {
        enabled: true
      }
    }
    networkProfile: {
      networkPlugin: 'azure'
      networkPluginMode: 'overlay'
      loadBalancerSku: 'standard'
    }
    autoUpgradeProfile: {
      upgradeChannel: 'patch'
      nodeOSUpgradeChannel: 'NodeImage'
    }
    agentPoolProfiles: [
      {
        name: 'system'
        mode: 'System'
        vmSize: systemVmSize
        count: systemNodeCount
        osType: 'Linux'
        osSKU: 'Ubuntu'
        type: 'VirtualMachineScaleSets'
        // No CriticalAddonsOnly taint: small CPU pods (a `bam` client, the device plugin's helpers)
        // may run here; the silos select the GPU pool by label.
      }
      {
        name: 'gpuspot'
        mode: 'User'
        vmSize: gpuVmSize
        osType: 'Linux'
        osSKU: 'Ubuntu'
        osDiskSizeGB: gpuOsDiskSizeGB
        type: 'VirtualMachineScaleSets'
        scaleSetPriority: 'Spot'
        scaleSetEvictionPolicy: 'Delete'
        spotMaxPrice: json(spotMaxPrice)
        enableAutoScaling: true
        minCount: gpuMinCount
        maxCount: gpuMaxCount
        // No `count`: the autoscaler owns it, and a redeployment must not reset a pool that has
        // scaled up under a running job.
        nodeLabels: gpuNodeLabels
        // AKS puts this taint (and the label kubernetes.azure.com/scalesetpriority=spot) on every
        // spot node whether or not it is listed; listing it keeps redeployments from seeing a diff.
        nodeTaints: [
          'kubernetes.azure.com/scalesetpriority=spot:NoSchedule'
        ]
      }
    ]
  }
}

output name string = aks.name
output oidcIssuerUrl string = aks.properties.oidcIssuerProfile.issuerURL
output kubeletObjectId string = aks.properties.identityProfile.kubeletidentity.objectId
