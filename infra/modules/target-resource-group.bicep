// One resource group driftguard watches, for teams without rights on the whole subscription: the group's own Event
// Grid system topic (Microsoft.Resources.ResourceGroups, in the group itself) and the assignment of driftguard's
// custom role at the group. driftguard accepts an event of this topic only for a resource in this very group.
targetScope = 'resourceGroup'

@description('Name of the system topic.')
param systemTopicName string

@description('Assign the custom role here: false only on the first pass of a management-group deployment, before infra/deploy.sh defines the role at the group.')
param assignRole bool

@description('Name (GUID) of driftguard\'s custom role definition (assignable at this group).')
param roleDefinitionGuid string

@description('Object id of driftguard\'s managed identity.')
param principalId string

@description('Action group the dead-letter and tamper alerts notify.')
param actionGroupId string

@description('Name of driftguard\'s event subscription on the system topic (created later by event-subscription.bicep).')
param eventSubscriptionName string

@description('The system topic this target already has and driftguard did not create ({"name": "...", "resourceGroup": "..."}), used instead of creating one; {} when there is none.')
param existingTopic object = {}

@description('Tags of every resource this module creates: main.bicep\'s tags parameter with the install\'s driftguard-install tag.')
param tags object

module topic 'system-topic.bicep' = {
  name: 'driftguard-system-topic'
  params: {
    name: systemTopicName
    watchResourceGroup: true
    tags: tags
    actionGroupId: actionGroupId
    existingTopic: existingTopic
  }
}

resource remediator 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (assignRole) {
  name: guid(resourceGroup().id, principalId, roleDefinitionGuid)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionGuid)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'driftguard remediator on this resource group'
  }
}

// Deleting or changing what connects driftguard to this resource group raises an Activity Log alert. The group itself
// is the team's, not driftguard's: its deletion takes the apps along.
module tamper 'tamper-alert.bicep' = {
  name: 'driftguard-tamper-alert'
  params: {
    name: '${systemTopicName}-tampering'
    watchedScope: resourceGroup().id
    resourceIds: concat([
      topic.outputs.id
      '${topic.outputs.id}/eventSubscriptions/${eventSubscriptionName}'
    ], assignRole ? [
      remediator.id
    ] : [])
    tags: tags
    actionGroupId: actionGroupId
  }
}

output topicPrincipalId string = topic.outputs.principalId
