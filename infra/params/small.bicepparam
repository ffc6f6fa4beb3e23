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
param storageSku = 'Standard_LRS'
param redisSku = 'Basic'
param redisCapacity = 0
param deployRegistry = false
