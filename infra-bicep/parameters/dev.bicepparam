// A small dev deployment: pay-per-use where Azure allows it, nothing always on.
//   az deployment group create -g rg-videorec-dev -f infra-bicep/main.bicep -p infra-bicep/parameters/dev.bicepparam
using '../main.bicep'

param environmentName = 'dev'

// Function app: scale to zero (the first request after idle pays a cold start of a few seconds).
param recommendAlwaysReadyInstances = 0
param functionInstanceMemoryMB = 2048
param functionMaximumInstances = 40
param httpConcurrency = 16

// Storage: locally redundant is enough for test data.
param storageSku = 'Standard_LRS'

// Cosmos DB serverless: billed per request unit consumed, capped at 5,000 RU/s per partition; a developer's few
// events per second cost cents a day, and there is no provisioned throughput to size.
param cosmosCapacityMode = 'Serverless'
param cosmosZoneRedundant = false

// AI Search basic, 1 replica, 1 partition: 15 GB and a 5 GB vector quota (services created since 2024) hold about
// 400,000 videos with one 1,536-float vector each (6 KiB per vector plus graph overhead), far beyond a test catalogue.
// One replica has no SLA; fine for dev.
param searchSku = 'basic'
param searchReplicas = 1
param searchPartitions = 1

// Azure OpenAI: 30K tokens per minute embeds the 9,742 ML-latest-small titles and tag texts (about 20 tokens each,
// 390K tokens) in about 13 minutes on a first backfill, then keeps up with hand-made upserts.
param embeddingDeploymentSku = 'Standard'
param embeddingCapacity = 30

// Event Hubs: 1 throughput unit (1,000 events/s in), 2 partitions.
param eventHubsThroughputUnits = 1
param eventHubsMaximumThroughputUnits = 0
param eventHubPartitions = 2

param logRetentionDays = 30
