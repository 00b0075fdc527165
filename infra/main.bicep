// VpdFunctions on Azure: storage (queues, blobs, tables), a container registry, telemetry, a
// user-assigned managed identity with data-plane roles, and the Functions app on a Container Apps
// environment with a GPU workload profile, scaled by the vpd-expressions queue.
// Deploy: see docs/deploy.md (`az deployment group create ... --parameters infra/main.bicepparam`).

targetScope = 'resourceGroup'

@description('Azure region; it must offer the chosen GPU profile (az containerapp env workload-profile list-supported).')
param location string = resourceGroup().location

@description('Short lowercase name (letters and digits) used in every resource name.')
@minLength(2)
@maxLength(8)
param environmentName string = 'vpd'

@description('GPU workload profile type: serverless T4 (Consumption-GPU-NC8as-T4), serverless A100 (Consumption-GPU-NC24-A100) or dedicated A100 nodes (NC24-A100).')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
  'NC24-A100'
])
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'

@description('Container image of the Functions app. The first deployment uses the public Functions quickstart image because the new registry is still empty; after `az acr build`, redeploy with <registry>.azurecr.io/vpdfunctions:<tag> (main.bicepparam reads it from VPD_DEPLOY_IMAGE).')
param appImage string = 'mcr.microsoft.com/azure-functions/dotnet8-quickstart-demo:1.0'

@description('Fewest GPU replicas; 0 scales to zero (no GPU charge) when the queues are empty.')
@minValue(0)
param minReplicas int = 0

@description('Most GPU replicas; keep it within the subscription\'s serverless GPU quota.')
@minValue(1)
@maxValue(100)
param maxReplicas int = 4

@description('Target vpd-expressions messages (referred objects) per replica before another replica is added.')
@minValue(1)
param expressionMessagesPerReplica int = 16

@description('Extra tags merged into the standard ones.')
param extraTags object = {}

// Names: a per-resource-group token keeps globally unique names (storage, registry) stable across
// redeployments of the same group and distinct between groups.
var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var storageAccountName = take('st${environmentName}${token}', 24)
var registryName = take('cr${environmentName}${token}', 50)
var identityName = 'id-${environmentName}-${token}'
var logAnalyticsName = 'log-${environmentName}-${token}'
var appInsightsName = 'appi-${environmentName}-${token}'
var containerEnvironmentName = 'cae-${environmentName}-${token}'
var appName = 'func-${environmentName}-${token}'

var tags = union(
  {
    project: 'vpdfunctions'
    environment: environmentName
  },
  extraTags
)

// The storage contract of ARCHITECTURE.md ("Blob containers", "Queues", "Tables").
var expressionsQueueName = 'vpd-expressions'
var aggregateQueueName = 'vpd-aggregate'
var queueNames = [
  expressionsQueueName
  '${expressionsQueueName}-poison'
  aggregateQueueName
  '${aggregateQueueName}-poison'
]
var containerNames = [
  'inputs'
  'models'
  'runs'
]
var tableNames = [
  'VpdSamples'
  'VpdRuns'
]

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    logAnalyticsName: logAnalyticsName
    appInsightsName: appInsightsName
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    storageAccountName: storageAccountName
    queueNames: queueNames
    containerNames: containerNames
    tableNames: tableNames
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  params: {
    location: location
    tags: tags
    registryName: registryName
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    location: location
    tags: tags
    identityName: identityName
    storageAccountName: storageAccountName
    registryName: registryName
    appInsightsName: appInsightsName
  }
  // The role assignments are scoped to resources the other modules create (referenced by name).
  dependsOn: [
    monitoring
    storage
    registry
  ]
}

module functionsApp 'modules/functionsApp.bicep' = {
  name: 'functionsApp'
  params: {
    location: location
    tags: tags
    environmentName: containerEnvironmentName
    appName: appName
    logAnalyticsName: logAnalyticsName
    appInsightsName: appInsightsName
    identityName: identityName
    registryName: registryName
    storageAccountName: storageAccountName
    gpuProfileType: gpuProfileType
    image: appImage
    minReplicas: minReplicas
    maxReplicas: maxReplicas
    expressionMessagesPerReplica: expressionMessagesPerReplica
    expressionsQueueName: expressionsQueueName
    aggregateQueueName: aggregateQueueName
    expressionsPoisonQueueName: '${expressionsQueueName}-poison'
  }
  // The identity module grants AcrPull and the storage roles; the first revision needs both.
  dependsOn: [
    identity
  ]
}

@description('Storage account to pass to `vpd enqueue --account` / `vpd metrics --account`.')
output storageAccountName string = storageAccountName

@description('Registry to build the image into (`az acr build --registry`).')
output registryName string = registryName

@description('Login server of the registry (image names start with it).')
output registryLoginServer string = '${registryName}${environment().suffixes.acrLoginServer}'

@description('Name of the Functions container app.')
output appName string = functionsApp.outputs.appName

@description('The app\'s identity-based settings (no secrets: no keys, no connection strings).')
output appSettings array = functionsApp.outputs.appSettings
