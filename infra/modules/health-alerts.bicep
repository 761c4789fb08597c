// driftguard's own health, to the same action group as the findings: a driftguard that cannot start (invalid settings,
// no identity, no storage: every invocation fails) and a reconcile that has not completed in two schedule periods, each
// a severity-1 log search alert on the function's Application Insights tables in driftguard's own workspace
// (AppRequests, AppExceptions, AppTraces). The queries are in infra/alerts/, where the tests read them.
targetScope = 'resourceGroup'

param location string

@description('Prefix of every name.')
param namePrefix string

@description('driftguard\'s Log Analytics workspace (workspace-based Application Insights).')
param workspaceName string

@description('The action group to notify.')
param actionGroupId string

@description('Tags of the alert rules: main.bicep\'s tags parameter with the install\'s driftguard-install tag.')
param tags object

@description('The subscriptions the reconcile sweeps (DRIFTGUARD_SUBSCRIPTIONS): each must finish a sweep within reconcileAlertWindow.')
param watchedSubscriptionIds array

@allowed([
  'PT1H'
  'PT2H'
  'PT3H'
  'PT4H'
  'PT5H'
  'PT6H'
  'P1D'
  'P2D'
])
@description('Two periods of the reconcile schedule: a subscription without a finished sweep for this long raises the alert.')
param reconcileAlertWindow string

@description('When this deployment ran: the reconcile alert judges nothing until the deployment is a window old.')
param deployedAt string

var cannotStartQuery = loadTextContent('../alerts/driftguard-cannot-start.kql')
var reconcileMissedQuery = loadTextContent('../alerts/driftguard-reconcile-missed.kql')
// The same durations as KQL timespans.
var kqlTimespans = {
  PT1H: '1h'
  PT2H: '2h'
  PT3H: '3h'
  PT4H: '4h'
  PT5H: '5h'
  PT6H: '6h'
  P1D: '1d'
  P2D: '2d'
}
var reconcileDefinitions = 'let window = ${kqlTimespans[reconcileAlertWindow]};\nlet watched = dynamic(${string(watchedSubscriptionIds)});\nlet deployedAt = datetime(${deployedAt});\n'

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

// Stateful (autoMitigate): one notification when driftguard starts failing, resolved when an invocation succeeds
// again. Every 5 minutes over the last 10: telemetry arrives within a few minutes, and the windows overlap.
resource cannotStart 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-cannot-start'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: '${namePrefix}: driftguard cannot start, every invocation fails'
    description: 'Every driftguard function invocation in the window failed, or the Functions host logged errors and nothing succeeded: invalid settings, no identity or no storage. See the exceptions in Application Insights; the query is in infra/alerts/driftguard-cannot-start.kql.'
    severity: 1
    enabled: true
    scopes: [
      workspace.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT10M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: trim(cannotStartQuery)
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [
        actionGroupId
      ]
    }
  }
}

// One alert per subscription without a finished sweep (the Subscription dimension), resolved by the next finished one.
resource reconcileMissed 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-reconcile-missed'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: '${namePrefix}: reconcile has not completed in two schedules'
    description: 'No reconcile sweep of the subscription finished within ${reconcileAlertWindow}: drift no event announced goes unfound. See the Reconcile and SweepSubscription logs and the driftguard-sweeps-poison queue; the query is in infra/alerts/driftguard-reconcile-missed.kql.'
    severity: 1
    enabled: true
    scopes: [
      workspace.id
    ]
    evaluationFrequency: 'PT1H'
    windowSize: reconcileAlertWindow
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: '${reconcileDefinitions}${trim(reconcileMissedQuery)}'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          dimensions: [
            {
              name: 'Subscription'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [
        actionGroupId
      ]
    }
  }
}
