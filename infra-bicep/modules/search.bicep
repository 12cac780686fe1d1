// Azure AI Search for the catalogue index (title, tags and their embeddings). Keys are disabled: the app queries and
// writes the index with its identity (Search Index Data Contributor, roles.bicep). SKU, replicas and partitions are
// parameters; the parameter files explain how the catalogue size picks them.

@description('Azure region.')
param location string

@description('Service name (2-60 lower-case letters, digits and hyphens).')
@minLength(2)
@maxLength(60)
param name string

@description('Pricing tier.')
@allowed([
  'basic'
  'standard'
  'standard2'
  'standard3'
  'storage_optimized_l1'
  'storage_optimized_l2'
])
param skuName string

@description('Replicas: query throughput and availability (2 for the read SLA, 3 for the read-write SLA).')
@minValue(1)
@maxValue(12)
param replicaCount int

@description('Partitions: index storage and vector quota (1, 2, 3, 4, 6 or 12).')
@allowed([
  1
  2
  3
  4
  6
  12
])
param partitionCount int

@description('Tags for every resource.')
param tags object

resource search 'Microsoft.Search/searchServices@2023-11-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
  }
  properties: {
    replicaCount: replicaCount
    partitionCount: partitionCount
    hostingMode: 'default'
    disableLocalAuth: true
    publicNetworkAccess: 'enabled'
  }
}

@description('Service name (for role assignments).')
output name string = search.name

@description('Endpoint, such as https://name.search.windows.net.')
output endpoint string = 'https://${search.name}.search.windows.net'
