// The function app on the Flex Consumption plan (Linux, dotnet-isolated 10.0), running as the user-assigned
// identity. Every connection is identity-based: the host storage (AzureWebJobsStorage__accountName with
// __credential managedidentity and __clientId), the queue triggers (VideoRec__QueueConnection__queueServiceUri),
// Cosmos DB, Azure OpenAI, Event Hubs and the model bundle container. No app setting holds a key or a connection
// string; the Application Insights connection string only names the component, which accepts Entra ID tokens alone.

@description('Azure region.')
param location string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the function app (also its host name).')
param appName string

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('URL of the blob container Flex Consumption deploys the package to.')
param deploymentContainerUrl string

@description('Instance memory (MB): 2048 or 4096. A 4 MB-per-10k-video WALS bundle and ONNX fit 2048.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Ceiling on instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Always-ready instances of the HTTP group, where Recommend runs (Flex scales all HTTP functions together as "http"); 0 scales to zero.')
@minValue(0)
@maxValue(20)
param recommendAlwaysReadyInstances int

@description('Concurrent HTTP requests per instance.')
@minValue(1)
@maxValue(1000)
param httpConcurrency int

@description('App settings of the application (VideoRec__*), added to the host settings built here.')
param applicationSettings object

@description('Storage account of the host (AzureWebJobsStorage__accountName).')
param storageAccountName string

@description('Application Insights connection string (no key: local auth is off on the component).')
param appInsightsConnectionString string

@description('Tags for every resource; azd finds the app by its azd-service-name tag.')
param tags object

var hostSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  AZURE_CLIENT_ID: identityClientId
}

var settings = union(hostSettings, applicationSettings)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        alwaysReady: recommendAlwaysReadyInstances > 0 ? [{ name: 'http', instanceCount: recommendAlwaysReadyInstances }] : []
        triggers: {
          http: {
            perInstanceConcurrency: httpConcurrency
          }
        }
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [for setting in items(settings): { name: setting.key, value: string(setting.value) }]
    }
  }
}

// No publishing passwords: deployments authenticate with Entra ID (az functionapp deployment, azd).
resource ftp 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scm 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('Name of the function app.')
output name string = app.name

@description('Base URL of the app, such as https://name.azurewebsites.net.')
output url string = 'https://${app.properties.defaultHostName}'
