// BamOrleans on Azure: AKS with a spot GPU pool, a blob container for checkpoints, grain state
// and datasets, Azure Cache for Redis for membership, and the silos' workload identity.
// Deploy into an existing resource group:  az deployment group create -g RG -p params/small.bicepparam
// (docs/deploy-azure.md walks through it).
targetScope = 'resourceGroup'

@description('Short name that prefixes every resource (lower-case letters and digits).')
@minLength(3)
@maxLength(10)
param prefix string = 'bam'

@description('Azure region; defaults to the resource group\'s.')
param location string = resourceGroup().location

@description('Kubernetes version; empty takes the region default.')
param kubernetesVersion string = ''

@description('VM size of the system pool.')
param systemVmSize string = 'Standard_D4ds_v5'

@description('Nodes in the system pool.')
@minValue(1)
param systemNodeCount int = 1

@description('GPU VM size of the spot pool (needs spot quota for its family in the region).')
param gpuVmSize string = 'Standard_NC4as_T4_v3'

@description('Fewest spot GPU nodes (0: the pool scales to nothing when no silo asks for a GPU).')
@minValue(0)
param gpuMinCount int = 0

@description('Most spot GPU nodes.')
@minValue(1)
param gpuMaxCount int = 2

@description('Spot price cap per node-hour in US dollars, as a string; "-1" pays up to the on-demand price (evictions then come only from capacity).')
param spotMaxPrice string = '-1'

@description('OS disk of a GPU node in GiB.')
@minValue(64)
param gpuOsDiskSizeGB int = 128

@description('Blob container for checkpoints, grain state and prepared datasets.')
param containerName string = 'bam'

@description('Storage redundancy.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
])
param storageSku string = 'Standard_LRS'

@description('Allow account keys and SAS on the storage account. false (default): identity only.')
param allowSharedKeyAccess bool = false

@description('Days deleted blobs and containers stay restorable.')
@minValue(1)
param softDeleteDays int = 7

@description('Redis tier.')
@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param redisSku string = 'Basic'

@description('Redis size within the tier (0 = C0).')
@minValue(0)
param redisCapacity int = 0

@description('Namespace of the silos\' Kubernetes service account (must match deploy/).')
param siloNamespace string = 'bam'

@description('Name of the silos\' Kubernetes service account (must match deploy/).')
param siloServiceAccount string = 'bam-silo'

@description('Object id of a user or group that runs `bam` against the store from outside the cluster (Storage Blob Data Contributor on the container); empty: none.')
param operatorPrincipalId string = ''

@description('User or Group, for operatorPrincipalId.')
@allowed([
  'User'
  'Group'
])
param operatorPrincipalType string = 'User'

@description('Create a container registry the cluster can pull the silo image from.')
param deployRegistry bool = false

@description('Tags on every resource.')
param tags object = {
  app: 'bam-orleans'
}

// Globally unique names get a hash of the resource group; the rest use the prefix.
var suffix = uniqueString(resourceGroup().id)
var clusterName = '${prefix}-aks'
var storageName = take(toLower('${prefix}st${suffix}'), 24)
var redisName = '${prefix}-redis-${suffix}'
var identityName = '${prefix}-silo'
var registryName = take(toLower('${prefix}acr${suffix}'), 50)

// What the manifests select on (besides AKS's own kubernetes.azure.com/scalesetpriority=spot).
var gpuNodeLabels = {
  'bam-orleans/pool': 'gpu-spot'
  accelerator: 'nvidia'
}

module aks 'modules/aks.bicep' = {
  name: 'aks'
  params: {
    name: clusterName
    location: location
    kubernetesVersion: kubernetesVersion
    systemVmSize: systemVmSize
    systemNodeCount: systemNodeCount
    gpuVmSize: gpuVmSize
    gpuMinCount: gpuMinCount
    gpuMaxCount: gpuMaxCount
    spotMaxPrice: spotMaxPrice
    gpuOsDiskSizeGB: gpuOsDiskSizeGB
    gpuNodeLabels: gpuNodeLabels
    tags: tags
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: identityName
    location: location
    oidcIssuerUrl: aks.outputs.oidcIssuerUrl
    serviceAccountNamespace: siloNamespace
    serviceAccountName: siloServiceAccount
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: storageName
    location: location
    containerName: containerName
    skuName: storageSku
    allowSharedKeyAccess: allowSharedKeyAccess
    softDeleteDays: softDeleteDays
    blobContributorPrincipalIds: concat(
      [identity.outputs.principalId],
      empty(operatorPrincipalId) ? [] : [operatorPrincipalId]
    )
    blobContributorPrincipalTypes: concat(['ServicePrincipal'], empty(operatorPrincipalId) ? [] : [operatorPrincipalType])
    tags: tags
  }
}

module redis 'modules/redis.bicep' = {
  name: 'redis'
  params: {
    name: redisName
    location: location
    skuName: redisSku
    capacity: redisCapacity
    tags: tags
  }
}

module registry 'modules/registry.bicep' = if (deployRegistry) {
  name: 'registry'
  params: {
    name: registryName
    location: location
    kubeletObjectId: aks.outputs.kubeletObjectId
    tags: tags
  }
}

@description('AKS cluster: az aks get-credentials -g <rg> -n <this>.')
output clusterName string = aks.outputs.name

@description('Blob endpoint: the silos\' and bam\'s account URL (BlobStoreOptions.AccountUrl).')
output storageAccountUrl string = storage.outputs.blobEndpoint

@description('Storage account name (az storage / az redis commands).')
output storageAccountName string = storage.outputs.accountName

@description('Blob container for checkpoints, grain state and datasets.')
output storageContainer string = storage.outputs.containerName

@description('Redis host; clients connect with TLS on redisPort.')
output redisHost string = redis.outputs.hostName

@description('Redis TLS port (the non-TLS port is off).')
output redisPort int = redis.outputs.sslPort

@description('Redis cache name (az redis list-keys -g <rg> -n <this>).')
output redisName string = redis.outputs.name

@description('Client id of the silos\' identity: the azure.workload.identity/client-id annotation on their service account.')
output siloIdentityClientId string = identity.outputs.clientId

@description('Tenant of the silos\' identity (AZURE_TENANT_ID, injected by the webhook).')
output tenantId string = identity.outputs.tenantId

@description('Namespace/name of the service account the federated credential trusts.')
output siloServiceAccount string = '${siloNamespace}/${siloServiceAccount}'

@description('Node labels of the spot GPU pool, for nodeSelector/affinity.')
output gpuNodeLabels object = gpuNodeLabels

@description('Registry login server for the silo image; empty when deployRegistry is false.')
output registryLoginServer string = deployRegistry ? registry!.outputs.loginServer : ''
