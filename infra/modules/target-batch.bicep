// One batch of driftguard's targets (main.bicep splits them so that no template exceeds ARM's 800 resources): per
// target subscription a resource group with the subscription's system topic, the role assignment, a tamper alert and
// (unless exportActivityLog is false) the export of its Activity Log to driftguard's workspace;
// per target resource group the group's own topic, the assignment and a tamper alert there; for every topic the
// dead-letter access of its identity and, on infra/deploy.sh's second pass, the event subscription that feeds
// OnResourceWrite.
targetScope = 'subscription'

param location string

@description('Target subscriptions of this batch (lower case, each once).')
param subscriptionIds array

@description('Target resource groups of this batch: [{"subscriptionId": "...", "resourceGroup": "..."}].')
param resourceGroups array

@description('Resource group for the system topic in each target subscription.')
param eventsResourceGroupName string

@description('Tags of every resource the batch creates: main.bicep\'s tags parameter with the install\'s driftguard-install tag, which infra/remove.sh checks before deleting a group.')
param tags object

@description('Name of a subscription\'s system topic.')
param systemTopicName string

@description('Name of a resource group\'s system topic.')
param resourceGroupTopicName string

@description('Assign the custom role at each target (false only on the first pass of a management-group deployment).')
param assignRole bool

@description('Name (GUID) of driftguard\'s custom role definition.')
param roleDefinitionGuid string

@description('Object id of driftguard\'s managed identity.')
param principalId string

@description('Action group the dead-letter and tamper alerts notify.')
param actionGroupId string

@description('driftguard\'s resource group, which holds the dead-letter account.')
param deadLetterResourceGroupName string

@description('The dead-letter storage account\'s name.')
param deadLetterStorageAccountName string

@description('The dead-letter storage account\'s resource id.')
param deadLetterStorageAccountId string

@description('The dead-letter container.')
param deadLetterContainerName string

@description('Create the event subscriptions (infra/deploy.sh\'s second pass, once the code is deployed).')
param deployEventSubscription bool

@description('Name of each event subscription.')
param eventSubscriptionName string

@description('Export each target subscription\'s Activity Log to driftguard\'s workspace (main.bicep\'s exportActivityLog).')
param exportActivityLog bool

@description('Resource id of driftguard\'s Log Analytics workspace.')
param workspaceId string

@description('Resource id of the function: <function app id>/functions/OnResourceWrite.')
param functionResourceId string

@description('The system topics targets already have and driftguard did not create: target (a subscription id, or a resource group id, all in lower case, as toLower gives them) to {"name": "...", "resourceGroup": "..."}.')
param existingTopics object

@description('Event types to deliver (infra/event-filter.json).')
param includedEventTypes array

@description('The data.operationName values to deliver (infra/event-filter.json).')
param operationNames array

// Every system topic of the batch, subscriptions' first, then resource groups' (the order of targets and targetGroups):
// driftguard's own, or the one the target already had.
var eventSources = concat(map(subscriptionIds, s => {
  subscriptionId: s
  resourceGroup: contains(existingTopics, s) ? existingTopics[s].resourceGroup : eventsResourceGroupName
  topic: contains(existingTopics, s) ? existingTopics[s].name : systemTopicName
}), map(resourceGroups, g => {
  subscriptionId: g.subscriptionId
  resourceGroup: contains(existingTopics, toLower(g.id)) ? existingTopics[toLower(g.id)].resourceGroup : g.resourceGroup
  topic: contains(existingTopics, toLower(g.id)) ? existingTopics[toLower(g.id)].name : resourceGroupTopicName
}))

// Per target subscription: a resource group with the subscription's system topic, and the role assignment.
module targets 'target-subscription.bicep' = [for (subscriptionId, i) in subscriptionIds: {
  name: 'driftguard-target-${i}'
  scope: subscription(subscriptionId)
  params: {
    location: location
    resourceGroupName: eventsResourceGroupName
    tags: tags
    systemTopicName: systemTopicName
    assignRole: assignRole
    roleDefinitionGuid: roleDefinitionGuid
    principalId: principalId
    actionGroupId: actionGroupId
    eventSubscriptionName: eventSubscriptionName
    existingTopic: contains(existingTopics, subscriptionId) ? existingTopics[subscriptionId] : {}
    exportActivityLog: exportActivityLog
    workspaceId: workspaceId
  }
}]

// Per target resource group: the group's own system topic, and the role assignment at the group (with managementGroupId,
// the group's subscription must be under the management group, where the role is assignable).
module targetGroups 'target-resource-group.bicep' = [for (group, i) in resourceGroups: {
  name: 'driftguard-target-group-${i}'
  scope: resourceGroup(group.subscriptionId, group.resourceGroup)
  params: {
    systemTopicName: resourceGroupTopicName
    tags: tags
    assignRole: assignRole
    roleDefinitionGuid: roleDefinitionGuid
    principalId: principalId
    actionGroupId: actionGroupId
    eventSubscriptionName: eventSubscriptionName
    existingTopic: contains(existingTopics, toLower(group.id)) ? existingTopics[toLower(group.id)] : {}
  }
}]

// Each system topic's identity may write dead letters into the dead-letter container, and nowhere else.
module deadLetterAccess 'dead-letter-access.bicep' = [for (source, i) in eventSources: {
  // Named after the source: the batches deploy into driftguard's resource group side by side.
  name: 'driftguard-deadletter-${uniqueString(source.subscriptionId, source.resourceGroup)}'
  scope: resourceGroup(deadLetterResourceGroupName)
  params: {
    storageAccountName: deadLetterStorageAccountName
    containerName: deadLetterContainerName
    principalId: i < length(subscriptionIds) ? targets[i].outputs.topicPrincipalId : targetGroups[i - length(subscriptionIds)].outputs.topicPrincipalId
  }
}]

module eventSubscriptions 'event-subscription.bicep' = [for (source, i) in eventSources: if (deployEventSubscription) {
  name: 'driftguard-events-${i}'
  scope: resourceGroup(source.subscriptionId, source.resourceGroup)
  params: {
    systemTopicName: source.topic
    name: eventSubscriptionName
    functionResourceId: functionResourceId
    includedEventTypes: includedEventTypes
    operationNames: operationNames
    deadLetterStorageAccountId: deadLetterStorageAccountId
    deadLetterContainerName: deadLetterContainerName
  }
  dependsOn: [
    targets
    targetGroups
    deadLetterAccess
  ]
}]
