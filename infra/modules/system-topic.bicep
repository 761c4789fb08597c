// An Event Grid system topic for the writes ARM accepts in this subscription, or (watchResourceGroup) in this resource
// group only, and the alert on the events it dead-letters. Azure allows one system topic per source: where the source
// already has one that driftguard did not create (existingTopic, found by infra/deploy.sh), that topic is used as it
// is (never written, never deleted) and only the alert is driftguard's.
targetScope = 'resourceGroup'

@description('Name of the system topic.')
param name string

@description('Watch this resource group (Microsoft.Resources.ResourceGroups) instead of the whole subscription (Microsoft.Resources.Subscriptions).')
param watchResourceGroup bool

@description('Action group the dead-letter alert notifies.')
param actionGroupId string

@description('Tags of every resource this module creates: main.bicep\'s tags parameter with the install\'s driftguard-install tag.')
param tags object

@description('The source\'s system topic that driftguard did not create, {"name": "...", "resourceGroup": "..."} (a group of this subscription, with a system-assigned identity, which infra/deploy.sh checks); {} to create driftguard\'s own.')
param existingTopic object = {}

var reuse = !empty(existingTopic)

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = if (!reuse) {
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

resource foundTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: reuse ? existingTopic.name : name
  scope: resourceGroup(reuse ? existingTopic.resourceGroup : resourceGroup().name)
}

var topicId = reuse ? foundTopic.id : topic.id

// An event Event Grid gave up on (30 attempts over 24 hours) is a write driftguard never evaluated: a person must look
// at the dead-letter container. DeadLetteredCount is the system topic's metric of dead-lettered events (total per minute);
// on a topic driftguard found, it counts the other owners' event subscriptions too.
resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${name}-dead-letters'
  tags: tags
  location: 'global'
  properties: {
    description: 'Event Grid dead-lettered events of ${name}: writes driftguard never evaluated; see the deadletter container of driftguard\'s dead-letter storage account (stdl...).'
    severity: 1
    enabled: true
    scopes: [
      topicId
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

output principalId string = reuse ? foundTopic.identity.principalId : topic.identity.principalId
output id string = topicId
