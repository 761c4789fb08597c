// An Event Grid system topic for the writes ARM accepts in this subscription, or (watchResourceGroup) in this resource
// group only, and the alert on the events it dead-letters. Azure allows one system topic per source, so this fails if
// another system topic for the same subscription or resource group already exists.
targetScope = 'resourceGroup'

@description('Name of the system topic.')
param name string

@description('Watch this resource group (Microsoft.Resources.ResourceGroups) instead of the whole subscription (Microsoft.Resources.Subscriptions).')
param watchResourceGroup bool

@description('Action group the dead-letter alert notifies.')
param actionGroupId string

@description('Tags of every resource this module creates: main.bicep\'s tags parameter with the install\'s driftguard-install tag.')
param tags object

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  tags: tags
  location: 'global'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: watchResourceGroup ? resourceGroup().id : subscription().id
    topicType: watchResourceGroup ? 'Microsoft.Resources.ResourceGroups' : 'Microsoft.Resources.Subscriptions'
  }
}

// An event Event Grid gave up on (30 attempts over 24 hours) is a write driftguard never evaluated: a person must look
// at the dead-letter container. DeadLetteredCount is the system topic's metric of dead-lettered events (total per minute).
resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${name}-dead-letters'
  tags: tags
  location: 'global'
  properties: {
    description: 'Event Grid dead-lettered events of ${name}: writes driftguard never evaluated; see the deadletter container of driftguard\'s dead-letter storage account (stdl...).'
    severity: 1
    enabled: true
    scopes: [
      topic.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricNamespace: 'Microsoft.EventGrid/systemTopics'
          metricName: 'DeadLetteredCount'
          timeAggregation: 'Total'
          operator: 'GreaterThan'
          threshold: 0
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroupId
      }
    ]
  }
}

output principalId string = topic.identity.principalId
output id string = topic.id
