// The one user-assigned managed identity the function app runs as: every data-plane call (storage, Cosmos DB,
// AI Search, Azure OpenAI, Event Hubs, Application Insights) authenticates with it, so no key is ever handed out.

@description('Azure region.')
param location string

@description('Name of the identity.')
param name string

@description('Tags for every resource.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id (the function app attaches it and the storage deployment container authenticates with it).')
output id string = identity.id

@description('Client id (the AZURE_CLIENT_ID of DefaultAzureCredential and the __clientId of identity-based connections).')
output clientId string = identity.properties.clientId

@description('Principal (object) id, the subject of every role assignment.')
output principalId string = identity.properties.principalId

@description('Name of the identity.')
output name string = identity.name
