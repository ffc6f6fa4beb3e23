// The silos' user-assigned managed identity, trusted for one Kubernetes service account through a
// federated credential on the cluster's OIDC issuer (AKS workload identity).

param name string
param location string

@description('The AKS cluster\'s OIDC issuer URL.')
param oidcIssuerUrl string

@description('Namespace of the silos\' service account.')
param serviceAccountNamespace string

@description('Name of the silos\' service account.')
param serviceAccountName string

param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

resource federated 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2024-11-30' = {
  parent: identity
  name: 'aks-${serviceAccountNamespace}-${serviceAccountName}'
  properties: {
    issuer: oidcIssuerUrl
    subject: 'system:serviceaccount:${serviceAccountNamespace}:${serviceAccountName}'
    audiences: [
      'api://AzureADTokenExchange'
    ]
  }
}

output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
output tenantId string = identity.properties.tenantId
