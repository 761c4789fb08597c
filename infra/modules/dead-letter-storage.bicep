// Where Event Grid puts the events it gave up on: a storage account of its own, on which driftguard's identity holds no
// role. The dead letters are the record of writes driftguard never evaluated, so a subverted function must not be able
// to read, rewrite or delete them; only each system topic's identity may write here (dead-letter-access.bicep).
targetScope = 'resourceGroup'

param location string

@description('Tags of every resource this module creates: main.bicep\'s tags parameter with the install\'s driftguard-install tag.')
param tags object

@description('Prefix of every name.')
param namePrefix string

@description('Makes the globally unique name unique (uniqueString of the subscription and prefix, 13 characters).')
param suffix string

var deadLetterContainerName = 'deadletter'

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: '${take('stdl${toLower(replace(namePrefix, '-', ''))}', 11)}${suffix}'
  tags: tags
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: deadLetterContainerName
  properties: {
    publicAccess: 'None'
  }
}

output storageAccountName string = storage.name
output storageAccountId string = storage.id
output containerName string = deadLetterContainer.name
