// One subscription driftguard watches: a small resource group holding the subscription's Event Grid system topic,
// and the assignment of driftguard's custom role at the subscription (also when the role is defined at a management group).
targetScope = 'subscription'

param location string

@description('Resource group for the system topic in this subscription.')
param resourceGroupName string

@description('Tags of the resource group and the topic: main.bicep\'s tags parameter with the install\'s driftguard-install tag, which infra/remove.sh checks before deleting the group.')
param tags object

@description('Name of the system topic.')
param systemTopicName string

@description('Assign the custom role here: false only on the first pass of a management-group deployment, before infra/deploy.sh defines the role at the group.')
param assignRole bool

@description('Name (GUID) of driftguard\'s custom role definition.')
param roleDefinitionGuid string

@description('Object id of driftguard\'s managed identity.')
param principalId string

@description('Action group the dead-letter and tamper alerts notify.')
param actionGroupId string

@description('Name of driftguard\'s event subscription on the system topic (created later by event-subscription.bicep).')
param eventSubscriptionName string

@description('The system topic this target already has and driftguard did not create ({"name": "...", "resourceGroup": "..."}), used instead of creating one; {} when there is none.')
param existingTopic object = {}

@description('Export this subscription\'s Activity Log to driftguard\'s workspace, so that swept drift names its writer; false where the organisation exports it already (a subscription has at most five diagnostic settings).')
param exportActivityLog bool

@description('Resource id of driftguard\'s Log Analytics workspace.')
param workspaceId string

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: resourceGroupName
  location: location
  tags: tags
}

module topic 'system-topic.bicep' = {
  name: 'driftguard-system-topic'
  scope: rg
  params: {
    name: systemTopicName
    watchResourceGroup: false
    tags: tags
    actionGroupId: actionGroupId
    existingTopic: existingTopic
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

// Deleting or changing what connects driftguard to this subscription raises an Activity Log alert. The role definition
// is named in every target: it lives in one of them, and only that one logs its changes.
module tamper 'tamper-alert.bicep' = {
  name: 'driftguard-tamper-alert'
  scope: rg
  params: {
    name: '${systemTopicName}-tampering'
    watchedScope: subscription().id
    resourceIds: concat([
      rg.id
      topic.outputs.id
      '${topic.outputs.id}/eventSubscriptions/${eventSubscriptionName}'
      subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionGuid)
    ], assignRole ? [
      remediator.id
    ] : [])
    tags: tags
    actionGroupId: actionGroupId
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
