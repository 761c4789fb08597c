#!/usr/bin/env bash
# Removes everything infra/deploy.sh created, found through the outputs of its subscription deployment.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: infra/remove.sh [--yes] [--name DEPLOYMENT]

Removes driftguard from the current Azure CLI subscription (the one infra/deploy.sh deployed from), reading what to
delete from the outputs of the subscription deployment DEPLOYMENT (default: $DRIFTGUARD_DEPLOYMENT or driftguard):
  1. the custom role's assignments to driftguard's identity, in every target subscription (or at the management group)
  2. the resource group with the Event Grid system topic and event subscription, in every target subscription
  3. the custom role definition
  4. driftguard's resource group: function app, plan, storage, Log Analytics workspace, Application Insights, DCR,
     alert rules, action group (the workspace stays recoverable for 14 days, as Azure soft-deletes workspaces)
  5. the deployment records
Asks for confirmation unless --yes is given.
USAGE
}

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'remove.sh: %s\n' "$*" >&2; exit 1; }

yes=false
name="${DRIFTGUARD_DEPLOYMENT:-driftguard}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    -y | --yes) yes=true; shift ;;
    --name) [[ $# -ge 2 ]] || die "--name needs a value"; name="$2"; shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done

command -v az >/dev/null 2>&1 || die "'az' not found: install the Azure CLI"
az account show --output none 2>/dev/null || die "the Azure CLI is not logged in: run 'az login'"
az deployment sub show --name "$name" --output none 2>/dev/null \
  || die "no subscription deployment '$name' in subscription $(az account show --query id --output tsv): pass --name, or az account set --subscription <the one deploy.sh used>"

output() {
  az deployment sub show --name "$name" --query "properties.outputs.$1.value" --output tsv
}

group="$(output resourceGroupName)"
eventsGroup="$(output eventsResourceGroupName)"
principal="$(output principalId)"
roleGuid="$(output roleDefinitionGuid)"
roleSubscription="$(output roleDefinitionSubscriptionId)"
managementGroup="$(output managementGroupId)"
mapfile -t targets < <(output targetSubscriptionIds)
mapfile -t groups < <(output targetResourceGroupIds)
groupTopic="$(output resourceGroupTopicName)"

say "This deletes driftguard (deployment '$name'):"
say "  role assignments of identity $principal and the custom role ${roleGuid:-at management group $managementGroup}"
for target in "${targets[@]}"; do
  say "  resource group $eventsGroup in subscription $target (system topic, event subscription)"
done
for watched in "${groups[@]}"; do
  say "  in resource group $watched: system topic $groupTopic (and its event subscription), its dead-letter alert"
done
say "  resource group $group in subscription $(az account show --query id --output tsv)"
if [[ "$yes" != true ]]; then
  [[ -t 0 ]] || die "not a terminal: pass --yes to delete without asking"
  read -r -p "Type 'yes' to delete all of this: " answer
  [[ "$answer" == yes ]] || die "nothing deleted"
fi

if [[ -n "$managementGroup" ]]; then
  scope="/providers/Microsoft.Management/managementGroups/$managementGroup"
  say "1/5 deleting the role assignment at $scope"
  for id in $(az role assignment list --scope "$scope" --query "[?principalId=='$principal'].id" --output tsv); do
    az role assignment delete --ids "$id" --output none
  done
else
  for target in "${targets[@]}"; do
    say "1/5 deleting the custom role's assignment in subscription $target"
    role="/subscriptions/$target/providers/Microsoft.Authorization/roleDefinitions/$roleGuid"
    for id in $(az role assignment list --scope "/subscriptions/$target" --role "$role" \
        --query "[?principalId=='$principal'].id" --output tsv); do
      az role assignment delete --ids "$id" --output none
    done
  done
fi

for watched in "${groups[@]}"; do
  say "1/5 deleting the custom role's assignment at $watched"
  for id in $(az role assignment list --scope "$watched" --query "[?principalId=='$principal'].id" --output tsv); do
    az role assignment delete --ids "$id" --output none
  done
  # The group is the team's own: only driftguard's topic (with its event subscription) and alert go.
  say "2/5 az resource delete: system topic $groupTopic and its dead-letter and tamper alerts in $watched"
  az resource delete --ids "$watched/providers/Microsoft.Insights/metricAlerts/$groupTopic-dead-letters" --output none 2>/dev/null || true
  az resource delete --ids "$watched/providers/Microsoft.Insights/activityLogAlerts/$groupTopic-tampering" --output none 2>/dev/null || true
  az resource delete --ids "$watched/providers/Microsoft.EventGrid/systemTopics/$groupTopic" --output none 2>/dev/null || true
done

for target in "${targets[@]}"; do
  say "2/5 az group delete --subscription $target --name $eventsGroup"
  if az group exists --subscription "$target" --name "$eventsGroup" | grep -q true; then
    az group delete --subscription "$target" --name "$eventsGroup" --yes
  fi
done

if [[ -n "$managementGroup" ]]; then
  roleId="$(az deployment mg show --management-group-id "$managementGroup" --name "$name-role" \
    --query properties.outputs.roleDefinitionId.value --output tsv 2>/dev/null || true)"
  if [[ -n "$roleId" ]]; then
    say "3/5 az role definition delete --name ${roleId##*/} --scope $scope"
    az role definition delete --name "${roleId##*/}" --scope "$scope"
  fi
  az deployment mg delete --management-group-id "$managementGroup" --name "$name-role" --output none 2>/dev/null || true
else
  say "3/5 az role definition delete --name $roleGuid --scope /subscriptions/$roleSubscription"
  az role definition delete --name "$roleGuid" --scope "/subscriptions/$roleSubscription"
fi

say "4/5 az group delete --name $group"
if az group exists --name "$group" | grep -q true; then
  az group delete --name "$group" --yes
fi

say "5/5 az deployment sub delete --name $name"
az deployment sub delete --name "$name" --output none
say "driftguard removed"
