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

@description('Action group the dead-letter alert notifies.')
param actionGroupId string

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

output topicPrincipalId string = topic.outputs.principalId
