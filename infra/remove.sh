#!/usr/bin/env bash
# Removes everything infra/deploy.sh created, found through the outputs of its subscription deployment. Those outputs
# are written by whoever may write deployments in driftguard's subscription: each is checked against the exact shape
# deploy.sh gives it before it reaches an az argument (checks.sh), and a resource group goes only if it carries the tag
# deploy.sh wrote on it.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: infra/remove.sh [--yes] [--name DEPLOYMENT]

Removes driftguard from the current Azure CLI subscription (the one infra/deploy.sh deployed from), reading what to
delete from the outputs of the subscription deployment DEPLOYMENT (default: $DRIFTGUARD_DEPLOYMENT or driftguard):
  1. the custom role's assignments to driftguard's identity, in every target subscription and resource group (and,
     with a management group, any that an earlier version made at the group itself)
  2. driftguard's system topic and its dead-letter and tamper alerts in every target resource group, and the resource
     group with the Event Grid system topic, event subscription and alerts in every target subscription; on a system
     topic the install found there and did not create (output reusedTopics), only driftguard's event subscription
  3. the custom role definition
  4. driftguard's resource group: function app, plan, storage, Log Analytics workspace, Application Insights, DCR,
     alert rules, action group (the workspace stays recoverable for 14 days, as Azure soft-deletes workspaces)
  5. the deployment records
Every output is checked first (GUIDs, the resource group names deploy.sh creates, a management group id); one that
does not fit stops the script before anything is deleted. A resource group is deleted only if it carries the tag
driftguard-install=/subscriptions/<this subscription>/resourceGroups/rg-<namePrefix>, which deploy.sh writes.
Asks for confirmation unless --yes is given.
USAGE
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=infra/checks.sh
source "$here/checks.sh"
# shellcheck source=infra/install.sh
source "$here/install.sh"
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
require_az_version
az account show --output none 2>/dev/null || die "the Azure CLI is not logged in: run 'az login'"
own="$(az account show --query id --output tsv)"
check_guid "the current subscription" "$own"
az deployment sub show --name "$name" --output none 2>/dev/null \
  || die "no subscription deployment '$name' in subscription $own: pass --name, or az account set --subscription <the one deploy.sh used>"

read_install "$own"
if [[ -n "$managementGroup" ]]; then
  scope="/providers/Microsoft.Management/managementGroups/$managementGroup"
  roleId="$(tolerating_not_found az deployment mg show --management-group-id "$managementGroup" --name "$name-role" \
    --query properties.outputs.roleDefinitionId.value --output tsv)"
  if [[ -n "$roleId" && -z "$roleGuid" ]]; then
    # An install made before the role was assigned per subscription: its role is the group deployment's.
    roleGuid="${roleId##*/}"
    check_guid "the role of management-group output roleDefinitionId" "$roleGuid"
  fi
  [[ -z "$roleId" ]] || check_equals "management-group output roleDefinitionId" "$roleId" \
    "$scope/providers/Microsoft.Authorization/roleDefinitions/$roleGuid"
fi

say "This deletes driftguard (deployment '$name'):"
say "  the role assignments of identity $principal and the custom role $roleGuid${managementGroup:+ (defined at management group $managementGroup)}"
for target in ${targets[@]+"${targets[@]}"}; do
  say "  resource group $eventsGroup in subscription $target (system topic, event subscription), if tagged by this install"
done
for watched in ${groups[@]+"${groups[@]}"}; do
  say "  in resource group $watched: system topic $groupTopic (and its event subscription), its dead-letter and tamper alerts"
done
say "  resource group $group in subscription $own, if tagged by this install"
if [[ "$yes" != true ]]; then
  [[ -t 0 ]] || die "not a terminal: pass --yes to delete without asking"
  read -r -p "Type 'yes' to delete all of this: " answer
  [[ "$answer" == yes ]] || die "nothing deleted"
fi

say "1/5 and 2/5: in every target, the custom role's assignment and driftguard's system topic"
for target in ${targets[@]+"${targets[@]}"}; do
  remove_subscription_target "$target"
done
for watched in ${groups[@]+"${groups[@]}"}; do
  remove_group_target "$watched"
done
if [[ -n "$managementGroup" ]]; then
  # Earlier versions assigned the role at the group itself.
  say "1/5 deleting any assignment to $principal at management group $managementGroup itself"
  az role assignment delete --assignee-object-id "$principal" --scope "$scope" --yes --output none
fi

if [[ -n "$managementGroup" ]]; then
  if [[ -n "$roleId" ]]; then
    say "3/5 az role definition delete --name $roleGuid --scope $scope"
    az role definition delete --name "$roleGuid" --scope "$scope"
  fi
  tolerating_not_found az deployment mg delete --management-group-id "$managementGroup" --name "$name-role" --output none
else
  say "3/5 az role definition delete --name $roleGuid --scope /subscriptions/$roleSubscription"
  az role definition delete --name "$roleGuid" --scope "/subscriptions/$roleSubscription"
fi

say "4/5 az group delete --name $group"
delete_group_if_ours "$own" "$group"

say "5/5 az deployment sub delete --name $name (and its batches of targets, $prefix-targets-<n>)"
for ((batch = 0; batch < batches; batch++)); do
  tolerating_not_found az deployment sub delete --name "$prefix-targets-$batch" --output none
done
az deployment sub delete --name "$name" --output none
say "driftguard removed"
