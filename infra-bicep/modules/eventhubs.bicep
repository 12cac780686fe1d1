// Event Hubs for high-volume producers (EventHubsEventPublisher in shared/VideoRec.Azure): one namespace, one hub
// partitioned by user id, one consumer group for the processor. Shared access keys are disabled: producers send
// with Azure Event Hubs Data Sender, the app reads with Data Receiver (roles.bicep).

@description('Azure region.')
param location string

@description('Namespace name (6-50 letters, digits and hyphens).')
@minLength(6)
@maxLength(50)
param namespaceName string

@description('Event hub name.')
param hubName string

@description('Throughput units (each 1 MB/s or 1,000 events/s in, 2 MB/s out).')
@minValue(1)
@maxValue(40)
param throughputUnits int

@description('Upper bound auto-inflate may raise the throughput units to (0 turns auto-inflate off).')
@minValue(0)
@maxValue(40)
param maximumThroughputUnits int

@description('Partitions of the hub: the ceiling on parallel consumers; cannot be lowered later on Standard.')
@minValue(1)
@maxValue(32)
param partitionCount int

@description('Days events are kept (1-7 on Standard).')
@minValue(1)
@maxValue(7)
param retentionInDays int

@description('Tags for every resource.')
param tags object

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: throughputUnits
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    isAutoInflateEnabled: maximumThroughputUnits > 0
    maximumThroughputUnits: maximumThroughputUnits
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: hubName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: retentionInDays
  }
}

resource processor 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: hub
  name: 'videorec-processor'
}

@description('Namespace name (for role assignments).')
output namespaceName string = namespace.name

@description('Fully qualified namespace (VideoRec__EventHubNamespace, EventHubConnection__fullyQualifiedNamespace).')
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'

@description('Event hub name.')
output hubName string = hub.name

@description('Consumer group of the processor.')
output consumerGroup string = processor.name
