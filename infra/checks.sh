# shellcheck shell=bash
# Sourced by deploy.sh and remove.sh: checks of what the scripts read back from Azure (deployment outputs, listed ids)
# before a value reaches an az argument. Whoever may write deployments in driftguard's subscription writes those
# outputs, so each one is held to the exact shape deploy.sh produces; anything else stops the script.

GUID_PATTERN='^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$'
# What Azure allows in a management group's id, and in a resource group's name (ASCII only: nothing of driftguard's
# needs more).
MANAGEMENT_GROUP_PATTERN='^[A-Za-z0-9._()-]{1,90}$'
RESOURCE_GROUP_PATTERN='^[A-Za-z0-9._()-]{0,89}[A-Za-z0-9_()-]$'
# An Event Grid system topic's id, in lower case: its subscription (BASH_REMATCH[1]), group ([3]) and name ([4]), which
# Event Grid allows to be 3 to 128 letters, digits and hyphens.
SYSTEM_TOPIC_ID_PATTERN='^/subscriptions/([0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12})/resourcegroups/([a-z0-9._()-]{0,89}[a-z0-9_()-])/providers/microsoft\.eventgrid/systemtopics/([a-z0-9-]{3,128})$'
# main.bicep's namePrefix: 3 to 12 letters, digits and hyphens.
NAME_PREFIX_PATTERN='^[A-Za-z0-9-]{3,12}$'

# refuse <what> <value> <why>: stops the script, naming the value read back and what was expected of it.
refuse() {
  printf '%s: refusing %s %s: %s; nothing more is done\n' "${0##*/}" "$1" "'$2'" "$3" >&2
  exit 1
}

# check_matches <what> <value> <extended regular expression> <what was expected>
check_matches() {
  [[ "$2" =~ $3 ]] || refuse "$1" "$2" "$4"
}

check_guid() {
  check_matches "$1" "$2" "$GUID_PATTERN" "not a GUID"
}

check_equals() {
  [[ "$2" == "$3" ]] || refuse "$1" "$2" "deploy.sh names it '$3'"
}

# check_resource_group_id <what> <value>: /subscriptions/<GUID>/resourceGroups/<name>, nothing more.
check_resource_group_id() {
  local subscription="${2#/subscriptions/}"
  local group="${subscription#*/resourceGroups/}"
  subscription="${subscription%%/*}"
  [[ "$2" == "/subscriptions/$subscription/resourceGroups/$group" && "$subscription" =~ $GUID_PATTERN \
    && "$group" =~ $RESOURCE_GROUP_PATTERN ]] || refuse "$1" "$2" "not /subscriptions/<GUID>/resourceGroups/<name>"
}

# check_topic_of <what> <value> <subscription>: the id of a system topic in that subscription, nothing more.
check_topic_of() {
  [[ "$(lower "$2")" =~ $SYSTEM_TOPIC_ID_PATTERN && "${BASH_REMATCH[1]}" == "$(lower "$3")" ]] \
    || refuse "$1" "$2" "not the id of a system topic in subscription $3"
}

# lower <text>: in lower case (bash 3.2 has no ${text,,}).
lower() {
  printf '%s' "$1" | tr '[:upper:]' '[:lower:]'
}

# lines_into <array name> <text>: the text's non-empty lines, in order, into the array (bash 3.2 has no mapfile).
# Declare the array first (name=()): an empty text may leave it unset, which set -u refuses before bash 4.4.
lines_into() {
  IFS=$'\n' read -r -d '' -a "$1" <<<"$2" || true
}

# version_at_least <version> <minimum>: whether a dotted version (1.22.3) is at least the minimum, part by part.
version_at_least() {
  local IFS=.
  local -a have want
  read -r -a have <<<"$1"
  read -r -a want <<<"$2"
  local part
  for part in 0 1 2; do
    [[ "${have[part]:-0}" -gt "${want[part]:-0}" ]] && return 0
    [[ "${have[part]:-0}" -lt "${want[part]:-0}" ]] && return 1
  done
  return 0
}

# The oldest Azure CLI the scripts are written for (infra/README.md, Prerequisites).
AZ_MINIMUM=2.60.0

# require_az_version: stops the script, saying what it found and what it needs, unless az is at least AZ_MINIMUM.
require_az_version() {
  local version
  version="$(az version --query '"azure-cli"' --output tsv 2>/dev/null || true)"
  if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || ! version_at_least "$version" "$AZ_MINIMUM"; then
    printf '%s: Azure CLI %s found; infra/ needs %s or later (az upgrade)\n' "${0##*/}" "${version:-of unknown version}" \
      "$AZ_MINIMUM" >&2
    exit 1
  fi
}
