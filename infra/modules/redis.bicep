// Azure Cache for Redis: the Orleans membership table. TLS only (port 6380), non-TLS port off.
// Clients authenticate with an access key, which the operator copies into a Kubernetes secret
// (docs/deploy-azure.md); no key ever appears in this deployment's outputs.

param name string
param location string

@description('Basic, Standard (replicated, SLA) or Premium.')
@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param skuName string

@description('Cache size within the tier (C0..C6 for Basic/Standard, P1..P5 for Premium).')
@minValue(0)
param capacity int

param tags object

resource redis 'Microsoft.Cache/redis@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: skuName
      family: skuName == 'Premium' ? 'P' : 'C'
      capacity: capacity
    }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    redisVersion: '6'
  }
}

output hostName string = redis.properties.hostName
output sslPort int = redis.properties.sslPort
output name string = redis.name
