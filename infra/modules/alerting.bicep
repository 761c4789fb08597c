// The alerting path: finding rows -> Logs Ingestion API (DCR) -> custom table -> log search alert rules -> action group.
// The table, the stream and the queries come from infra/alerts/, the files the Java row builder is tested against.
targetScope = 'resourceGroup'

param location string

@description('Tags of every resource this module creates: main.bicep\'s tags parameter with the install\'s driftguard-install tag.')
param tags object

@description('Prefix of every name.')
param namePrefix string

@description('The Log Analytics workspace that holds the findings table.')
param workspaceName string

@description('Object id of driftguard\'s managed identity: Monitoring Metrics Publisher on the findings DCR only.')
param principalId string

@description('Email receivers of the action group.')
param alertEmails array

@description('Webhook receivers of the action group.')
param alertWebhookUrls array

@description('Existing action group to notify instead of creating one; empty creates one.')
param existingActionGroupId string

@description('Existing action group for driftguard\'s own failures (the platform team\'s); empty: the findings\' group.')
param existingFailuresActionGroupId string

@description('Also alert (severity 3) on fixes made in autofix mode.')
param alertOnFixes bool

var findingsTable = loadJsonContent('../alerts/findings-table.json')
var findingsQuery = loadTextContent('../alerts/driftguard-findings.kql')
var fixesQuery = loadTextContent('../alerts/driftguard-fixes.kql')
var exemptionsQuery = loadTextContent('../alerts/driftguard-exemptions.kql')
var failuresQuery = loadTextContent('../alerts/driftguard-failures.kql')

// The rows go to the table as they are: TargetResourceId is an ordinary column, the alert rules' resourceIdColumn.
// _ResourceId is reserved (a declared column name must start with a letter), so nothing writes it.
var tableColumns = [for c in findingsTable.columns: {
  name: c.name
  type: c.type == 'datetime' ? 'dateTime' : c.type
  description: c.description
}]
var streamColumns = [for c in findingsTable.columns: {
  name: c.name
  type: c.type
}]
var streamDeclaration = {
  columns: streamColumns
}

var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'
var logAnalyticsReader = '73c42c96-874c-492b-b04d-ab87d138a893'
var actionGroupName = 'ag-${namePrefix}'
var actionGroupId = empty(existingActionGroupId) ? resourceId('Microsoft.Insights/actionGroups', actionGroupName) : existingActionGroupId
var failuresActionGroupId = empty(existingFailuresActionGroupId) ? actionGroupId : existingFailuresActionGroupId

// Azure fixes a rule's severity, so the rows' Severity (0-4) picks the rule: failed fixes and back-offs
// (Severity <= 1) fire at severity 1; findings left alone (Severity >= 2) at severity 2. driftguard's own failures
// have a rule of their own, which may notify another action group.
// Every rule is stateful (autoMitigate): Azure Monitor fires an alert once per target and dimension values and does not
// notify again until it resolves. Findings and exemptions are states: the query keeps each finding's latest row over
// 2 days (every evaluation restates an open finding), split per control and notice, so one alert per open finding
// opens when people must be told and resolves when the finding does. Failures and fixes are events: one alert per
// target while they keep coming within 15 minutes.
var findingState = {
  queryTimeRange: 'P2D'
  windowSize: 'PT5M'
  dimensions: [
    'Rule'
    'Notice'
  ]
}
var recentEvents = {
  queryTimeRange: 'PT15M'
  windowSize: 'PT15M'
  dimensions: [
    'Rule'
  ]
}
var findingRules = [
  {
    name: 'findings-errors'
    displayName: '${namePrefix}: fix failed or backed off'
    severity: 1
    query: '${trim(findingsQuery)}\n| where Severity <= 1'
    actionGroup: actionGroupId
    evaluation: findingState
  }
  {
    name: 'findings'
    displayName: '${namePrefix}: insecure function app setting'
    severity: 2
    query: '${trim(findingsQuery)}\n| where Severity >= 2'
    actionGroup: actionGroupId
    evaluation: findingState
  }
  {
    name: 'failures'
    displayName: '${namePrefix}: driftguard failed'
    severity: 1
    query: trim(failuresQuery)
    actionGroup: failuresActionGroupId
    evaluation: recentEvents
  }
]
var fixRules = [
  {
    name: 'fixes'
    displayName: '${namePrefix}: function app setting fixed'
    severity: 3
    query: trim(fixesQuery)
    actionGroup: actionGroupId
    evaluation: recentEvents
  }
]
// Exemptions are visible: told once when one starts (or changes), and when it ends (the alert resolves), at low
// severity.
var exemptionRules = [
  {
    name: 'exemptions'
    displayName: '${namePrefix}: finding exempted'
    severity: 3
    query: trim(exemptionsQuery)
    actionGroup: actionGroupId
    evaluation: findingState
  }
]
var rules = concat(findingRules, exemptionRules, alertOnFixes ? fixRules : [])

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

resource table 'Microsoft.OperationalInsights/workspaces/tables@2023-09-01' = {
  parent: workspace
  name: findingsTable.tableName
  properties: {
    plan: 'Analytics'
    schema: {
      name: findingsTable.tableName
      description: findingsTable.description
      columns: tableColumns
    }
  }
}

// kind Direct: the DCR has its own logs ingestion endpoint (properties.endpoints.logsIngestion), no DCE needed.
resource dcr 'Microsoft.Insights/dataCollectionRules@2023-03-11' = {
  name: 'dcr-${namePrefix}-findings'
  tags: tags
  location: location
  kind: 'Direct'
  properties: {
    description: 'driftguard findings, sent with the Logs Ingestion API'
    streamDeclarations: toObject([
      findingsTable.streamName
    ], s => s, s => streamDeclaration)
    destinations: {
      logAnalytics: [
        {
          name: 'findings'
          workspaceResourceId: workspace.id
        }
      ]
    }
    dataFlows: [
      {
        streams: [
          findingsTable.streamName
        ]
        destinations: [
          'findings'
        ]
        outputStream: 'Custom-${findingsTable.tableName}'
      }
    ]
  }
  dependsOn: [
    table
  ]
}

resource publisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dcr.id, principalId, monitoringMetricsPublisher)
  scope: dcr
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Who wrote drift a sweep found: driftguard reads the Activity Log exported to this workspace (AzureActivity), nothing
// more, at the workspace only.
resource activityLogReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(workspace.id, principalId, logAnalyticsReader)
  scope: workspace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', logAnalyticsReader)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (empty(existingActionGroupId)) {
  name: actionGroupName
  tags: tags
  location: 'global'
  properties: {
    groupShortName: take(namePrefix, 12)
    enabled: true
    emailReceivers: [for (email, i) in alertEmails: {
      name: 'email-${i}'
      emailAddress: email
      useCommonAlertSchema: true
    }]
    webhookReceivers: [for (url, i) in alertWebhookUrls: {
      name: 'webhook-${i}'
      serviceUri: url
      useCommonAlertSchema: true
    }]
  }
}

// Every 5 minutes (ingestion takes 20 s to a few minutes). resourceIdColumn makes the app (or slot) in
// TargetResourceId the alert's target; the dimensions split it per control (and notice). A stateful log search alert
// resolves once its condition has not been met for a few evaluations (Azure Monitor: "Alerts and state").
resource queryRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for rule in rules: {
  name: '${namePrefix}-${rule.name}'
  tags: tags
  location: location
  kind: 'LogAlert'
  properties: {
    displayName: rule.displayName
    description: 'driftguard rows in ${findingsTable.tableName}; the query is in infra/alerts/.'
    severity: rule.severity
    enabled: true
    scopes: [
      workspace.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: rule.evaluation.windowSize
    overrideQueryTimeRange: rule.evaluation.queryTimeRange
    autoMitigate: true
    // The table may not be queryable for a few minutes after it is created.
    skipQueryValidation: true
    criteria: {
      allOf: [
        {
          query: rule.query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          resourceIdColumn: 'TargetResourceId'
          dimensions: [for dimension in rule.evaluation.dimensions: {
            name: dimension
            operator: 'Include'
            values: [
              '*'
            ]
          }]
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [
        rule.actionGroup
      ]
    }
  }
  dependsOn: [
    table
    actionGroup
  ]
}]

output logsIngestionEndpoint string = dcr.properties.endpoints.logsIngestion
output dcrImmutableId string = dcr.properties.immutableId
output streamName string = findingsTable.streamName
output actionGroupId string = actionGroupId
output failuresActionGroupId string = failuresActionGroupId
