// driftguard's identity on its own storage account: the Functions host (blobs, queues) and the audit and flapping
// tables. Each assignment is named after the principal: a recreated app (same resource id, new identity) gets new
// assignments instead of colliding with the old ones.
targetScope = 'resourceGroup'

@description('driftguard\'s storage account.')
param storageAccountName string

@description('Object id of driftguard\'s managed identity.')
param principalId string

@description('Built-in role definition ids to assign on the account.')
param roleIds array

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource storageAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in roleIds: {
  name: guid(storage.id, principalId, roleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]
