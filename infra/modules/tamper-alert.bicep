// Someone cutting driftguard off where it watches: an Activity Log alert on the deletion or change of its resources in
// one watched subscription or resource group (its events resource group, system topic, event subscription, the custom
// role's assignment and, where it lives, the role definition), to driftguard's action group. Activity Log alerts are
// global and watch scopes of the subscription they live in, so each target gets its own.
// Resource type and condition schema: Microsoft.Insights/activityLogAlerts@2020-10-01
// (https://learn.microsoft.com/en-us/azure/templates/microsoft.insights/activitylogalerts, an allOf of leaf conditions
// and anyOf lists of leaf conditions; field names 'category', 'operationName', 'resourceId', compared case-insensitively:
// https://learn.microsoft.com/en-us/powershell/module/az.monitor/new-azactivitylogalertalertruleleafconditionobject).
// The operation names are the RBAC actions of the REST calls (Role Assignments - Delete needs
// Microsoft.Authorization/roleAssignments/delete: https://learn.microsoft.com/en-us/rest/api/authorization/role-assignments/delete).
targetScope = 'resourceGroup'

@description('Name of the alert rule.')
param name string

@description('The subscription or resource group watched (/subscriptions/<id> or its resource group id).')
param watchedScope string

@description('driftguard\'s resources in that scope whose deletion or change is tampering.')
param resourceIds array

@description('The action group to notify.')
param actionGroupId string

@description('Tags of the alert rule: main.bicep\'s tags parameter with the install\'s driftguard-install tag.')
param tags object

// Each is logged when started and again when it succeeds or fails: a failed attempt is worth knowing about too.
var tamperingOperations = [
  'Microsoft.Resources/subscriptions/resourceGroups/delete'
  'Microsoft.EventGrid/systemTopics/delete'
  'Microsoft.EventGrid/systemTopics/write'
  'Microsoft.EventGrid/systemTopics/eventSubscriptions/delete'
  'Microsoft.EventGrid/systemTopics/eventSubscriptions/write'
  'Microsoft.Authorization/roleAssignments/delete'
  'Microsoft.Authorization/roleDefinitions/write'
  'Microsoft.Authorization/roleDefinitions/delete'
]

resource tampering 'Microsoft.Insights/activityLogAlerts@2020-10-01' = {
  name: name
  location: 'global'
  tags: tags
  properties: {
    description: 'driftguard\'s event subscription, system topic, events resource group, role definition or role assignment in ${watchedScope} was deleted or changed: driftguard may no longer receive events or be allowed to act. A redeployment of driftguard raises it too.'
    enabled: true
    scopes: [
      watchedScope
    ]
    condition: {
      allOf: [
        {
          field: 'category'
          equals: 'Administrative'
        }
        {
          anyOf: [for operation in tamperingOperations: {
            field: 'operationName'
            equals: operation
          }]
        }
        {
          anyOf: [for id in resourceIds: {
            field: 'resourceId'
            equals: id
          }]
        }
      ]
    }
    actions: {
      actionGroups: [
        {
          actionGroupId: actionGroupId
        }
      ]
    }
  }
}
