// Optional container registry for the silo image; the cluster's kubelet identity may pull from it
// (AcrPull on the registry) and nothing else. Admin user off.

param name string
param location string

@description('Object id of the AKS kubelet identity.')
param kubeletObjectId string

param tags object

// Built-in role: AcrPull.
var acrPull = '7f951dff-4718-4d51-a7a3-e5d4bc04ae72'

resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false
  }
}

resource pull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, kubeletObjectId, acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
    principalId: kubeletObjectId
    principalType: 'ServicePrincipal'
  }
}

output loginServer string = registry.properties.loginServer
