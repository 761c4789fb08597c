// driftguard's own function app on Flex Consumption, hardened the way driftguard hardens others, with identity-based
// host storage (no account keys anywhere), Log Analytics and Application Insights.
targetScope = 'resourceGroup'

param location string

@description('Tags of every resource this module creates: main.bicep\'s tags parameter with the install\'s driftguard-install tag.')
param tags object

@description('Prefix of every name.')
param namePrefix string

@description('Makes the globally unique names unique (uniqueString of the subscription and prefix).')
param suffix string

@allowed([
  '1.2'
  '1.3'
])
@description('Minimum TLS version of the app and its SCM site.')
param minTls string

@description('Private networking, off when {}: {"integrationSubnetId": "<subnet delegated to Microsoft.App/environments>", "privateEndpointSubnetId": "<subnet>", "privateDnsZoneIds": {"blob": "<zone id>", "queue": "<zone id>", "table": "<zone id>"}} (infra/README.md, Private networking).')
param privateNetworking object = {}

@allowed([
  512
  2048
  4096
])
@description('Memory of each Flex Consumption instance, in MB (512 has 0.25 of a core, 2048 one core, 4096 two): the always-ready instance is billed for it around the clock. BENCHMARKS.md, "Memory and instance size", has the measured peak and the trade-off.')
param instanceMemoryMB int

var functionAppName = '${namePrefix}-${suffix}'
var storageAccountName = take('st${toLower(replace(namePrefix, '-', ''))}${suffix}', 24)
var deploymentContainerName = 'app-package'
// With privateNetworking, the host reaches its storage (package, leases, queues, driftguard's tables) only through these
// private endpoints, from the app's integration subnet, and the account refuses public traffic.
var privateStorage = !empty(privateNetworking)
var privateStorageServices = privateStorage ? [
  'blob'
  'queue'
  'table'
] : []

// Built-in roles for the Functions host, driftguard's tables and its sweep queue, on this account only.
var storageRoles = [
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner: host leases, deployment package
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor: host, driftguard-sweeps(-poison)
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor: DriftguardAudit, DriftguardFlapping, DriftguardClaims
]

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: storageAccountName
  tags: tags
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: privateStorage ? 'Disabled' : 'Enabled'
  }
}

// The private endpoints live in the network team's subnet (which must be in driftguard's region) and register in their
// private DNS zones, so that the host's storage names resolve to them from the integration subnet.
resource privateStorageEndpoints 'Microsoft.Network/privateEndpoints@2023-11-01' = [for service in privateStorageServices: {
  name: 'pe-${storageAccountName}-${service}'
  tags: tags
  location: location
  properties: {
    subnet: {
      id: privateNetworking.privateEndpointSubnetId
    }
    privateLinkServiceConnections: [
      {
        name: service
        properties: {
          privateLinkServiceId: storage.id
          groupIds: [
            service
          ]
        }
      }
    ]
  }
}]

resource privateStorageDnsZones 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2023-11-01' = [for (service, i) in privateStorageServices: {
  parent: privateStorageEndpoints[i]
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: service
        properties: {
          privateDnsZoneId: privateNetworking.privateDnsZoneIds[service]
        }
      }
    ]
  }
}]

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${namePrefix}-${suffix}'
  tags: tags
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${namePrefix}-${suffix}'
  tags: tags
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: 'plan-${namePrefix}-${suffix}'
  tags: tags
  location: location
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

// App settings are written by app-settings.bicep (a sites/config 'appsettings' resource) once the identity, the DCR
// and the storage account exist. Flex Consumption takes the runtime from functionAppConfig, not from the
// FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION app settings.
resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: functionAppName
  tags: tags
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  // With privateNetworking, the app must not start before its storage is reachable through the endpoints.
  dependsOn: [
    privateStorageDnsZones
  ]
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Every outbound call, storage included, through the network team's subnet (null: not integrated, as before).
    virtualNetworkSubnetId: privateStorage ? privateNetworking.integrationSubnetId : null
    vnetRouteAllEnabled: privateStorage ? true : null
    siteConfig: {
      minTlsVersion: minTls
      scmMinTlsVersion: minTls
      ftpsState: 'Disabled'
      remoteDebuggingEnabled: false
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: 40
        instanceMemoryMB: instanceMemoryMB
        // One warm instance for the Event Grid function: the first delivery after a cold start can fail otherwise.
        alwaysReady: [
          {
            name: 'function:OnResourceWrite'
            instanceCount: 1
          }
        ]
      }
      runtime: {
        name: 'java'
        version: '17'
      }
    }
  }
}

resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'ftp'
  // The type definition lacks location, but ARM refuses the policy without it ("The parameter location has an invalid
  // value", open bicep-types-az issues #1317, #1504, #1527, #1529, #1571).
  #disable-next-line BCP187
  location: location
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: site
  name: 'scm'
  // The type definition lacks location, but ARM refuses the policy without it ("The parameter location has an invalid
  // value", open bicep-types-az issues #1317, #1504, #1527, #1529, #1571).
  #disable-next-line BCP187
  location: location
  properties: {
    allow: false
  }
}

// A module, so that the assignments can be named after the app's principal id (a value known only at run time).
module storageAccess 'storage-access.bicep' = {
  name: 'driftguard-storage-access'
  params: {
    storageAccountName: storage.name
    principalId: site.identity.principalId
    roleIds: storageRoles
  }
}

output name string = site.name
output id string = site.id
output principalId string = site.identity.principalId
output storageAccountName string = storage.name
output storageAccountId string = storage.id
output tableServiceUri string = storage.properties.primaryEndpoints.table
output queueServiceUri string = storage.properties.primaryEndpoints.queue
output deploymentContainerName string = deploymentContainer.name
output workspaceName string = workspace.name
output workspaceId string = workspace.id
output workspaceCustomerId string = workspace.properties.customerId
output appInsightsName string = appInsights.name
