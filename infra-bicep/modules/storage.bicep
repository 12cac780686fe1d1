// The function app's storage account: the Flex Consumption deployment container, the model bundle container the
// publish timer watches, and the ingestion and embedding-refresh queues with their poison queues. Shared-key access
// is disabled: the host (AzureWebJobsStorage__*), the queue triggers and the model bundle source all use the managed
// identity.

@description('Azure region.')
param location string

@description('Storage account name (3-24 lower-case letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Replication: Standard_LRS for dev, Standard_ZRS for production (zone-redundant queues survive a zone loss).')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param skuName string

@description('Blob container Flex Consumption deploys the app package to.')
param deploymentContainerName string

@description('Blob container holding model bundles: CURRENT (the version to serve) and <version>/<file>.')
param modelContainerName string

@description('Queue names: the ingestion queue, the embedding-refresh queue and their -poison queues.')
param queueNames array

@description('Tags for every resource.')
param tags object

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource modelContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: modelContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

@description('Storage account name (AzureWebJobsStorage__accountName).')
output name string = storage.name

@description('Blob endpoint, such as https://account.blob.core.windows.net/.')
output blobEndpoint string = storage.properties.primaryEndpoints.blob

@description('Queue endpoint (VideoRec__QueueConnection__queueServiceUri).')
output queueEndpoint string = storage.properties.primaryEndpoints.queue

@description('URL of the deployment container.')
output deploymentContainerUrl string = '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'

@description('URL of the model bundle container (VideoRec__ModelContainerUri).')
output modelContainerUrl string = '${storage.properties.primaryEndpoints.blob}${modelContainer.name}'
