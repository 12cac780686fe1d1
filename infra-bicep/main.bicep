// VideoRec on Azure: the function app (Flex Consumption) over Storage queues, Cosmos DB, Azure AI Search, Azure OpenAI
// and Event Hubs, all reached with one user-assigned managed identity and no keys. Deploy into a resource group:
//   az deployment group create -g <group> -f infra-bicep/main.bicep -p infra-bicep/parameters/dev.bicepparam
// Sizing lives in the parameter files (parameters/dev.bicepparam, parameters/prod.bicepparam), which explain it.
targetScope = 'resourceGroup'

@description('Short environment name (dev, prod); part of every resource name.')
@minLength(2)
@maxLength(8)
param environmentName string

@description('Azure region of every resource but Azure OpenAI.')
param location string = resourceGroup().location

@description('Region of Azure OpenAI (one that offers the embedding model and deployment type).')
param openAILocation string = location

// Function app
@description('Function app instance memory (MB).')
@allowed([
  512
  2048
  4096
])
param functionInstanceMemoryMB int = 2048

@description('Ceiling on function app instances.')
param functionMaximumInstances int = 100

@description('Always-ready instances for Recommend (the HTTP scale group); 0 lets it scale to zero.')
param recommendAlwaysReadyInstances int = 0

@description('Concurrent HTTP requests per instance.')
param httpConcurrency int = 16

@description('Local folder the model-publish timer downloads bundles to (instance temp storage).')
param modelCachePath string = '/tmp/videorec/models'

// Storage
@description('Storage replication.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_LRS'

// Cosmos DB
@description('Cosmos DB capacity mode: Serverless or Autoscale.')
@allowed([
  'Serverless'
  'Autoscale'
])
param cosmosCapacityMode string = 'Serverless'

@description('Autoscale maximum RU/s of the database (Autoscale only).')
param cosmosAutoscaleMaxThroughput int = 1000

@description('Zone-redundant Cosmos DB (production).')
param cosmosZoneRedundant bool = false

// AI Search
@description('AI Search tier.')
@allowed([
  'basic'
  'standard'
  'standard2'
  'standard3'
  'storage_optimized_l1'
  'storage_optimized_l2'
])
param searchSku string = 'basic'

@description('AI Search replicas.')
param searchReplicas int = 1

@description('AI Search partitions.')
param searchPartitions int = 1

// Azure OpenAI
@description('Embedding model.')
param embeddingModelName string = 'text-embedding-3-small'

@description('Embedding model version.')
param embeddingModelVersion string = '1'

@description('Embedding deployment type.')
@allowed([
  'Standard'
  'GlobalStandard'
])
param embeddingDeploymentSku string = 'Standard'

@description('Embedding deployment capacity, thousands of tokens per minute.')
param embeddingCapacity int = 30

@description('Embedding length the app asks for (VideoRec__OpenAIDimensions).')
param embeddingDimensions int = 1536

// Event Hubs
@description('Event Hubs throughput units.')
param eventHubsThroughputUnits int = 1

@description('Event Hubs auto-inflate ceiling (0: off).')
param eventHubsMaximumThroughputUnits int = 0

@description('Event hub partitions.')
param eventHubPartitions int = 2

// Monitoring
@description('Log Analytics retention in days.')
param logRetentionDays int = 30

@description('Tags for every resource.')
param tags object = {}

var suffix = uniqueString(subscription().id, resourceGroup().id, environmentName)
var prefix = 'vrec-${environmentName}'
var allTags = union(tags, { application: 'videorec', environment: environmentName, 'azd-env-name': environmentName })

// Names the app and the bindings share.
var eventQueue = 'events'
var embeddingQueue = 'embedding-refresh'
var modelContainer = 'models'
var cosmosDatabase = 'videorec'
var embeddingDeployment = 'embeddings'
var eventHubName = 'interactions'

// Resource names, known before deployment so that the role assignments and What-If can name every resource.
var names = {
  identity: '${prefix}-id'
  appInsights: '${prefix}-appi'
  workspace: '${prefix}-logs'
  storage: take('vrec${environmentName}${suffix}', 24)
  cosmos: '${prefix}-cosmos-${suffix}'
  search: '${prefix}-search-${suffix}'
  openAI: '${prefix}-openai-${suffix}'
  eventHubs: '${prefix}-ehns-${suffix}'
  plan: '${prefix}-plan'
  functionApp: '${prefix}-func-${suffix}'
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    location: location
    name: names.identity
    tags: allTags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    retentionInDays: logRetentionDays
    tags: allTags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: names.storage
    skuName: storageSku
    deploymentContainerName: 'app-package'
    modelContainerName: modelContainer
    queueNames: [eventQueue, '${eventQueue}-poison', embeddingQueue, '${embeddingQueue}-poison']
    tags: allTags
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    location: location
    accountName: names.cosmos
    databaseName: cosmosDatabase
    capacityMode: cosmosCapacityMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    zoneRedundant: cosmosZoneRedundant
    tags: allTags
  }
}

module search 'modules/search.bicep' = {
  name: 'search'
  params: {
    location: location
    name: names.search
    skuName: searchSku
    replicaCount: searchReplicas
    partitionCount: searchPartitions
    tags: allTags
  }
}

module openAI 'modules/openai.bicep' = {
  name: 'openai'
  params: {
    location: openAILocation
    name: names.openAI
    deploymentName: embeddingDeployment
    modelName: embeddingModelName
    modelVersion: embeddingModelVersion
    deploymentSku: embeddingDeploymentSku
    capacityThousandTokensPerMinute: embeddingCapacity
    tags: allTags
  }
}

module eventHubs 'modules/eventhubs.bicep' = {
  name: 'eventhubs'
  params: {
    location: location
    namespaceName: names.eventHubs
    hubName: eventHubName
    throughputUnits: eventHubsThroughputUnits
    maximumThroughputUnits: eventHubsMaximumThroughputUnits
    partitionCount: eventHubPartitions
    retentionInDays: 1
    tags: allTags
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    identityName: names.identity
    storageAccountName: names.storage
    cosmosAccountName: names.cosmos
    searchServiceName: names.search
    openAIAccountName: names.openAI
    eventHubsNamespaceName: names.eventHubs
    appInsightsName: names.appInsights
  }
  // The modules create what the role assignments name.
  dependsOn: [
    identity
    monitoring
    storage
    cosmos
    search
    openAI
    eventHubs
  ]
}

// The settings FunctionSettings reads (section VideoRec): the Azure adapters, each with the identity.
var applicationSettings = {
  VideoRec__ModelPath: modelCachePath
  VideoRec__ModelSource: 'Blob'
  VideoRec__ModelContainerUri: storage.outputs.modelContainerUrl
  VideoRec__Store: 'Cosmos'
  VideoRec__CosmosEndpoint: cosmos.outputs.endpoint
  VideoRec__CosmosDatabase: cosmosDatabase
  VideoRec__Queue: 'StorageQueue'
  VideoRec__EventQueue: eventQueue
  VideoRec__EmbeddingQueue: embeddingQueue
  VideoRec__QueueConnection__queueServiceUri: storage.outputs.queueEndpoint
  VideoRec__QueueConnection__credential: 'managedidentity'
  VideoRec__QueueConnection__clientId: identity.outputs.clientId
  VideoRec__Embeddings: 'AzureOpenAI'
  VideoRec__OpenAIEndpoint: openAI.outputs.endpoint
  VideoRec__OpenAIDeployment: openAI.outputs.deploymentName
  VideoRec__OpenAIDimensions: embeddingDimensions
  VideoRec__VectorIndex: 'AzureSearch'
  VideoRec__SearchEndpoint: search.outputs.endpoint
  VideoRec__SearchIndex: 'videos'
  VideoRec__EventHubNamespace: eventHubs.outputs.fullyQualifiedNamespace
  VideoRec__EventHubName: eventHubs.outputs.hubName
  VideoRec__EventHubConnection__fullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
  VideoRec__EventHubConnection__credential: 'managedidentity'
  VideoRec__EventHubConnection__clientId: identity.outputs.clientId
  VideoRec__ManagedIdentityClientId: identity.outputs.clientId
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    location: location
    planName: names.plan
    appName: names.functionApp
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    instanceMemoryMB: functionInstanceMemoryMB
    maximumInstanceCount: functionMaximumInstances
    recommendAlwaysReadyInstances: recommendAlwaysReadyInstances
    httpConcurrency: httpConcurrency
    applicationSettings: applicationSettings
    storageAccountName: storage.outputs.name
    appInsightsConnectionString: monitoring.outputs.connectionString
    tags: allTags
  }
  // The host reads its storage and the triggers their queues as soon as the app starts: grant first.
  dependsOn: [
    roles
  ]
}

@description('Function app name (az functionapp deployment source config-zip --name).')
output functionAppName string = functionApp.outputs.name

@description('Base URL of the API.')
output apiUrl string = '${functionApp.outputs.url}/api'

@description('Storage account of the host, queues and model bundles.')
output storageAccountName string = storage.outputs.name

@description('Container to upload model bundles to (CURRENT and <version>/...).')
output modelContainerUrl string = storage.outputs.modelContainerUrl

@description('Queue endpoint.')
output queueEndpoint string = storage.outputs.queueEndpoint

@description('Cosmos DB endpoint.')
output cosmosEndpoint string = cosmos.outputs.endpoint

@description('AI Search endpoint.')
output searchEndpoint string = search.outputs.endpoint

@description('Azure OpenAI endpoint.')
output openAIEndpoint string = openAI.outputs.endpoint

@description('Azure OpenAI embedding deployment.')
output openAIDeployment string = openAI.outputs.deploymentName

@description('Event Hubs namespace for high-volume producers.')
output eventHubsNamespace string = eventHubs.outputs.fullyQualifiedNamespace

@description('Event hub name.')
output eventHubName string = eventHubs.outputs.hubName

@description('Client id of the managed identity (AZURE_CLIENT_ID).')
output managedIdentityClientId string = identity.outputs.clientId
