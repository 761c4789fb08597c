// One subscription driftguard watches: a small resource group holding the subscription's Event Grid system topic,
// and the assignment of driftguard's custom role at the subscription (unless a management group holds it).
targetScope = 'subscription'

param location string

@description('Resource group for the system topic in this subscription.')
param resourceGroupName string

@description('Name of the system topic.')
param systemTopicName string

@description('Assign the custom role here (false when the role lives at a management group).')
param assignRole bool

@description('Name (GUID) of driftguard\'s custom role definition.')
param roleDefinitionGuid string

@description('Object id of driftguard\'s managed identity.')
param principalId string

@description('Action group the dead-letter alert notifies.')
param actionGroupId string

@description('Export this subscription\'s Activity Log to driftguard\'s workspace, so that swept drift names its writer; false where the organisation exports it already (a subscription has at most five diagnostic settings).')
param exportActivityLog bool

@description('Resource id of driftguard\'s Log Analytics workspace.')
param workspaceId string

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: resourceGroupName
  location: location
}

module topic 'system-topic.bicep' = {
  name: 'driftguard-system-topic'
  scope: rg
  params: {
    name: systemTopicName
    watchResourceGroup: false
    actionGroupId: actionGroupId
  }
}

resource remediator 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (assignRole) {
  name: guid(subscription().id, principalId, roleDefinitionGuid)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionGuid)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'driftguard remediator'
  }
}

resource activityLog 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (exportActivityLog) {
  name: 'driftguard-activity-log'
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'Administrative'
        enabled: true
      }
    ]
  }
}

output topicPrincipalId string = topic.outputs.principalId
