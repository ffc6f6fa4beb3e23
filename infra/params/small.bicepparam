// Small: trying it out. Up to 2 spot T4 nodes (1 GPU each), scaling to zero when idle;
// a Basic C0 cache; locally redundant storage.
using '../main.bicep'

param prefix = 'bamsmall'
param systemVmSize = 'Standard_D4ds_v5'
param systemNodeCount = 1
param gpuVmSize = 'Standard_NC4as_T4_v3'
param gpuMinCount = 0
param gpuMaxCount = 2
param spotMaxPrice = '-1'
param gpuOsDiskSizeGB = 128
// Account keys on: today's bam-silo and bam reach Azure Blob only through a connection string
// ($BAM_STORAGE_CONNECTION_STRING). Set false (identity only, main.bicep's default) once they
// take the account URL with workload identity; the silos' role assignment is already in place.
param allowSharedKeyAccess = true
param storageSku = 'Standard_LRS'
param redisSku = 'Basic'
param redisCapacity = 0
param deployRegistry = false
