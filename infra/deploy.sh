#!/usr/bin/env bash
# Deploys driftguard to Azure in one command: builds the Functions package, deploys the infrastructure (main.bicep,
# subscription scope), deploys the code, then creates the Event Grid subscriptions (which need the code deployed).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: infra/deploy.sh <location> [--management-group <id> | --subscriptions FILE] [--package ZIP]
                       [az deployment sub create arguments ...]

Deploys driftguard to the current Azure CLI subscription (az account show):
  1. mvn -B -DskipTests -pl functions -am package (without the profiles that install test tooling from npm), and
     zips functions/target/azure-functions/driftguard; with --package ZIP, nothing is built and ZIP is deployed (a
     release: functions/target/release/driftguard-functions-<version>.zip, which mvn -B package writes)
  2. az deployment sub create --template-file infra/main.bicep ... deployEventSubscription=false
  3. (only with managementGroupId) az deployment mg create --template-file infra/modules/role-management-group.bicep:
     the custom role, defined at the group and assigned in step 5 at each watched subscription only
  4. az functionapp deployment source config-zip: the code, to the Flex Consumption app
  5. az deployment sub create ... deployEventSubscription=true: the Event Grid subscriptions
A target the previous deployment had and this one has not (a subscription no longer listed or moved out of the
management group, a resource group no longer listed) loses, right after step 2, the role's assignment and driftguard's
system topic and event subscription there, as infra/remove.sh would remove them.

--management-group <id>: watch every subscription under that management group (child groups included). The script
lists them (az account management-group entities list) and passes them as targetSubscriptionIds, with
managementGroupId=<id>: the custom role is defined at the group (step 3) and assigned at each of them (step 5). Run it again to cover
subscriptions added to the group since.

--subscriptions FILE: watch the subscriptions listed in FILE, one id a line (blank lines and # comments allowed).

Either way every id must be a subscription id, and each counts once whatever its case. Any number of subscriptions:
main.bicep deploys the targets in batches of 100 (nested deployments <namePrefix>-targets-<n>, in parallel, each under
ARM's 800 resources per template), and the script prints one line per batch after each pass.

Other arguments after <location> go to both az deployment sub create calls, e.g.
  infra/deploy.sh westeurope --parameters infra/main.parameters.json --parameters mode=autofix
  infra/deploy.sh westeurope --parameters targetSubscriptionIds='["<sub-1>","<sub-2>"]' alertEmails='["oncall@contoso.com"]'

The alerts must reach someone: deploy.sh stops when neither alertEmails, alertWebhookUrls nor existingActionGroupId
names a receiver, unless --alerts-to-nobody is among the arguments (receivers added to the action group later).

Environment: DRIFTGUARD_DEPLOYMENT names the deployment (default: driftguard); infra/remove.sh reads it back.
Before step 2, the system topics the targets already have (one per source: Defender's, another tool's) are listed (az
deployment sub validate for the targets, then one az graph query per 100 targets), checked, and passed as
existingTopics: driftguard adds its event subscription to such a topic instead of creating its own, and refuses one
without a system-assigned identity (infra/README.md, Existing system topics).

Needs: az 2.60.0 or later (logged in, with Bicep and the resource-graph extension), and unless --package is given mvn and Java 17 (java, jar); Owner, or User Access Administrator and Contributor,
on every target subscription (and on the management group when managementGroupId is set).
USAGE
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=infra/retry.sh
source "$here/retry.sh"
# shellcheck source=infra/management-group.sh
source "$here/management-group.sh"
# shellcheck source=infra/checks.sh
source "$here/checks.sh"
# shellcheck source=infra/install.sh
source "$here/install.sh"
die() { printf 'deploy.sh: %s\n' "$*" >&2; exit 1; }

if [[ $# -lt 1 ]]; then
  usage >&2
  exit 2
fi
case "$1" in
  -h | --help) usage; exit 0 ;;
  -*) usage >&2; exit 2 ;;
esac
location="$1"
shift
managementGroupToWatch=""
subscriptionsFile=""
prebuilt=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --management-group)
      [[ -n "${2:-}" ]] || die "--management-group needs the management group's id (its name, not its display name)"
      # It goes into a JMESPath string and a parameter value: only what Azure allows in a management group's id.
      [[ "$2" =~ $MANAGEMENT_GROUP_PATTERN ]] || die "--management-group: '$2' is not a management group id"
      managementGroupToWatch="$2"
      shift 2 ;;
    --subscriptions)
      [[ -n "${2:-}" && -r "${2:-}" ]] || die "--subscriptions needs a readable file of subscription ids, one a line"
      subscriptionsFile="$2"
      shift 2 ;;
    --package)
      [[ -n "${2:-}" && -r "${2:-}" ]] || die "--package needs a readable zip of the Functions package"
      prebuilt="$2"
      shift 2 ;;
    *) break ;;
  esac
done
[[ -z "$managementGroupToWatch" || -z "$subscriptionsFile" ]] || die "--management-group and --subscriptions exclude each other"
extra=("$@")

# Alerts that reach nobody are findings nobody reads: without receivers or an existing action group, stop before
# anything is built, unless --alerts-to-nobody (anywhere among the az arguments) says it is on purpose.
# shellcheck source=infra/receivers.sh
source "$here/receivers.sh"
alertsToNobody=false
azArguments=()
for arg in ${extra[@]+"${extra[@]}"}; do
  if [[ "$arg" == "--alerts-to-nobody" ]]; then alertsToNobody=true; else azArguments+=("$arg"); fi
done
extra=(${azArguments[@]+"${azArguments[@]}"})
if ! $alertsToNobody && ! alert_receivers_given ${extra[@]+"${extra[@]}"}; then
  die "the alerts would reach nobody: no alertEmails, alertWebhookUrls or existingActionGroupId. Add one, e.g.
  --parameters alertEmails='[\"oncall@contoso.com\"]'  or  --parameters existingActionGroupId=<action group id>,
or pass --alerts-to-nobody to deploy alerts without receivers on purpose (add receivers to ag-<prefix> later)."
fi

root="$(cd "$here/.." && pwd)"
# The poms' profiles that install test tooling from npm: the build of the package leaves them out (DeployScriptTest
# checks the poms against this list).
TEST_TOOLING_PROFILES='!install-azurite,!install-bicep-grammar,!install-playwright'

name="${DRIFTGUARD_DEPLOYMENT:-driftguard}"

if [[ -n "$prebuilt" ]]; then
  tools="az"
else
  tools="az mvn java jar"
fi
for tool in $tools; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found: install the Azure CLI (az)${prebuilt:+, or }${prebuilt:-, Maven (mvn) and a Java 17 JDK (java, jar), or pass --package <release zip>}"
done
require_az_version
az extension show --name resource-graph --output none 2>/dev/null \
  || die "the Azure CLI's resource-graph extension is missing (it lists the system topics the targets already have): az extension add --name resource-graph"
az account show --output none 2>/dev/null || die "the Azure CLI is not logged in: run 'az login' and 'az account set --subscription <id>'"

subscription="$(az account show --query id --output tsv)"
say "subscription $subscription ($(az account show --query name --output tsv)), location $location, deployment '$name'"

# With --management-group or --subscriptions: the watched subscriptions, each checked and each once (ids compared
# case-insensitively, as Azure does), passed after the caller's arguments so that they win over a targetSubscriptionIds
# there.
watchedScope=()
if [[ -n "$managementGroupToWatch" ]]; then
  say "    listing the subscriptions under management group $managementGroupToWatch: az account management-group entities list"
  listed="$(subscriptions_under_management_group "$managementGroupToWatch")"
  [[ -n "$listed" ]] || die "no subscription under management group $managementGroupToWatch that this login can see"
  origin="under $managementGroupToWatch"
elif [[ -n "$subscriptionsFile" ]]; then
  listed="$(cat "$subscriptionsFile")"
  origin="in $subscriptionsFile"
fi
if [[ -n "$managementGroupToWatch$subscriptionsFile" ]]; then
  # Blank lines and # comments left out, spaces removed, lower case, each once, in order.
  unique="$(printf '%s\n' "$listed" | awk '{ sub(/#.*/, ""); gsub(/[[:space:]]/, ""); $0 = tolower($0) } $0 != "" && !seen[$0]++')"
  watched=()
  lines_into watched "$unique"
  [[ ${#watched[@]} -gt 0 ]] || die "no subscription id $origin"
  for id in ${watched[@]+"${watched[@]}"}; do
    [[ "$id" =~ $GUID_PATTERN ]] || die "not a subscription id $origin: '$id'"
  done
  given="$(printf '%s\n' "$listed" | awk '{ sub(/#.*/, ""); gsub(/[[:space:]]/, "") } $0 != ""' | wc -l | tr -d ' ')"
  say "    ${#watched[@]} subscriptions $origin ($((given - ${#watched[@]})) duplicate or differently cased ids left out)"
  watchedScope=(--parameters "targetSubscriptionIds=$(json_array ${watched[@]+"${watched[@]}"})")
  [[ -z "$managementGroupToWatch" ]] || watchedScope+=("managementGroupId=$managementGroupToWatch")
fi

if [[ -n "$prebuilt" ]]; then
  # A zip's file names are stored as they are, so a package's host.json shows in its bytes.
  [[ "$(head -c 2 "$prebuilt")" == PK ]] && LC_ALL=C grep -q 'host\.json' "$prebuilt" \
    || die "--package $prebuilt: not a zip of a Functions package (no host.json in it)"
  zip="$prebuilt"
  say "1/5 not building: deploying the package $zip"
else
  # Only the package: not the tests, and none of the profiles that install test tooling from npm (Azurite, the Bicep
  # grammar), so deploying needs Java, Maven and az only.
  say "1/5 building the Functions package: mvn -B -DskipTests -pl functions -am package -P '$TEST_TOOLING_PROFILES'"
  (cd "$root" && mvn -B -q -DskipTests -pl functions -am package -P "$TEST_TOOLING_PROFILES")
  package="$root/functions/target/azure-functions/driftguard"
  [[ -f "$package/host.json" ]] || die "no host.json in $package: did the build write the Functions package?"
  zip="$root/functions/target/driftguard-functions.zip"
  rm -f "$zip"
  (cd "$package" && jar --create --file "$zip" --no-manifest .)
  say "    package: $zip"
fi

# The targets main.bicep resolves from the arguments (parameter files, defaults included): "/subscriptions/<id>" and
# "/subscriptions/<id>/resourceGroups/<name>", one a line.
TARGETS_QUERY="[properties.parameters.targetSubscriptionIds.value[].join('', ['/subscriptions/', @]), \
properties.parameters.targetResourceGroups.value[].join('', ['/subscriptions/', subscriptionId, '/resourceGroups/', resourceGroup])][]"
# A system topic per row: id, source, type, identity type, driftguard-install tag; never an empty column (the columns
# are split at tabs, and bash merges empty ones).
TOPICS_QUERY="resources | where type =~ 'microsoft.eventgrid/systemtopics' and tolower(tostring(properties.source)) in (SOURCES) \
| project id, source = tostring(properties.source), topicType = tostring(properties.topicType), \
identityType = iff(isempty(tostring(identity.type)), 'None', tostring(identity.type)), \
installTag = iff(isempty(tostring(tags['driftguard-install'])), '-', tostring(tags['driftguard-install']))"
# Each target has at most one topic for its source: a batch's listing fits in one page of az graph query --first 1000.
TOPIC_BATCH=100
# A driftguard-install tag: the id of an install's resource group. Any other value is no install's.
INSTALL_TAG_PATTERN='^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[A-Za-z0-9._()-]{1,90}$'

# find_topics <target>...: lists (one az graph query) the system topics of these targets' sources, checks every value
# read back, and adds each to existingTopics. A topic without a system-assigned identity stops the script: Event Grid
# dead-letters with the topic's identity into an account without shared keys, and driftguard changes no topic it did
# not create.
find_topics() {
  local target subscriptions="" sources="" asked="" seen="" listing row id source type identity tag rest key parts kind
  for target in "$@"; do
    kind="${target#/subscriptions/}"
    kind="${kind%%/*}"
    case " $subscriptions " in *" $kind "*) ;; *) subscriptions="${subscriptions:+$subscriptions }$kind" ;; esac
    sources="${sources:+$sources, }'$(lower "$target")'"
    asked="$asked$(lower "$target")"$'\n'
  done
  # shellcheck disable=SC2086 # one argument per subscription
  listing="$(az graph query --first 1000 --subscriptions $subscriptions --graph-query "${TOPICS_QUERY/SOURCES/$sources}" \
    --query "data[].[id, source, topicType, identityType, installTag]" --output tsv)"
  while IFS= read -r row; do
    [[ -n "$row" ]] || continue
    IFS=$'\t' read -r id source type identity tag rest <<<"$row"
    [[ -z "$rest" && "$(lower "$id")" =~ $SYSTEM_TOPIC_ID_PATTERN ]] \
      || refuse "the system topic listing" "$row" "not a system topic id and four values"
    case "$(lower "$type")" in
      microsoft.resources.subscriptions) key="$(lower "/subscriptions/${BASH_REMATCH[1]}")" ;;
      microsoft.resources.resourcegroups) key="$(lower "$source")"; [[ "$key" == */resourcegroups/* ]] || key="" ;;
      *) refuse "the system topic listing" "$row" "not a subscription's or resource group's topic" ;;
    esac
    [[ "$(lower "$source")" == "$key" && "${key#/subscriptions/${BASH_REMATCH[1]}}" != "$key" ]] \
      && grep -qxF -- "$key" <<<"$asked" \
      || refuse "the system topic listing" "$row" "its source is not the target of its type in the topic's own subscription"
    ! grep -qxF -- "$key" <<<"$seen" || refuse "the system topic listing" "$row" "a second topic for $source"
    seen="$seen$key"$'\n'
    case "$identity" in
      None | SystemAssigned | UserAssigned | "SystemAssigned, UserAssigned" | SystemAssigned,UserAssigned) ;;
      *) refuse "the system topic listing" "$row" "not an identity type" ;;
    esac
    [[ "$tag" =~ $INSTALL_TAG_PATTERN ]] || tag=-
    IFS=/ read -r -a parts <<<"$id"
    [[ "$key" == */resourcegroups/* ]] && kind="resource group $key" || kind="subscription ${key#/subscriptions/}"
    [[ "$key" == */resourcegroups/* ]] || key="${key#/subscriptions/}"
    say "    $kind already has system topic ${parts[8]} (resource group ${parts[4]}): driftguard adds its event subscription to it, unless it is this install's own"
    [[ "$identity" == SystemAssigned* ]] || die "system topic ${parts[8]} (resource group ${parts[4]}) of $kind has no \
system-assigned identity, with which Event Grid dead-letters into driftguard's storage account (no shared keys); driftguard changes \
no topic it did not create: give it one (az eventgrid system-topic update --name ${parts[8]} --resource-group ${parts[4]} \
--subscription ${parts[2]} --identity systemassigned), or leave this target out"
    found+=("{\"target\":\"$key\",\"id\":\"$id\",\"installTag\":\"$tag\"}")
  done <<<"$listing"
}

say "    the targets' existing system topics: az deployment sub validate (the targets), az graph query (one per $TOPIC_BATCH targets)"
listed="$(az deployment sub validate --location "$location" --template-file "$here/main.bicep" ${extra[@]+"${extra[@]}"} \
  ${watchedScope[@]+"${watchedScope[@]}"} --parameters location="$location" deployEventSubscription=false \
  --query "$TARGETS_QUERY" --output tsv)"
resolved=()
lines_into resolved "$listed"
batch=()
found=()
for target in ${resolved[@]+"${resolved[@]}"}; do
  [[ "$target" =~ ^/subscriptions/[^/]*$ ]] && check_guid "the resolved target" "${target#/subscriptions/}" \
    || check_resource_group_id "the resolved target" "$target"
  batch+=("$target")
  if [[ ${#batch[@]} -eq $TOPIC_BATCH ]]; then
    find_topics ${batch[@]+"${batch[@]}"}
    batch=()
  fi
done
[[ ${#batch[@]} -eq 0 ]] || find_topics ${batch[@]+"${batch[@]}"}
topics="[$(IFS=,; printf '%s' ${found[@]+"${found[*]}"})]"

deploy() {
  az deployment sub create --name "$name" --location "$location" --template-file "$here/main.bicep" \
    ${extra[@]+"${extra[@]}"} ${watchedScope[@]+"${watchedScope[@]}"} \
    --parameters location="$location" "existingTopics=$topics" deployEventSubscription="$1" --output none
}

# report_batches: one line per batch of targets, the nested deployments <namePrefix>-targets-<n> of main.bicep.
report_batches() {
  local prefix count batch line state subscriptions groups
  prefix="$(output namePrefix)"
  check_matches "output namePrefix" "$prefix" "$NAME_PREFIX_PATTERN" "not a name prefix"
  count="$(output targetBatchCount)"
  check_matches "output targetBatchCount" "$count" '^[0-9]{1,4}$' "not a number of batches"
  for ((batch = 0; batch < count; batch++)); do
    line="$(az deployment sub show --name "$prefix-targets-$batch" --query "[properties.provisioningState, \
length(properties.parameters.subscriptionIds.value), length(properties.parameters.resourceGroups.value)]" --output tsv)"
    read -r state subscriptions groups <<<"$line"
    check_matches "the state of $prefix-targets-$batch" "$line" '^[A-Za-z]+[[:space:]]+[0-9]+[[:space:]]+[0-9]+$' \
      "not a state and two counts"
    say "    targets batch $((batch + 1))/$count ($prefix-targets-$batch): $state, $subscriptions subscriptions, $groups resource groups"
  done
}

# A deployment already there: the install's targets as it left them, so that the ones no longer listed are removed. A
# failed one has no outputs to read (and its record replaced the last good one's).
previous=false
state="$(az deployment sub show --name "$name" --query properties.provisioningState --output tsv 2>/dev/null || true)"
if [[ "$state" == Succeeded ]]; then
  previous=true
  read_install "$subscription"
elif [[ -n "$state" ]]; then
  say "    the previous deployment '$name' is $state: no record of its targets to compare with"
fi

say "2/5 deploying the infrastructure without the Event Grid subscriptions: az deployment sub create --name $name ..."
# The custom role is defined and assigned in this one deployment: retried while Azure replicates the new role.
retry_consistency "infrastructure" "$ROLE_NOT_YET_THERE" -- deploy false
report_batches
if [[ "$previous" == true ]]; then
  say "    removing the targets the previous deployment had and this one has not (role assignment, system topic)"
  remove_targets_that_left
fi
# Read back, so checked before use like everything remove.sh reads (checks.sh).
group="$(output resourceGroupName)"
check_matches "output resourceGroupName" "$group" "$RESOURCE_GROUP_PATTERN" "not a resource group name"
app="$(output functionAppName)"
check_matches "output functionAppName" "$app" '^[A-Za-z0-9-]{2,60}$' "not a function app name"
principal="$(output principalId)"
check_guid "output principalId" "$principal"
managementGroup="$(output managementGroupId)"
[[ -z "$managementGroup" ]] \
  || check_matches "output managementGroupId" "$managementGroup" "$MANAGEMENT_GROUP_PATTERN" "not a management group id"
say "    function app $app in resource group $group, identity $principal"

if [[ -n "$managementGroup" ]]; then
  prefix="$(output namePrefix)"
  check_matches "output namePrefix" "$prefix" "$NAME_PREFIX_PATTERN" "not a name prefix"
  installId="$(output installId)"
  check_resource_group_id "output installId" "$installId"
  say "3/5 defining the custom role at management group $managementGroup (assigned by step 5 at each watched subscription): az deployment mg create ..."
  retry_consistency "management-group role" "$MANAGEMENT_GROUP_NOT_YET_VISIBLE" -- \
    az deployment mg create --name "$name-role" --management-group-id "$managementGroup" --location "$location" \
    --template-file "$here/modules/role-management-group.bicep" --parameters namePrefix="$prefix" installId="$installId" --output none
else
  say "3/5 custom role defined and assigned per subscription by main.bicep (no managementGroupId)"
fi

say "4/5 deploying the code: az functionapp deployment source config-zip --resource-group $group --name $app --src $zip"
say "    waiting up to $UPLOAD_TIME_LIMIT s for the upload and for the app to report the deployment healthy, then retrying"
# The app's identity reads the deployment container through a role assigned moments ago: allow for propagation. On
# Flex Consumption the CLI then polls until the app reports the deployment healthy, in a loop some CLI versions never
# leave: its own --timeout, and a bound of ours around it, so that the retry fires.
retry_consistency "code" "$ANY_FAILURE" -- \
  run_bounded "$UPLOAD_TIME_LIMIT" "the code upload" -- \
  az functionapp deployment source config-zip --resource-group "$group" --name "$app" --src "$zip" \
  --timeout "$UPLOAD_TIME_LIMIT" --output none

say "5/5 creating the Event Grid subscriptions: az deployment sub create --name $name ... deployEventSubscription=true"
# This pass writes the app settings again, which can restart the app just before Event Grid validates it; with a
# management group it also assigns the role defined there moments ago.
retry_consistency "Event Grid subscriptions" "$ENDPOINT_NOT_YET_VALID|$ROLE_NOT_YET_THERE" -- deploy true
report_batches

if [[ -n "$managementGroup" ]]; then
  # Earlier versions assigned the role at the group itself, reaching every subscription under it: no longer.
  say "    removing any assignment to $principal at management group $managementGroup itself: az role assignment delete ..."
  az role assignment delete --assignee-object-id "$principal" \
    --scope "/providers/Microsoft.Management/managementGroups/$managementGroup" --yes --output none
fi

say "done: driftguard runs in function app $app (resource group $group); identity $principal."
say "    settings: edit mode / controlModes (e.g. {\"min-tls\": \"autofix\"}) in your parameters file and run infra/deploy.sh again"
say "    remove:   infra/remove.sh"
