// driftguard: everything in one subscription-scope deployment.
//   az deployment sub create --location <region> --template-file infra/main.bicep --parameters ...
// infra/deploy.sh runs it twice: first without the Event Grid subscription (deployEventSubscription=false), then,
// after the function code is deployed, with it (Event Grid validates an AzureFunction endpoint against the deployed
// function). The ARM operations driftguard performs and the event operations it handles are NOT written here: they
// follow from the document catalog documents.json, the file the engine loads too.
targetScope = 'subscription'

@description('Region of driftguard\'s own resources; must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
param location string

@minLength(3)
@maxLength(12)
@description('Prefix of every name driftguard creates: lower-case letters, digits and hyphens.')
param namePrefix string = 'driftguard'

@allowed([
  'autofix'
  'notify'
  'off'
])
@description('Global mode (app setting DRIFTGUARD_MODE).')
param mode string = 'notify'

@allowed([
  'honour'
  'report'
  'ignore'
])
@description('Whether app owners may exempt their apps by tag (DRIFTGUARD_TAG_EXEMPTIONS): honour the driftguard-exempt and driftguard-mode=off tags (findings recorded as exempted), report them but run the normal mode, or ignore every driftguard tag.')
param tagExemptions string = 'honour'

@description('Which controls an app tag (driftguard-mode=autofix, driftguard-autofix) may ask to fix where settings alone would not (DRIFTGUARD_TAG_OPT_IN): none, safe (every safe control), a comma list of control ids, or safe with ids. A tag asking for more gets notify.')
param tagOptIn string = 'none'

@description('How far ahead an exemption tag\'s driftguard-exempt-until may lie for the exemption to silence a control (DRIFTGUARD_EXEMPTION_HORIZON), e.g. 90d; off: any exemption silences, no reason nor expiry required.')
param exemptionHorizon string = '90d'

@allowed([
  'include'
  'exclude'
])
@description('Whether Logic Apps Standard workflow apps (kind functionapp,workflowapp) are judged like any function app (DRIFTGUARD_WORKFLOW_APPS): include them (no Azure Policy built-in covers them), or exclude them.')
param workflowApps string = 'include'

@description('Export each target subscription\'s Activity Log (Administrative) to driftguard\'s workspace, so that drift a sweep found names who last wrote it. Set false where the organisation already exports it (then point DRIFTGUARD_ACTIVITY_LOG_WORKSPACE at that workspace and grant driftguard Log Analytics Reader there).')
param exportActivityLog bool = true

@description('The Log Analytics query endpoint of this cloud (DRIFTGUARD_LOG_ANALYTICS_ENDPOINT).')
param logAnalyticsEndpoint string = 'https://api.loganalytics.io/v1'

@description('How long a finding stands before on-call is reminded of it (DRIFTGUARD_REMINDER_INTERVAL), e.g. 1d or P7D; off: never. A standing finding otherwise pages nobody.')
param reminderInterval string = '1d'

@description('Per-control modes, e.g. {"min-tls": "autofix"}; each becomes the app setting DRIFTGUARD_RULE_<ID> (ids: docs/controls.md, What it checks; autofix for a report-only control is refused at start).')
param controlModes object = {}

@description('Subscriptions driftguard watches and may fix: each gets a system topic, an event subscription and an assignment of the custom role. May be empty when targetResourceGroups is set.')
param targetSubscriptionIds array = [
  subscription().subscriptionId
]

@description('Resource groups driftguard watches and may fix, for teams without rights on their whole subscription: [{"subscriptionId": "...", "resourceGroup": "..."}]. Each gets its own system topic (Microsoft.Resources.ResourceGroups) and event subscription in the group, and the custom role assigned at the group.')
param targetResourceGroups array = []

@description('When set, the custom role is defined at this management group (by infra/deploy.sh, with modules/role-management-group.bicep, between the two passes) instead of in a subscription, and still assigned only at each target subscription and resource group. Set it only through infra/deploy.sh --management-group, which also sets targetSubscriptionIds to every subscription under the group.')
param managementGroupId string = ''

@description('The system topics the targets already have (infra/deploy.sh lists them before deploying; leave it to the script): [{"target": "<subscription id, or resource group id, lower case>", "id": "<the topic\'s resource id>", "installTag": "<its driftguard-install tag, or ->"}]. A topic that is not this install\'s own is used instead of creating one: driftguard adds its event subscription to it and never writes or deletes the topic.')
param existingTopics array = []

@description('Tags for every resource the install creates (those that take tags), e.g. {"costCenter": "1234", "owner": "platform"}; driftguard-install is added to them and cannot be overridden.')
param tags object = {}

@description('Private networking, off by default ({}): {"integrationSubnetId": "<subnet id, delegated to Microsoft.App/environments>", "privateEndpointSubnetId": "<subnet id>", "privateDnsZoneIds": {"blob": "<privatelink.blob.core.windows.net zone id>", "queue": "<privatelink.queue... zone id>", "table": "<privatelink.table... zone id>"}}: the function app integrated with the first subnet, its storage reached through private endpoints in the second, public network access off on that account (infra/README.md, Private networking).')
param privateNetworking object = {}

@description('Email addresses the action group notifies.')
param alertEmails array = []

@description('Webhook URLs the action group calls (common alert schema).')
param alertWebhookUrls array = []

@description('Resource id of an existing action group to notify instead of creating one.')
param existingActionGroupId string = ''

@description('Resource id of an existing action group for driftguard\'s own failures (the platform team\'s), so that it need not receive every app team\'s findings; empty: the findings\' action group.')
param existingFailuresActionGroupId string = ''

@description('Also alert (severity 3) when driftguard fixed something in autofix mode; off unless asked.')
param alertOnFixes bool = false

@allowed([
  '1.2'
  '1.3'
])
@description('Minimum TLS version driftguard enforces (DRIFTGUARD_MIN_TLS); its own app uses it too.')
param minTls string = '1.2'

@allowed([
  512
  2048
  4096
])
@description('Memory of each of driftguard\'s Flex Consumption instances, in MB. 512 holds the measured peak with room to spare (BENCHMARKS.md, "Memory and instance size") at a quarter of the always-ready cost of 2048; 2048 (one core instead of a quarter) starts scale-out instances about four times faster.')
param instanceMemoryMB int = 512

@allowed([
  'Disabled'
  'FtpsOnly'
])
@description('FTP state driftguard accepts and writes (DRIFTGUARD_FTPS_STATE). Its own app is always Disabled.')
param ftpsState string = 'Disabled'

@minValue(1)
@description('Fixes of one control on one app within flapWindow before driftguard backs off (DRIFTGUARD_FLAP_MAX_FIXES).')
param flapMaxFixes int = 3

@description('Flapping window, e.g. 1h (DRIFTGUARD_FLAP_WINDOW).')
param flapWindow string = '1h'

@description('How long auto-fix pauses after flapping, e.g. 24h (DRIFTGUARD_FLAP_COOLDOWN).')
param flapCoolDown string = '24h'

@description('ARM limits, each written as an app setting; unset keys keep the code\'s defaults: eventBudget (DRIFTGUARD_EVENT_BUDGET, at most 25s), armReadBurst, armReadsPerSecond, armWriteBurst, armWritesPerSecond (DRIFTGUARD_ARM_READ_BURST etc.), armBreakerFailures, armBreakerOpen (DRIFTGUARD_ARM_BREAKER_FAILURES, DRIFTGUARD_ARM_BREAKER_OPEN).')
param armLimits object = {}

@description('When the Reconcile timer sweeps for drift no event announced: 6-field NCRONTAB (DRIFTGUARD_RECONCILE_SCHEDULE). At least every 2 days: the findings alerts judge each finding by its latest row of the last 2 days, which sweeps restate.')
param reconcileSchedule string = '0 17 */3 * * *'

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
@description('Two periods of reconcileSchedule (PT6H for the default, every 3 hours): a watched subscription whose reconcile sweep has not finished for this long raises a severity-1 alert.')
param reconcileAlertWindow string = 'PT6H'

@description('When the deployment runs (leave the default): the reconcile alert judges nothing until the deployment is a reconcileAlertWindow old.')
param deployedAt string = utcNow()

@description('How long one reconcile run may take before it checkpoints and leaves the rest to the next run (DRIFTGUARD_RECONCILE_TIME_LIMIT); keep it under the 10-minute function timeout in host.json.')
param reconcileTimeLimit string = '8m'

@description('How many apps a sweep evaluates at a time (DRIFTGUARD_SWEEP_PARALLELISM).')
param sweepParallelism int = 8

@description('Where a sweep learns which apps to read (DRIFTGUARD_SWEEP_SOURCE): resourcegraph asks Azure Resource Graph for the apps that may be drifted and reads only those (ARM listing if the identity may not use it); arm lists and reads every app.')
@allowed([
  'resourcegraph'
  'arm'
])
param sweepSource string = 'resourcegraph'

@description('Create the Event Grid subscriptions. Needs the function code deployed first: infra/deploy.sh sets it on its second pass.')
param deployEventSubscription bool = false

// The documents driftguard reads, one entry each (documents.json, which remediations' Documents loads too). The role
// needs, for sites and for slots, each document's read, its write when driftguard writes it, and the read of the
// collection it is listed with; each action once (config/web and config/authsettingsV2 share config/read).
var documents = loadJsonContent('documents.json').documents
var siteTypes = ['Microsoft.Web/sites', 'Microsoft.Web/sites/slots']
var readActions = flatten(map(documents, d => map(siteTypes, t => '${t}${d.rbacType}/read')))
var writeActions = flatten(map(filter(documents, d => d.write != null), d => map(siteTypes, t => '${t}${d.rbacType}/write')))
var listActions = flatten(map(filter(documents, d => d.listedWith != null), d => map(siteTypes, t => '${t}/${d.listedWith}/read')))
var neededActions = concat(readActions, writeActions, listActions)
var roleActions = filter(neededActions, (action, i) => indexOf(neededActions, action) == i)
// Event Grid reports each document's writes (and its extensions' writes: the Tags API's) as data.operationName; the
// subscription delivers exactly those, each once.
var writeOperations = concat(flatten(map(documents, d => flatten(map(d.eventTypes, e => map(siteTypes, t => '${t}${e}/write'))))), flatten(map(documents, d => map(d.extensions, x => x.writeOperation))))
var handledOperations = filter(writeOperations, (operation, i) => indexOf(writeOperations, operation) == i)
var deliveredEventTypes = ['Microsoft.Resources.ResourceWriteSuccess']

var suffix = uniqueString(subscription().id, namePrefix)
var resourceGroupName = 'rg-${namePrefix}'
// The install's own scope, the id of its resource group: seeds every name that must be unique in the tenant (the
// custom role), and tags every resource group the install creates (infra/remove.sh deletes a group only with it).
var installId = '${subscription().id}/resourceGroups/${resourceGroupName}'
var installTag = {
  'driftguard-install': installId
}
var resourceTags = union(tags, installTag)
var eventsResourceGroupName = 'rg-${namePrefix}-events'
var systemTopicName = '${namePrefix}-subscription-events'
var eventSubscriptionName = '${namePrefix}-on-resource-write'
var resourceGroupTopicName = '${namePrefix}-resource-group-events'
// The targets, each once: ids and names are compared case-insensitively, as Azure does.
var targetIds = union(map(targetSubscriptionIds, s => toLower(s)), [])
var watchedGroups = map(union(map(targetResourceGroups, g => {
  subscriptionId: toLower(g.subscriptionId)
  resourceGroup: toLower(g.resourceGroup)
}), []), g => union(g, {
  id: '/subscriptions/${g.subscriptionId}/resourceGroups/${g.resourceGroup}'
}))
var targetResourceGroupIds = map(watchedGroups, g => g.id)
// The targets' existing system topics that are not this install's own (named and tagged as it names and tags them):
// used, not created, and on removal only driftguard's event subscription leaves them. A topic id splits into
// ['', 'subscriptions', <id>, 'resourceGroups', <group>, 'providers', 'Microsoft.EventGrid', 'systemTopics', <name>].
var foundTopics = filter(existingTopics, t => !(t.installTag =~ installId && (last(split(t.id, '/')) =~ systemTopicName || last(split(t.id, '/')) =~ resourceGroupTopicName)))
var reusedTopics = toObject(foundTopics, t => toLower(t.target), t => {
  name: split(t.id, '/')[8]
  resourceGroup: split(t.id, '/')[4]
})
var targetBatchSize = 100
var targetBatchCount = (max(length(targetIds), length(watchedGroups)) + targetBatchSize - 1) / targetBatchSize
// Every subscription driftguard may act in (DRIFTGUARD_SUBSCRIPTIONS): the watched ones and those of watched groups.
var watchedSubscriptionIds = union(targetIds, map(watchedGroups, g => g.subscriptionId))
// The custom role lives in the first target subscription, or (only resource groups) in driftguard's own.
var roleSubscriptionId = empty(targetIds) ? subscription().subscriptionId : targetIds[0]
var useManagementGroup = !empty(managementGroupId)
var managementGroupResourceId = '/providers/Microsoft.Management/managementGroups/${managementGroupId}'
// The role's name: with managementGroupId, the one modules/role-management-group.bicep defines at the group.
var roleDefinitionGuid = useManagementGroup ? guid(managementGroupResourceId, installId, namePrefix, 'driftguard-remediator') : guid(installId, namePrefix, 'driftguard-remediator')
// The role is assigned at each target subscription and resource group, never at a management group (where it would
// reach subscriptions driftguard does not watch). With managementGroupId, infra/deploy.sh defines the role at the
// group between the two passes, so the second pass assigns it.
var assignRole = !useManagementGroup || deployEventSubscription
// The code's defaults (BicepTemplateTest checks they are), overridden by armLimits.
var armDefaults = {
  eventBudget: '15s'
  armReadBurst: 250
  armReadsPerSecond: 25
  armWriteBurst: 200
  armWritesPerSecond: 10
  armBreakerFailures: 10
  armBreakerOpen: '30s'
}
var arm = union(armDefaults, armLimits)
var controlSettings = toObject(items(controlModes), c => 'DRIFTGUARD_RULE_${toUpper(replace(c.key, '-', '_'))}', c => string(c.value))

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: resourceGroupName
  location: location
  tags: resourceTags
}

module app 'modules/function-app.bicep' = {
  name: 'driftguard-app'
  scope: rg
  params: {
    location: location
    tags: resourceTags
    namePrefix: namePrefix
    suffix: suffix
    minTls: minTls
    privateNetworking: privateNetworking
    instanceMemoryMB: instanceMemoryMB
  }
}

module alerting 'modules/alerting.bicep' = {
  name: 'driftguard-alerting'
  scope: rg
  params: {
    location: location
    tags: resourceTags
    namePrefix: namePrefix
    workspaceName: app.outputs.workspaceName
    principalId: app.outputs.principalId
    alertEmails: alertEmails
    alertWebhookUrls: alertWebhookUrls
    existingActionGroupId: existingActionGroupId
    existingFailuresActionGroupId: existingFailuresActionGroupId
    alertOnFixes: alertOnFixes
  }
}

// Every DRIFTGUARD_* setting the code reads (Settings.names()); the per-control ones only when given.
module settings 'modules/app-settings.bicep' = {
  name: 'driftguard-settings'
  scope: rg
  params: {
    functionAppName: app.outputs.name
    appInsightsName: app.outputs.appInsightsName
    settings: union({
      AzureWebJobsStorage__accountName: app.outputs.storageAccountName
      AzureWebJobsStorage__tableServiceUri: app.outputs.tableServiceUri
      AzureWebJobsStorage__queueServiceUri: app.outputs.queueServiceUri
      DRIFTGUARD_MODE: mode
      DRIFTGUARD_SUBSCRIPTIONS: join(watchedSubscriptionIds, ',')
      DRIFTGUARD_SELF_OBJECT_ID: app.outputs.principalId
      DRIFTGUARD_ARM_ENDPOINT: environment().resourceManager
      DRIFTGUARD_FTPS_STATE: ftpsState
      DRIFTGUARD_MIN_TLS: minTls
      DRIFTGUARD_ALERT_ENDPOINT: alerting.outputs.logsIngestionEndpoint
      DRIFTGUARD_ALERT_RULE_ID: alerting.outputs.dcrImmutableId
      DRIFTGUARD_ALERT_STREAM: alerting.outputs.streamName
      DRIFTGUARD_FLAP_MAX_FIXES: string(flapMaxFixes)
      DRIFTGUARD_FLAP_WINDOW: flapWindow
      DRIFTGUARD_FLAP_COOLDOWN: flapCoolDown
      DRIFTGUARD_EVENT_BUDGET: string(arm.eventBudget)
      DRIFTGUARD_ARM_READ_BURST: string(arm.armReadBurst)
      DRIFTGUARD_ARM_READS_PER_SECOND: string(arm.armReadsPerSecond)
      DRIFTGUARD_ARM_WRITE_BURST: string(arm.armWriteBurst)
      DRIFTGUARD_ARM_WRITES_PER_SECOND: string(arm.armWritesPerSecond)
      DRIFTGUARD_ARM_BREAKER_FAILURES: string(arm.armBreakerFailures)
      DRIFTGUARD_ARM_BREAKER_OPEN: string(arm.armBreakerOpen)
      DRIFTGUARD_RECONCILE_SCHEDULE: reconcileSchedule
      DRIFTGUARD_RECONCILE_TIME_LIMIT: reconcileTimeLimit
      DRIFTGUARD_SWEEP_PARALLELISM: string(sweepParallelism)
      DRIFTGUARD_SWEEP_SOURCE: sweepSource
      DRIFTGUARD_TAG_EXEMPTIONS: tagExemptions
      DRIFTGUARD_TAG_OPT_IN: tagOptIn
      DRIFTGUARD_EXEMPTION_HORIZON: exemptionHorizon
      DRIFTGUARD_WORKFLOW_APPS: workflowApps
      DRIFTGUARD_REMINDER_INTERVAL: reminderInterval
      DRIFTGUARD_ACTIVITY_LOG_WORKSPACE: app.outputs.workspaceCustomerId
      DRIFTGUARD_LOG_ANALYTICS_ENDPOINT: logAnalyticsEndpoint
    }, controlSettings)
  }
}

// The custom role: exactly the actions the documents need (roleActions). Defined in roleSubscriptionId (always one of its
// assignable scopes) and assignable in every target subscription and target resource group.
module role 'modules/role-definition.bicep' = if (!useManagementGroup) {
  name: 'driftguard-role'
  scope: subscription(roleSubscriptionId)
  params: {
    roleDefinitionGuid: roleDefinitionGuid
    roleName: '${namePrefix} remediator (${suffix})'
    actions: roleActions
    assignableScopes: union([
      '/subscriptions/${roleSubscriptionId}'
    ], map(targetIds, s => '/subscriptions/${s}'), targetResourceGroupIds)
  }
}

// Watching only resource groups, the custom role lives in driftguard's own subscription, which no target's tamper
// alert watches: its own alert there. (A management group's role cannot be watched by an Activity Log alert.)
module roleTamper 'modules/tamper-alert.bicep' = if (!useManagementGroup && empty(targetIds)) {
  name: 'driftguard-role-tamper-alert'
  scope: rg
  params: {
    name: '${namePrefix}-role-tampering'
    watchedScope: subscription().id
    resourceIds: [
      subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionGuid)
    ]
    tags: resourceTags
    actionGroupId: alerting.outputs.actionGroupId
  }
  dependsOn: [
    role
  ]
}

// The events Event Grid gave up on, in an account on which driftguard's own identity holds no role.
module deadLetterStorage 'modules/dead-letter-storage.bicep' = {
  name: 'driftguard-deadletter-storage'
  scope: rg
  params: {
    location: location
    tags: resourceTags
    namePrefix: namePrefix
    suffix: suffix
  }
}

// The targets in batches: a batch deploys up to targetBatchSize subscriptions and as many resource groups, about 600
// resources, under ARM's limit of 800 per template; the batches deploy in parallel, each a nested deployment
// <namePrefix>-targets-<n> of its own, which infra/deploy.sh reports on one line each.
module targetBatches 'modules/target-batch.bicep' = [for batch in range(0, targetBatchCount): {
  name: '${namePrefix}-targets-${batch}'
  params: {
    location: location
    subscriptionIds: take(skip(targetIds, batch * targetBatchSize), targetBatchSize)
    resourceGroups: take(skip(watchedGroups, batch * targetBatchSize), targetBatchSize)
    eventsResourceGroupName: eventsResourceGroupName
    tags: resourceTags
    systemTopicName: systemTopicName
    resourceGroupTopicName: resourceGroupTopicName
    assignRole: assignRole
    roleDefinitionGuid: roleDefinitionGuid
    principalId: app.outputs.principalId
    actionGroupId: alerting.outputs.actionGroupId
    deadLetterResourceGroupName: rg.name
    deadLetterStorageAccountName: deadLetterStorage.outputs.storageAccountName
    deadLetterStorageAccountId: deadLetterStorage.outputs.storageAccountId
    deadLetterContainerName: deadLetterStorage.outputs.containerName
    deployEventSubscription: deployEventSubscription
    eventSubscriptionName: eventSubscriptionName
    exportActivityLog: exportActivityLog
    workspaceId: app.outputs.workspaceId
    functionResourceId: '${app.outputs.id}/functions/OnResourceWrite'
    includedEventTypes: deliveredEventTypes
    operationNames: handledOperations
    existingTopics: reusedTopics
  }
  dependsOn: [
    role
    settings
  ]
}]

// driftguard's own health: cannot start, reconcile not completed in two schedules.
module health 'modules/health-alerts.bicep' = {
  name: 'driftguard-health-alerts'
  scope: rg
  params: {
    location: location
    namePrefix: namePrefix
    workspaceName: app.outputs.workspaceName
    tags: resourceTags
    actionGroupId: alerting.outputs.actionGroupId
    watchedSubscriptionIds: watchedSubscriptionIds
    reconcileAlertWindow: reconcileAlertWindow
    deployedAt: deployedAt
  }
}

// The estate at a glance in the portal: an Azure Monitor workbook over the findings table and the function's logs.
module workbook 'modules/workbook.bicep' = {
  name: 'driftguard-workbook'
  scope: rg
  params: {
    location: location
    tags: resourceTags
    namePrefix: namePrefix
    workspaceName: app.outputs.workspaceName
  }
}

output namePrefix string = namePrefix
output installId string = installId
output resourceGroupName string = rg.name
output functionAppName string = app.outputs.name
output functionAppId string = app.outputs.id
output principalId string = app.outputs.principalId
output targetSubscriptionIds array = targetIds
output targetResourceGroupIds array = targetResourceGroupIds
// "<target> <topic id>" per topic driftguard used and did not create: infra/remove.sh deletes only its event subscription there.
output reusedTopics array = map(foundTopics, t => '${toLower(t.target)} ${t.id}')
output resourceGroupTopicName string = resourceGroupTopicName
output eventsResourceGroupName string = eventsResourceGroupName
output managementGroupId string = managementGroupId
output roleDefinitionGuid string = roleDefinitionGuid
output roleDefinitionSubscriptionId string = roleSubscriptionId
output eventSubscriptionDeployed bool = deployEventSubscription
output targetBatchCount int = targetBatchCount
output logsIngestionEndpoint string = alerting.outputs.logsIngestionEndpoint
output dcrImmutableId string = alerting.outputs.dcrImmutableId
output actionGroupId string = alerting.outputs.actionGroupId
output workbookId string = workbook.outputs.workbookId
