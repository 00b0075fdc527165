using 'main.bicep'

// Serverless T4 by default: the cheapest GPU that fits the full VPD model in float32 (16 GB).
// For A100: gpuProfileType = 'Consumption-GPU-NC24-A100' and vpdDtype = 'bfloat16'.
param environmentName = 'vpd'
param gpuProfileType = 'Consumption-GPU-NC8as-T4'
param minReplicas = 0
param maxReplicas = 4
param expressionMessagesPerReplica = 16
param vpdDtype = 'float32'
