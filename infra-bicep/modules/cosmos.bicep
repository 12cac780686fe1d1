// Cosmos DB for NoSQL: the feature store and the embedding store of shared/VideoRec.Azure/Cosmos. The containers,
// partition keys, time to live and indexing policies below are the ones CosmosDocuments.Containers and
// CosmosEmbeddingDocuments.Containers define (tests/VideoRec.Deployment.Tests compares them), because the app, which
// authenticates with its managed identity, cannot create containers itself: data-plane RBAC has no control-plane rights.
// Keys are disabled (disableLocalAuth): the identity's Cosmos DB Built-in Data Contributor role (roles.bicep) is the
// only way in.

@description('Azure region.')
param location string

@description('Account name (3-44 lower-case letters, digits and hyphens).')
@minLength(3)
@maxLength(44)
param accountName string

@description('Database name (VideoRec__CosmosDatabase).')
param databaseName string

@description('Serverless (pay per request; dev and bursty low volume) or Autoscale (provisioned RU/s shared by the database).')
@allowed([
  'Serverless'
  'Autoscale'
])
param capacityMode string

@description('Autoscale maximum RU/s of the database when capacityMode is Autoscale (it scales between 10% of this and this).')
@minValue(1000)
param autoscaleMaxThroughput int

@description('Zone-redundant replicas in the region (production).')
param zoneRedundant bool

@description('Tags for every resource.')
param tags object

// Per-user documents (raw interactions with their own ttl, aggregates, vector, profile, search embeddings) share
// /userId so that one user's interaction and aggregate writes form one transactional batch. defaultTtl -1 turns TTL
// on without expiring anything by default: raw interactions carry ttl (180 days, CosmosFeatureStoreOptions.
// InteractionTimeToLive) and the other documents none. Vectors, aggregates, profiles and free text are large and
// never filtered on, so they are excluded from the index; so is the etag.
var containers = [
  {
    name: 'userState'
    partitionKey: '/userId'
    defaultTtl: -1
    excludedPaths: ['/vector/*', '/aggregates/*', '/profile/*', '/text/?', '/location/*', '/device/?']
    compositeIndexes: [['/timestamp', '/eventId']]
  }
  {
    name: 'videoState'
    partitionKey: '/videoId'
    defaultTtl: -1
    excludedPaths: ['/statistics/*']
    compositeIndexes: []
  }
  {
    name: 'catalogue'
    partitionKey: '/videoId'
    defaultTtl: null
    excludedPaths: []
    compositeIndexes: []
  }
  {
    name: 'deletions'
    partitionKey: '/userId'
    defaultTtl: null
    excludedPaths: []
    compositeIndexes: []
  }
  {
    name: 'videoEmbeddings'
    partitionKey: '/videoId'
    defaultTtl: null
    excludedPaths: ['/vector/?', '/textHash/?', '/modelId/?', '/dimensions/?']
    compositeIndexes: []
  }
  {
    name: 'queryEmbeddings'
    partitionKey: '/id'
    defaultTtl: -1
    excludedPaths: ['/vector/?', '/key/?', '/dimensions/?', '/kind/?', '/ttl/?']
    compositeIndexes: []
  }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: zoneRedundant
      }
    ]
    capabilities: capacityMode == 'Serverless' ? [{ name: 'EnableServerless' }] : []
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    options: capacityMode == 'Autoscale' ? { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } } : {}
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for container in containers: {
    parent: database
    name: container.name
    properties: {
      resource: {
        id: container.name
        partitionKey: {
          paths: [container.partitionKey]
          kind: 'Hash'
          version: 2
        }
        defaultTtl: container.defaultTtl
        indexingPolicy: {
          automatic: true
          indexingMode: 'consistent'
          includedPaths: [{ path: '/*' }]
          excludedPaths: map(concat(container.excludedPaths, ['/"_etag"/?']), path => { path: path })
          compositeIndexes: map(container.compositeIndexes, composite => map(composite, path => { path: path, order: 'ascending' }))
        }
      }
    }
  }
]

@description('Account name (for the data-plane role assignment).')
output accountName string = account.name

@description('Account endpoint (VideoRec__CosmosEndpoint).')
output endpoint string = account.properties.documentEndpoint

@description('The container names, as created.')
output containerNames array = [for (container, i) in containers: sqlContainers[i].name]
