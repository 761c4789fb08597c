// The management-group variant of the custom role (main.bicep parameter managementGroupId). A subscription-scope
// deployment cannot target a management group without a tenant-scope hop (which needs rights at the tenant root), so
// infra/deploy.sh deploys this file on its own:
//   az deployment mg create --management-group-id <mg> --location <region> \
//     --template-file infra/modules/role-management-group.bicep --parameters principalId=<driftguard's object id>
targetScope = 'managementGroup'

@minLength(3)
@maxLength(12)
@description('The namePrefix used for main.bicep.')
param namePrefix string = 'driftguard'

@description('Object id of driftguard\'s managed identity (main.bicep output principalId).')
param principalId string

var permissions = loadJsonContent('../permissions.json')

resource remediator 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(managementGroup().id, namePrefix, 'driftguard-remediator')
  properties: {
    roleName: '${namePrefix} remediator (${managementGroup().name})'
    description: 'driftguard: read function apps and patch only their insecure settings. Generated from infra/permissions.json.'
    type: 'CustomRole'
    permissions: [
      {
        actions: map(permissions.actions, p => p.action)
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

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(managementGroup().id, principalId, remediator.id)
  properties: {
    roleDefinitionId: remediator.id
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'driftguard remediator on every subscription under this management group'
  }
}

output roleDefinitionId string = remediator.id
output roleAssignmentId string = assignment.id
