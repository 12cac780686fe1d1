// Azure OpenAI with one embedding deployment (the AzureOpenAI text-embedding generator of shared/VideoRec.Azure).
// A custom subdomain is required for Entra ID tokens; keys are disabled, so callers need Cognitive Services OpenAI
// User (roles.bicep).

@description('Azure region (one that offers the embedding model).')
param location string

@description('Account name, also the custom subdomain of the endpoint.')
@minLength(2)
@maxLength(64)
param name string

@description('Name of the embedding deployment (VideoRec__OpenAIDeployment).')
param deploymentName string

@description('Embedding model name.')
param modelName string

@description('Embedding model version.')
param modelVersion string

@description('Deployment type: Standard (regional) or GlobalStandard.')
@allowed([
  'Standard'
  'GlobalStandard'
])
param deploymentSku string

@description('Capacity in thousands of tokens per minute.')
@minValue(1)
param capacityThousandTokensPerMinute int

@description('Tags for every resource.')
param tags object

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource embedding 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: deploymentName
  sku: {
    name: deploymentSku
    capacity: capacityThousandTokensPerMinute
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: modelName
      version: modelVersion
    }
  }
}

@description('Account name (for role assignments).')
output name string = account.name

@description('Endpoint (VideoRec__OpenAIEndpoint).')
output endpoint string = account.properties.endpoint

@description('Embedding deployment name (VideoRec__OpenAIDeployment).')
output deploymentName string = embedding.name
