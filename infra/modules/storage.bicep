// The blob store: one account, one container for checkpoints, grain state and prepared datasets.
// The silos' identity gets Storage Blob Data Contributor on the container only, not the account.

@description('Storage account name (3-24 lower-case letters and digits, globally unique).')
param name string

param location string

@description('Blob container the silos and `bam` use.')
param containerName string

@description('Storage redundancy, e.g. Standard_LRS or Standard_ZRS.')
param skuName string

@description('Allow account-key (shared key) and SAS access. Off: only Entra identities reach the data.')
param allowSharedKeyAccess bool

@description('Principals (object ids) given Storage Blob Data Contributor on the container.')
param blobContributorPrincipalIds array

@description('Principal type of each id in blobContributorPrincipalIds (ServicePrincipal, User or Group).')
param blobContributorPrincipalTypes array

@description('Days deleted blobs and containers can be restored.')
@minValue(1)
param softDeleteDays int

param tags object

// Built-in role: Storage Blob Data Contributor (read, write, delete blobs; list and create containers).
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: allowSharedKeyAccess
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
  }
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = {
  parent: blobService
  name: containerName
  properties: {
    publicAccess: 'None'
  }
}

resource contributors 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (principalId, i) in blobContributorPrincipalIds: {
    name: guid(container.id, principalId, storageBlobDataContributor)
    scope: container
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
      principalId: principalId
      principalType: blobContributorPrincipalTypes[i]
    }
  }
]

output accountName string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output containerName string = container.name
