// Telemetry: a Log Analytics workspace (the Container Apps environment's logs, through diagnostic
// settings) and a workspace-based Application Insights component (the Functions host's traces).
// Local (key) authentication is off on both, so the instrumentation key inside the Application
// Insights connection string is only an address: ingestion needs an Entra token (the app's identity
// holds Monitoring Metrics Publisher on the component, see identity.bicep).

@description('Azure region of the resources.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Application Insights component.')
param appInsightsName string

resource logs 'Microsoft.OperationalInsights/workspaces@2026-03-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
    features: {
      disableLocalAuth: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}
