// The estate at a glance in the portal: an Azure Monitor workbook over the findings table and the function's own logs
// (workspace-based Application Insights writes them into the same workspace). Its queries are in
// infra/workbook/driftguard.workbook.json, which WorkbookTemplateTest checks against infra/alerts/findings-table.json.
targetScope = 'resourceGroup'

param location string

@description('Tags of every resource this module creates: main.bicep\'s tags parameter with the install\'s driftguard-install tag.')
param tags object

@description('Prefix of every name.')
param namePrefix string

@description('The Log Analytics workspace that holds the findings table and the function\'s logs.')
param workspaceName string

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

// A workbook's name is a GUID; a stable one makes redeployments update it in place.
resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, namePrefix, 'driftguard-workbook')
  tags: tags
  location: location
  kind: 'shared'
  properties: {
    displayName: '${namePrefix}: drift across the estate'
    category: 'workbook'
    sourceId: workspace.id
    serializedData: replace(loadTextContent('../workbook/driftguard.workbook.json'), '__WORKSPACE_ID__', workspace.id)
  }
}

output workbookId string = workbook.id
