// Large: up to 16 spot A100 nodes (1 GPU each), two system nodes, a replicated Standard C1
// cache, zone-redundant storage and a registry for the silo image. Needs spot quota of
// 16 x 24 = 384 vCPUs in the NCADS_A100_v4 family (docs/deploy-azure.md).
using '../main.bicep'

param prefix = 'bamlarge'
param systemVmSize = 'Standard_D4ds_v5'
param systemNodeCount = 2
param gpuVmSize = 'Standard_NC24ads_A100_v4'
param gpuMinCount = 0
param gpuMaxCount = 16
param spotMaxPrice = '-1'
param gpuOsDiskSizeGB = 256
// Account keys on: today's bam-silo and bam reach Azure Blob only through a connection string
// ($BAM_STORAGE_CONNECTION_STRING). Set false (identity only, main.bicep's default) once they
// take the account URL with workload identity; the silos' role assignment is already in place.
param allowSharedKeyAccess = true
param storageSku = 'Standard_ZRS'
param softDeleteDays = 14
param redisSku = 'Standard'
param redisCapacity = 1
param deployRegistry = true
