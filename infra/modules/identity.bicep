// The Functions app's user-assigned managed identity and exactly the roles it needs, each scoped to
// the one resource it is for (never the resource group):
//   storage account  Storage Blob Data Contributor   inputs/models/runs blobs; the Functions host's
//                                                    own lease and key blobs (azure-webjobs-*)
//                    Storage Queue Data Contributor  see below
//                    Storage Table Data Contributor  VpdSamples / VpdRuns upserts and reads
//   registry         AcrPull                         pulls the app image
//   App Insights     Monitoring Metrics Publisher    telemetry ingestion with an Entra token
//                                                    (the component has local auth disabled)
// Queue role: Storage Queue Data Message Processor + Message Sender would cover receiving, deleting
// and sending messages, but not the queue-level operations the platform performs: reading a queue's
// properties (the approximate message count the queue trigger and the KEDA scaler poll) and creating
// a queue (the host's poison path adds to `<queue>-poison` and creates it when missing; the app may
// call CreateIfNotExists on start). Storage Queue Data Contributor is the one built-in role that
// covers all of it. Its extra power (deleting queues) is limited to this account, which holds
// nothing but this app's queues.

@description('Azure region of the identity.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the user-assigned managed identity.')
param identityName string

@description('Name of the storage account (already deployed).')
param storageAccountName string

@description('Name of the container registry (already deployed).')
param registryName string

@description('Name of the Application Insights component (already deployed).')
param appInsightsName string

// Built-in role definition ids (the same in every tenant).
var roleIds = {
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

var storageRoleIds = [
  roleIds.storageBlobDataContributor
  roleIds.storageQueueDataContributor
  roleIds.storageTableDataContributor
]

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: identityName
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2026-06-01' existing = {
  name: storageAccountName
}

resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' existing = {
  name: registryName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoleIds: {
    name: guid(storage.id, identity.id, roleId)
    scope: storage
    properties: {
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]

resource registryPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, roleIds.acrPull)
  scope: registry
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.acrPull)
  }
}

resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roleIds.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
  }
}
