// The management-group variant of the custom role (main.bicep parameter managementGroupId): defined at the group, so
// that one definition serves every subscription under it, and never assigned here: an assignment at the group would
// reach every subscription under it, those driftguard does not watch included. main.bicep assigns it at each watched
// subscription and resource group. A subscription-scope deployment cannot target a management group without a
// tenant-scope hop (which needs rights at the tenant root), so infra/deploy.sh deploys this file on its own:
//   az deployment mg create --management-group-id <mg> --location <region> \
//     --template-file infra/modules/role-management-group.bicep --parameters namePrefix=<main.bicep's namePrefix> installId=<its output installId>
targetScope = 'managementGroup'

@minLength(3)
@maxLength(12)
@description('The namePrefix used for main.bicep.')
param namePrefix string = 'driftguard'

@description('The install\'s own scope (main.bicep output installId, the id of its resource group): two installs at one group get roles of their own.')
param installId string

// As main.bicep derives its role (BicepTemplateTest keeps both equal to the code).
// The documents driftguard reads, one entry each (documents.json, which remediations' Documents loads too). The role
// needs, for sites and for slots, each document's read, its write when driftguard writes it, and the read of the
// collection it is listed with; each action once (config/web and config/authsettingsV2 share config/read).
var documents = loadJsonContent('../documents.json').documents
var siteTypes = ['Microsoft.Web/sites', 'Microsoft.Web/sites/slots']
var readActions = flatten(map(documents, d => map(siteTypes, t => '${t}${d.rbacType}/read')))
var writeActions = flatten(map(filter(documents, d => d.write != null), d => map(siteTypes, t => '${t}${d.rbacType}/write')))
var listActions = flatten(map(filter(documents, d => d.listedWith != null), d => map(siteTypes, t => '${t}/${d.listedWith}/read')))
var neededActions = concat(readActions, writeActions, listActions)
var roleActions = filter(neededActions, (action, i) => indexOf(neededActions, action) == i)

resource remediator 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(managementGroup().id, installId, namePrefix, 'driftguard-remediator')
  properties: {
    roleName: '${namePrefix} remediator (${managementGroup().name}, ${take(uniqueString(installId), 6)})'
    description: 'driftguard: read function apps and patch only their insecure settings. Generated from infra/documents.json.'
    type: 'CustomRole'
    permissions: [
      {
        actions: roleActions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [
      managementGroup().id
    ]
  }
}

output roleDefinitionId string = remediator.id
