# shellcheck shell=bash
# Sourced by deploy.sh (after retry.sh) for --management-group: the subscriptions under a management group, which
# Bicep cannot list (there is no list function for a management group's descendants), so the script enumerates them and
# passes them to main.bicep as targetSubscriptionIds.

# A management group created, or a right on it granted, moments ago is not visible everywhere yet: reading it fails
# with AuthorizationFailed (ARM authorizes the unknown scope first) or ManagementGroupNotFound.
MANAGEMENT_GROUP_NOT_YET_VISIBLE='AuthorizationFailed|ManagementGroupNotFound'

# subscriptions_under_management_group <management group id>
# Prints, one a line, the id of every usable subscription anywhere under the management group (child groups included:
# an entity's parentNameChain holds every group above it), in the order Azure lists them. A disabled or deleted
# subscription stays under its group for a while and would fail the whole deployment (it is read-only): it is left
# out, and said so. Each step returns on failure: deploy.sh calls this in a command substitution, which does not
# inherit set -e.
subscriptions_under_management_group() {
  local group="$1" listed usable id
  retry_consistency "management group $group" "$MANAGEMENT_GROUP_NOT_YET_VISIBLE" -- \
    az account management-group show --name "$group" --output none || return
  listed="$(retry_consistency "subscriptions under management group $group" "$MANAGEMENT_GROUP_NOT_YET_VISIBLE" -- \
    az account management-group entities list \
    --query "[?type=='/subscriptions' && contains(parentNameChain || \`[]\`, '$group')].name" --output tsv)" || return
  usable="$(az account list --all --refresh \
    --query "[?state=='Enabled' || state=='Warned' || state=='PastDue'].id" --output tsv)" || return
  while read -r id; do
    [[ -n "$id" ]] || continue
    if grep -qixF -- "$id" <<<"$usable"; then
      printf '%s\n' "$id"
    else
      say "    leaving out subscription $id under $group: disabled, deleted, or not visible to this login (az account list)"
    fi
  done <<<"$listed"
}

# json_array <item>...: the items as a JSON array of strings (subscription ids: no quotes or backslashes to escape).
json_array() {
  local json="" item
  for item in "$@"; do
    json+="${json:+,}\"$item\""
  done
  printf '[%s]' "$json"
}
