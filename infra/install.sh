# shellcheck shell=bash
# Sourced by deploy.sh and remove.sh (after checks.sh and a say function): what an install is, read back from the
# outputs of its subscription deployment $name and checked before use, and the removal of one of its targets, which
# remove.sh does for every target and deploy.sh for a target that left (a subscription no longer listed, or moved out
# of the management group; a resource group no longer listed).

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

# read_install <own subscription>: the install's outputs into prefix, group, eventsGroup, groupTopic, principal,
# roleSubscription, roleGuid, managementGroup, batches, targets, groups, reused (the topics it used and did not create,
# "<target> <topic id>" each), eventSubscription and installTag. Each is read in an assignment of
# its own (a failed read stops the script under set -e, which a process substitution would not) and checked; one that
# does not fit stops the script. roleGuid is empty only for an install made at a management group before the role was
# assigned per subscription (it was assigned at the group then), batches 0 for one made before the batches.
read_install() {
  local own="$1" listed id
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
  managementGroup="$(output managementGroupId)"
  [[ -z "$managementGroup" ]] \
    || check_matches "output managementGroupId" "$managementGroup" "$MANAGEMENT_GROUP_PATTERN" "not a management group id"
  roleGuid="$(output roleDefinitionGuid)"
  [[ -n "$managementGroup" && -z "$roleGuid" ]] || check_guid "output roleDefinitionGuid" "$roleGuid"
  batches="$(output targetBatchCount)"
  batches="${batches:-0}"
  check_matches "output targetBatchCount" "$batches" '^[0-9]{1,4}$' "not a number of batches"
  listed="$(output targetSubscriptionIds)"
  targets=()
  lines_into targets "$listed"
  for id in ${targets[@]+"${targets[@]}"}; do check_guid "output targetSubscriptionIds" "$id"; done
  listed="$(output targetResourceGroupIds)"
  groups=()
  lines_into groups "$listed"
  for id in ${groups[@]+"${groups[@]}"}; do check_resource_group_id "output targetResourceGroupIds" "$id"; done
  # Older installs have no such output: they created every topic.
  listed="$(output reusedTopics)"
  reused=()
  lines_into reused "$listed"
  for id in ${reused[@]+"${reused[@]}"}; do check_reused_topic "$id"; done
  eventSubscription="$prefix-on-resource-write"
  # Written on the resource groups by main.bicep: the id of this install's own resource group.
  installTag="/subscriptions/$own/resourceGroups/$group"
}

# check_reused_topic "<target> <topic id>": the target a subscription id or a resource group id (as main.bicep writes
# them, lower case), the topic one in the target's subscription.
check_reused_topic() {
  local target="${1%% *}" subscription
  subscription="${target#/subscriptions/}"
  subscription="${subscription%%/*}"
  if [[ "$1" != *" "* || ! "$subscription" =~ $GUID_PATTERN ]] || ! { [[ "$target" == "$subscription" ]] \
    || [[ "$target" == "/subscriptions/$subscription/resourcegroups/${target##*/}" && "${target##*/}" =~ $RESOURCE_GROUP_PATTERN ]]; }; then
    refuse "output reusedTopics" "$1" "not '<target> <system topic id>'"
  fi
  check_topic_of "output reusedTopics" "${1#* }" "$subscription"
}

# reused_topic <target>: the system topic the install used at that target and did not create, or nothing.
reused_topic() {
  local line
  for line in ${reused[@]+"${reused[@]}"}; do
    if [[ "${line%% *}" == "$(lower "$1")" ]]; then
      printf '%s' "${line#* }"
      return 0
    fi
  done
}

# leave_topic <topic id>: a topic driftguard did not create loses driftguard's event subscription, and nothing else.
leave_topic() {
  say "    leaving system topic $1 alone: driftguard did not create it; deleting only its event subscription $eventSubscription"
  tolerating_not_found az resource delete --ids "$1/eventSubscriptions/$eventSubscription" --output none
}

# delete_assignments <scope>: the install's identity's assignments of its custom role at that scope, filtered by az
# itself; an id az lists outside the scope is named and left.
delete_assignments() {
  local scope="$1" subscription assignments id
  [[ -n "$roleGuid" ]] || return 0
  subscription="${scope#/subscriptions/}"
  subscription="${subscription%%/*}"
  assignments="$(az role assignment list --scope "$scope" --assignee-object-id "$principal" \
    --role "/subscriptions/$subscription/providers/Microsoft.Authorization/roleDefinitions/$roleGuid" \
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

# remove_subscription_target <subscription>: the role's assignment there, and the events group (topic, event
# subscription, dead-letter and tamper alerts); on a topic the install found there, its event subscription only.
remove_subscription_target() {
  local topic
  say "    subscription $1: the custom role's assignment, resource group $eventsGroup"
  delete_assignments "/subscriptions/$1"
  topic="$(reused_topic "$1")"
  [[ -z "$topic" ]] || leave_topic "$topic"
  delete_group_if_ours "$1" "$eventsGroup"
}

# remove_group_target <resource group id>: the role's assignment there, and driftguard's topic (with its event
# subscription) and its dead-letter and tamper alerts; the group is the team's own and stays.
remove_group_target() {
  local topic
  say "    resource group $1: the custom role's assignment, system topic $groupTopic and its dead-letter and tamper alerts"
  delete_assignments "$1"
  tolerating_not_found az resource delete --ids "$1/providers/Microsoft.Insights/metricAlerts/$groupTopic-dead-letters" --output none
  tolerating_not_found az resource delete --ids "$1/providers/Microsoft.Insights/activityLogAlerts/$groupTopic-tampering" --output none
  topic="$(reused_topic "$1")"
  if [[ -n "$topic" ]]; then
    leave_topic "$topic"
  else
    tolerating_not_found az resource delete --ids "$1/providers/Microsoft.EventGrid/systemTopics/$groupTopic" --output none
  fi
}

# remove_targets_that_left: after a deployment, every target of the install read before it (read_install) that the
# deployment's outputs no longer list is removed.
remove_targets_that_left() {
  local listed now target
  listed="$(output targetSubscriptionIds)"
  now="$(lower "$listed")"
  for target in ${targets[@]+"${targets[@]}"}; do
    grep -qxF -- "$(lower "$target")" <<<"$now" || remove_subscription_target "$target"
  done
  listed="$(output targetResourceGroupIds)"
  now="$(lower "$listed")"
  for target in ${groups[@]+"${groups[@]}"}; do
    grep -qxF -- "$(lower "$target")" <<<"$now" || remove_group_target "$target"
  done
}
