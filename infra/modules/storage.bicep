// The storage account the whole pipeline runs on: queues (work and its poison queues), blob
// containers (inputs, models, runs) and tables (per-sentence samples, per-run results).
// Keys are disabled: every client (the Functions host, the app, the scaler, the `vpd` CLI)
// authenticates with Microsoft Entra ID and is authorised by data-plane roles.

@description('Azure region of the account.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param storageAccountName string

@description('Queues to create (including the poison queues, so no client ever needs to create one).')
param queueNames string[]

@description('Blob containers to create (private).')
param containerNames string[]

@description('Tables to create.')
param tableNames string[]

resource storage 'Microsoft.Storage/storageAccounts@2026-06-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    // Reachable from the internet so that `vpd enqueue --account` works from a workstation; access
    // still needs an Entra identity with a data role on this account (there are no keys to leak).
    publicNetworkAccess: 'Enabled'
  }

  resource blobService 'blobServices' = {
    name: 'default'

    resource containers 'containers' = [
      for name in containerNames: {
        name: name
        properties: {
          publicAccess: 'None'
        }
      }
    ]
  }

  resource queueService 'queueServices' = {
    name: 'default'

    resource queues 'queues' = [
      for name in queueNames: {
        name: name
      }
    ]
  }

  resource tableService 'tableServices' = {
    name: 'default'

    resource tables 'tables' = [
      for name in tableNames: {
        name: name
      }
    ]
  }
}
