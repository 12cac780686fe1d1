// Log Analytics workspace and a workspace-based Application Insights component. Local (instrumentation key)
// authentication is off: telemetry is accepted only from the managed identity (Monitoring Metrics Publisher,
// granted in roles.bicep), so the connection string in the app settings is an address, not a secret.

@description('Azure region.')
param location string

@description('Name of the Log Analytics workspace.')
param workspaceName string

@description('Name of the Application Insights component.')
param appInsightsName string

@description('Days Log Analytics keeps data (30 is the free retention).')
@minValue(30)
@maxValue(730)
param retentionInDays int

@description('Tags for every resource.')
param tags object

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

@description('Name of the Application Insights component (for role assignments).')
output appInsightsName string = appInsights.name

@description('Connection string of the component (instrumentation key and ingestion endpoint; useless without the identity since local auth is off).')
output connectionString string = appInsights.properties.ConnectionString
