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
  2. driftguard's system topic and its alert in every target resource group, and the resource group with the Event
     Grid system topic and event subscription in every target subscription
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

output() {
  az deployment sub show --name "$name" --query "properties.outputs.$1.value" --output tsv
}

# tolerating_not_found <command> [args...]: the command's output; nothing when Azure answers that the thing is not
# there (a removal run a second time); any other failure is the command's own.
tolerating_not_found() {
  local errors out status=0
  errors="$(mktemp)"
  out="$("$@" 2>"$errors")" || status=$?
  if [[ $status -ne 0 ]] && grep -qE 'NotFound|could not be found' "$errors"; then
    status=0
    out=""
  fi
  cat "$errors" >&2
  rm -f "$errors"
  printf '%s' "$out"
  return "$status"
}

# Each output is read in an assignment of its own (a failed read stops the script under set -e, which a process
# substitution would not) and checked before it is used.
prefix="$(output namePrefix)"
check_matches "output namePrefix" "$prefix" "$NAME_PREFIX_PATTERN" "not a name prefix (3 to 12 letters, digits and hyphens)"
group="$(output resourceGroupName)"
check_equals "output resourceGroupName" "$group" "rg-$prefix"
eventsGroup="$(output eventsResourceGroupName)"
check_equals "output eventsResourceGroupName" "$eventsGroup" "rg-$prefix-events"
groupTopic="$(output resourceGroupTopicName)"
check_equals "output resourceGroupTopicName" "$groupTopic" "$prefix-resource-group-events"
principal="$(output principalId)"
check_guid "output principalId" "$principal"
roleSubscription="$(output roleDefinitionSubscriptionId)"
check_guid "output roleDefinitionSubscriptionId" "$roleSubscription"
roleGuid="$(output roleDefinitionGuid)"
check_guid "output roleDefinitionGuid" "$roleGuid"
managementGroup="$(output managementGroupId)"
if [[ -n "$managementGroup" ]]; then
  check_matches "output managementGroupId" "$managementGroup" "$MANAGEMENT_GROUP_PATTERN" "not a management group id"
  scope="/providers/Microsoft.Management/managementGroups/$managementGroup"
  roleId="$(tolerating_not_found az deployment mg show --management-group-id "$managementGroup" --name "$name-role" \
    --query properties.outputs.roleDefinitionId.value --output tsv)"
  [[ -z "$roleId" ]] || check_equals "management-group output roleDefinitionId" "$roleId" \
    "$scope/providers/Microsoft.Authorization/roleDefinitions/$roleGuid"
fi

batches="$(output targetBatchCount)"
check_matches "output targetBatchCount" "$batches" '^[0-9]{1,4}$' "not a number of batches"
listed="$(output targetSubscriptionIds)"
lines_into targets "$listed"
for id in ${targets[@]+"${targets[@]}"}; do check_guid "output targetSubscriptionIds" "$id"; done
listed="$(output targetResourceGroupIds)"
lines_into groups "$listed"
for id in ${groups[@]+"${groups[@]}"}; do check_resource_group_id "output targetResourceGroupIds" "$id"; done
# Written on the resource groups by main.bicep: the id of this install's own resource group.
installTag="/subscriptions/$own/resourceGroups/$group"

say "This deletes driftguard (deployment '$name'):"
say "  the role assignments of identity $principal and the custom role $roleGuid${managementGroup:+ (defined at management group $managementGroup)}"
for target in ${targets[@]+"${targets[@]}"}; do
  say "  resource group $eventsGroup in subscription $target (system topic, event subscription), if tagged by this install"
done
for watched in ${groups[@]+"${groups[@]}"}; do
  say "  in resource group $watched: system topic $groupTopic (and its event subscription), its dead-letter alert"
done
say "  resource group $group in subscription $own, if tagged by this install"
if [[ "$yes" != true ]]; then
  [[ -t 0 ]] || die "not a terminal: pass --yes to delete without asking"
  read -r -p "Type 'yes' to delete all of this: " answer
  [[ "$answer" == yes ]] || die "nothing deleted"
fi

# delete_assignments <scope> <role definition id>: driftguard's identity's assignments of that role at that scope,
# filtered by az itself; an id az lists outside the scope is named and left.
delete_assignments() {
  local scope="$1" role="$2" assignments id
  assignments="$(az role assignment list --scope "$scope" --assignee-object-id "$principal" --role "$role" \
    --query "[].id" --output tsv)"
  while IFS= read -r id; do
    [[ -n "$id" ]] || continue
    case "$(lower "$id")" in
      "$(lower "$scope")"/providers/microsoft.authorization/roleassignments/*) ;;
      *) id="" ;;
    esac
    if [[ -z "$id" || ! "${id##*/}" =~ $GUID_PATTERN ]]; then
      say "    skipping a listed id: not a role assignment at $scope"
      continue
    fi
    az role assignment delete --ids "$id" --output none
  done <<<"$assignments"
}

# delete_group_if_ours <subscription> <name>: deletes the group only if it carries this install's tag.
delete_group_if_ours() {
  local subscription="$1" name="$2" tag
  if ! az group exists --subscription "$subscription" --name "$name" | grep -q true; then
    return 0
  fi
  tag="$(az group show --subscription "$subscription" --name "$name" --query 'tags."driftguard-install"' --output tsv)"
  if [[ "$(lower "$tag")" != "$(lower "$installTag")" ]]; then
    say "    leaving resource group $name in subscription $subscription alone: it does not carry the tag driftguard-install=$installTag"
    return 0
  fi
  az group delete --subscription "$subscription" --name "$name" --yes
}

for target in ${targets[@]+"${targets[@]}"}; do
  say "1/5 deleting the custom role's assignment in subscription $target"
  delete_assignments "/subscriptions/$target" "/subscriptions/$target/providers/Microsoft.Authorization/roleDefinitions/$roleGuid"
done
if [[ -n "$managementGroup" ]]; then
  # Earlier versions assigned the role at the group itself.
  say "1/5 deleting any assignment to $principal at management group $managementGroup itself"
  az role assignment delete --assignee-object-id "$principal" --scope "$scope" --yes --output none
fi

for watched in ${groups[@]+"${groups[@]}"}; do
  say "1/5 deleting the custom role's assignment at $watched"
  watchedSubscription="${watched#/subscriptions/}"
  delete_assignments "$watched" \
    "/subscriptions/${watchedSubscription%%/*}/providers/Microsoft.Authorization/roleDefinitions/$roleGuid"
  # The group is the team's own: only driftguard's topic (with its event subscription) and alert go.
  say "2/5 az resource delete: system topic $groupTopic and its dead-letter alert in $watched"
  tolerating_not_found az resource delete --ids "$watched/providers/Microsoft.Insights/metricAlerts/$groupTopic-dead-letters" --output none
  tolerating_not_found az resource delete --ids "$watched/providers/Microsoft.EventGrid/systemTopics/$groupTopic" --output none
done

for target in ${targets[@]+"${targets[@]}"}; do
  say "2/5 az group delete --subscription $target --name $eventsGroup"
  delete_group_if_ours "$target" "$eventsGroup"
done

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
