// The subscription's Event Grid system topic: every write ARM accepts in the subscription. Azure allows one system
// topic per source, so this fails if another system topic for this subscription already exists.
targetScope = 'resourceGroup'

@description('Name of the system topic.')
param name string

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: 'global'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: subscription().id
    topicType: 'Microsoft.Resources.Subscriptions'
  }
}

output principalId string = topic.identity.principalId
