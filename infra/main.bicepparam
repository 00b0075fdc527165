using 'main.bicep'

// Serverless T4 by default: the cheapest GPU that holds the full VPD model in float32 (16 GB).
// For A100: VPD_DEPLOY_GPU_PROFILE=Consumption-GPU-NC24-A100 (runs on it are worth enqueueing with --dtype bfloat16).
param environmentName = 'vpd'
param gpuProfileType = readEnvironmentVariable('VPD_DEPLOY_GPU_PROFILE', 'Consumption-GPU-NC8as-T4')

// The first deployment runs before any image exists in the new registry, so it uses the public
// Functions quickstart image; afterwards set VPD_DEPLOY_IMAGE=<registry>.azurecr.io/vpdfunctions:<tag>
// (docs/deploy.md), so that redeploying never rolls the app back to the placeholder by accident.
param appImage = readEnvironmentVariable('VPD_DEPLOY_IMAGE', 'mcr.microsoft.com/azure-functions/dotnet8-quickstart-demo:1.0')

param minReplicas = 0
param maxReplicas = 4
param expressionMessagesPerReplica = 16
