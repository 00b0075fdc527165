// The container registry the GPU host's image is built into (`az acr build`, no local Docker) and
// pulled from by the app's managed identity (AcrPull). The admin user stays disabled: no registry
// password exists anywhere.

@description('Azure region of the registry.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Registry name (5-50 letters and digits).')
@minLength(5)
@maxLength(50)
param registryName string

resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' = {
  name: registryName
  location: location
  tags: tags
  sku: {
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}
