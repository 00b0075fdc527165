// The Container Apps environment with a GPU workload profile, and the Functions app running in it
// as a container app of kind `functionapp` (Azure Functions on Container Apps).
//
// Scaling: for kind `functionapp` the platform normally derives KEDA rules from the functions'
// triggers and blocks user-supplied rules. This template sets `allowScalingRuleOverride` (API
// 2026-07-01) and states the rules itself, so that what scales the GPU replicas is explicit,
// reviewable and tested: one azure-queue rule per queue a function listens on, each authenticated
// with the app's managed identity (the account has no keys). The rules must stay in step with the
// triggers in src/VpdFunctions: a new queue trigger needs a rule here, or nothing wakes a replica
// for its messages when the app has scaled to zero. To hand scaling back to the platform, remove
// `allowScalingRuleOverride` and `rules`.

@description('Azure region of the environment and app.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the Container Apps environment.')
param environmentName string

@description('Name of the Functions container app.')
param appName string

@description('Name of the Log Analytics workspace that receives the environment\'s logs.')
param logAnalyticsName string

@description('Name of the Application Insights component the Functions host reports to.')
param appInsightsName string

@description('Name of the app\'s user-assigned managed identity.')
param identityName string

@description('Name of the container registry the image is pulled from.')
param registryName string

@description('Name of the storage account holding the queues, blobs and tables.')
param storageAccountName string

@description('GPU workload profile type: serverless T4 or A100, or dedicated A100 nodes.')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
  'NC24-A100'
])
param gpuProfileType string

@description('Container image of the Functions app.')
param image string

@description('Fewest replicas (0 lets the GPU host scale to zero when the queues are empty).')
@minValue(0)
param minReplicas int

@description('Most replicas (bounded by the subscription\'s GPU quota).')
@minValue(1)
param maxReplicas int

@description('Target number of vpd-expressions messages per replica.')
@minValue(1)
param expressionMessagesPerReplica int

@description('Queue of per-object segmentation work (SegmentExpression).')
param expressionsQueueName string

@description('Queue of run aggregation checks (AggregateRun).')
param aggregateQueueName string

@description('Poison queue of the expressions queue (its handler records failed sentences).')
param expressionsPoisonQueueName string

// Replica size per profile. Serverless GPU replicas take the whole profile (T4: 8 vCPU / 56 GiB,
// A100: 24 vCPU / 220 GiB); a dedicated NC24-A100 node keeps some room for the node's own agents,
// so its replica asks for less (an estimate, not verified on Azure).
var replicaSizes = {
  'Consumption-GPU-NC8as-T4': {
    cpu: '8.0'
    memory: '56Gi'
  }
  'Consumption-GPU-NC24-A100': {
    cpu: '24.0'
    memory: '220Gi'
  }
  'NC24-A100': {
    cpu: '22.0'
    memory: '200Gi'
  }
}
var isDedicatedProfile = !startsWith(gpuProfileType, 'Consumption-')
var gpuProfileName = 'gpu'
var modelCachePath = '/var/cache/vpd-models'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource logs 'Microsoft.OperationalInsights/workspaces@2026-03-01' existing = {
  name: logAnalyticsName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource environment 'Microsoft.App/managedEnvironments@2026-07-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    // Logs go through diagnostic settings (below) rather than 'log-analytics', which would need the
    // workspace's shared key in this template.
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
      {
        name: gpuProfileName
        workloadProfileType: gpuProfileType
        // Only dedicated profiles have a node count; serverless GPU profiles scale per replica.
        minimumCount: isDedicatedProfile ? 0 : null
        maximumCount: isDedicatedProfile ? maxReplicas : null
      }
    ]
  }
}

// 2021-05-01-preview is the newest diagnosticSettings version; the linter proposes 2016-09-01, whose
// type is a different (service-level) resource that cannot target the environment.
#disable-next-line use-recent-api-versions
resource environmentLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs-to-workspace'
  scope: environment
  properties: {
    workspaceId: logs.id
    logs: [
      {
        category: 'ContainerAppConsoleLogs'
        enabled: true
      }
      {
        category: 'ContainerAppSystemLogs'
        enabled: true
      }
    ]
  }
}

// Identity-based connection settings: the Functions host and the app's Azure clients read the
// `AzureWebJobsStorage` connection from these (no connection string, no key).
var storageSettings = [
  {
    name: 'AzureWebJobsStorage__accountName'
    value: storageAccountName
  }
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
  {
    name: 'AzureWebJobsStorage__clientId'
    value: identity.properties.clientId
  }
  {
    name: 'AzureWebJobsStorage__blobServiceUri'
    value: 'https://${storageAccountName}.blob.${az.environment().suffixes.storage}'
  }
  {
    name: 'AzureWebJobsStorage__queueServiceUri'
    value: 'https://${storageAccountName}.queue.${az.environment().suffixes.storage}'
  }
  {
    name: 'AzureWebJobsStorage__tableServiceUri'
    value: 'https://${storageAccountName}.table.${az.environment().suffixes.storage}'
  }
  {
    // DefaultAzureCredential in the app's own code picks the user-assigned identity by this.
    name: 'AZURE_CLIENT_ID'
    value: identity.properties.clientId
  }
]

var workerSettings = [
  {
    name: 'FUNCTIONS_WORKER_RUNTIME'
    value: 'dotnet-isolated'
  }
  {
    // The device belongs to the host: the worker runs every model here, and refuses to start if it sees no GPU.
    // The dtype belongs to the run (vpd enqueue --dtype), so it is not a host setting.
    name: 'VPD_DEVICE'
    value: 'cuda'
  }
  {
    name: 'VPD_MODEL_CACHE'
    value: modelCachePath
  }
]

// Application Insights: the connection string names the component and its ingestion endpoint; with
// local auth disabled on the component it grants nothing by itself, so it is a plain setting (never
// a template output). The authentication string makes the SDK send Entra tokens of the identity.
var telemetrySettings = [
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: appInsights.properties.ConnectionString
  }
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
    value: 'ClientId=${identity.properties.clientId};Authorization=AAD'
  }
]

resource app 'Microsoft.App/containerApps@2026-07-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'functionapp'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    managedEnvironmentId: environment.id
    workloadProfileName: gpuProfileName
    configuration: {
      activeRevisionsMode: 'Single'
      // No ingress: every function is queue-triggered, so nothing needs to reach the app.
      registries: [
        {
          server: '${registryName}${az.environment().suffixes.acrLoginServer}'
          identity: identity.id
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'functions'
          image: image
          resources: {
            cpu: json(replicaSizes[gpuProfileType].cpu)
            memory: replicaSizes[gpuProfileType].memory
          }
          env: concat(workerSettings, storageSettings, telemetrySettings)
          volumeMounts: [
            {
              volumeName: 'model-cache'
              mountPath: modelCachePath
            }
          ]
        }
      ]
      // Downloaded models (verified by hash) live for the replica's lifetime.
      volumes: [
        {
          name: 'model-cache'
          storageType: 'EmptyDir'
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        allowScalingRuleOverride: true
        rules: [
          {
            name: 'expressions-backlog'
            azureQueue: {
              accountName: storageAccountName
              queueName: expressionsQueueName
              queueLength: expressionMessagesPerReplica
              identity: identity.id
            }
          }
          {
            // A pending aggregation check (it is enqueued with a visibility delay) keeps or brings
            // one replica up, so a run is finalised even after its expressions have drained.
            name: 'aggregate-pending'
            azureQueue: {
              accountName: storageAccountName
              queueName: aggregateQueueName
              queueLength: 1
              identity: identity.id
            }
          }
          {
            // Poisoned messages are turned into failed sentences by a function; wake it for them.
            name: 'expressions-poisoned'
            azureQueue: {
              accountName: storageAccountName
              queueName: expressionsPoisonQueueName
              queueLength: 1
              identity: identity.id
            }
          }
        ]
      }
    }
  }
}

@description('Name of the Functions container app.')
output appName string = app.name

@description('The app\'s identity-based storage and worker settings (no secrets), for a local Functions host or scripts.')
output appSettings array = concat(storageSettings, workerSettings)
