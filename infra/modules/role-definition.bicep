// The custom role driftguard runs with: exactly the ARM actions its code performs (main.bicep derives them from the
// document catalog infra/documents.json), nothing else: no wildcards, no secrets (config/list, publishxml, keys), no
// delete, no restart.
targetScope = 'subscription'

@description('Name (a GUID) of the role definition; the role assignments reference it.')
param roleDefinitionGuid string

@description('Display name of the role; unique in the tenant.')
param roleName string

@description('The ARM actions the role grants.')
param actions array

@description('Subscriptions (/subscriptions/<id>) where the role can be assigned.')
param assignableScopes array

resource remediator 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: roleDefinitionGuid
  properties: {
    roleName: roleName
    description: 'driftguard: read function apps and patch only their insecure settings. Generated from infra/documents.json.'
    type: 'CustomRole'
    permissions: [
      {
        actions: actions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: assignableScopes
  }
}

output id string = remediator.id
