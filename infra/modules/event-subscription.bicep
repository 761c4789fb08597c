// The event subscription that feeds OnResourceWrite: only ResourceWriteSuccess, only the operations the engine handles
// (main.bicep derives them from the document catalog infra/documents.json), one event per delivery, retried for a
// day, then dead-lettered to blob storage with the topic's own identity. Event Grid validates an AzureFunction endpoint when
// the subscription is created, so the function code must be deployed first (infra/deploy.sh does).
targetScope = 'resourceGroup'

@description('The subscription\'s system topic (in this resource group).')
param systemTopicName string

@description('Name of the event subscription.')
param name string

@description('Resource id of the function: <function app id>/functions/OnResourceWrite.')
param functionResourceId string

@description('Event types to deliver.')
param includedEventTypes array

@description('The data.operationName values to deliver.')
param operationNames array

@description('driftguard\'s storage account, for dead letters.')
param deadLetterStorageAccountId string

@description('The dead-letter container.')
param deadLetterContainerName string

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource onResourceWrite 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: name
  properties: {
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: functionResourceId
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: includedEventTypes
      advancedFilters: [
        {
          operatorType: 'StringIn'
          key: 'data.operationName'
          values: operationNames
        }
      ]
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: deadLetterStorageAccountId
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

output id string = onResourceWrite.id
