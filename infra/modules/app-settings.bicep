// All of the function app's settings in one sites/config 'appsettings' resource (it replaces the whole set on every
// deployment, so nothing set by hand survives a redeploy: set per-control modes through main.bicep's controlModes).
targetScope = 'resourceGroup'

@description('Name of the function app.')
param functionAppName string

@description('Name of the Application Insights component; its connection string is read here, not passed around.')
param appInsightsName string

@description('The app settings: identity-based host storage and driftguard\'s own settings (the names Settings.names() lists).')
param settings object

resource site 'Microsoft.Web/sites@2024-11-01' existing = {
  name: functionAppName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource appSettings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: site
  name: 'appsettings'
  properties: union(settings, {
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  })
}
