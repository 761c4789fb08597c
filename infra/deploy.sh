#!/usr/bin/env bash
# Deploys driftguard to Azure in one command: builds the Functions package, deploys the infrastructure (main.bicep,
# subscription scope), deploys the code, then creates the Event Grid subscriptions (which need the code deployed).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: infra/deploy.sh <location> [--management-group <id>] [az deployment sub create arguments ...]

Deploys driftguard to the current Azure CLI subscription (az account show):
  1. mvn -B -DskipTests -pl functions -am package, and zips functions/target/azure-functions/driftguard
  2. az deployment sub create --template-file infra/main.bicep ... deployEventSubscription=false
  3. (only with managementGroupId) az deployment mg create --template-file infra/modules/role-management-group.bicep
  4. az functionapp deployment source config-zip: the code, to the Flex Consumption app
  5. az deployment sub create ... deployEventSubscription=true: the Event Grid subscriptions

--management-group <id>: watch every subscription under that management group (child groups included). The script
lists them (az account management-group entities list) and passes them as targetSubscriptionIds, with
managementGroupId=<id>: the custom role is defined and assigned at the group (step 3). Run it again to cover
subscriptions added to the group since.

Other arguments after <location> go to both az deployment sub create calls, e.g.
  infra/deploy.sh westeurope --parameters infra/main.parameters.json --parameters mode=autofix
  infra/deploy.sh westeurope --parameters targetSubscriptionIds='["<sub-1>","<sub-2>"]' alertEmails='["oncall@contoso.com"]'

The alerts must reach someone: deploy.sh stops when neither alertEmails, alertWebhookUrls nor existingActionGroupId
names a receiver, unless --alerts-to-nobody is among the arguments (receivers added to the action group later).

Environment: DRIFTGUARD_DEPLOYMENT names the deployment (default: driftguard); infra/remove.sh reads it back.
Needs: az (logged in, with Bicep), mvn, Java 17 (java, jar); Owner, or User Access Administrator and Contributor,
on every target subscription (and on the management group when managementGroupId is set).
USAGE
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=infra/retry.sh
source "$here/retry.sh"
# shellcheck source=infra/management-group.sh
source "$here/management-group.sh"
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
if [[ "${1:-}" == "--management-group" ]]; then
  [[ -n "${2:-}" ]] || die "--management-group needs the management group's id (its name, not its display name)"
  # It goes into a JMESPath string and a parameter value: only what Azure allows in a management group's id.
  [[ "$2" =~ ^[A-Za-z0-9._()-]{1,90}$ ]] || die "--management-group: '$2' is not a management group id"
  managementGroupToWatch="$2"
  shift 2
fi
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
name="${DRIFTGUARD_DEPLOYMENT:-driftguard}"

for tool in az mvn java jar; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found: install the Azure CLI (az), Maven (mvn) and a Java 17 JDK (java, jar)"
done
az account show --output none 2>/dev/null || die "the Azure CLI is not logged in: run 'az login' and 'az account set --subscription <id>'"

subscription="$(az account show --query id --output tsv)"
say "subscription $subscription ($(az account show --query name --output tsv)), location $location, deployment '$name'"

# With --management-group: the watched subscriptions are those under the group now, passed after the caller's arguments
# so that they win over a targetSubscriptionIds there.
watchedScope=()
if [[ -n "$managementGroupToWatch" ]]; then
  say "    listing the subscriptions under management group $managementGroupToWatch: az account management-group entities list"
  listed="$(subscriptions_under_management_group "$managementGroupToWatch")"
  [[ -n "$listed" ]] || die "no subscription under management group $managementGroupToWatch that this login can see"
  mapfile -t underGroup <<<"$listed"
  for id in "${underGroup[@]}"; do
    [[ "$id" =~ ^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$ ]] || die "not a subscription id under $managementGroupToWatch: '$id'"
  done
  say "    ${#underGroup[@]} subscriptions: ${underGroup[*]}"
  watchedScope=(--parameters "targetSubscriptionIds=$(json_array "${underGroup[@]}")" "managementGroupId=$managementGroupToWatch")
fi

say "1/5 building the Functions package: mvn -B -DskipTests -pl functions -am package"
(cd "$root" && mvn -B -q -DskipTests -pl functions -am package)
package="$root/functions/target/azure-functions/driftguard"
[[ -f "$package/host.json" ]] || die "no host.json in $package: did the build write the Functions package?"
zip="$root/functions/target/driftguard-functions.zip"
rm -f "$zip"
(cd "$package" && jar --create --file "$zip" --no-manifest .)
say "    package: $zip"

deploy() {
  az deployment sub create --name "$name" --location "$location" --template-file "$here/main.bicep" \
    ${extra[@]+"${extra[@]}"} ${watchedScope[@]+"${watchedScope[@]}"} \
    --parameters location="$location" deployEventSubscription="$1" --output none
}
output() {
  az deployment sub show --name "$name" --query "properties.outputs.$1.value" --output tsv
}

say "2/5 deploying the infrastructure without the Event Grid subscriptions: az deployment sub create --name $name ..."
# The custom role is defined and assigned in this one deployment: retried while Azure replicates the new role.
retry_consistency "infrastructure" "$ROLE_NOT_YET_THERE" -- deploy false
group="$(output resourceGroupName)"
app="$(output functionAppName)"
principal="$(output principalId)"
managementGroup="$(output managementGroupId)"
say "    function app $app in resource group $group, identity $principal"

if [[ -n "$managementGroup" ]]; then
  say "3/5 defining and assigning the custom role at management group $managementGroup: az deployment mg create ..."
  retry_consistency "management-group role" "$ROLE_NOT_YET_THERE" -- \
    az deployment mg create --name "$name-role" --management-group-id "$managementGroup" --location "$location" \
    --template-file "$here/modules/role-management-group.bicep" \
    --parameters namePrefix="$(output namePrefix)" principalId="$principal" --output none
else
  say "3/5 custom role assigned per subscription by main.bicep (no managementGroupId)"
fi

say "4/5 deploying the code: az functionapp deployment source config-zip --resource-group $group --name $app --src $zip"
# The app's identity reads the deployment container through a role assigned moments ago: allow for propagation.
retry_consistency "code" "$ANY_FAILURE" -- \
  az functionapp deployment source config-zip --resource-group "$group" --name "$app" --src "$zip" --output none

say "5/5 creating the Event Grid subscriptions: az deployment sub create --name $name ... deployEventSubscription=true"
# This pass writes the app settings again, which can restart the app just before Event Grid validates it.
retry_consistency "Event Grid subscriptions" "$ENDPOINT_NOT_YET_VALID" -- deploy true

say "done: driftguard runs in function app $app (resource group $group); identity $principal."
say "    settings: az functionapp config appsettings set --resource-group $group --name $app --settings DRIFTGUARD_RULE_MIN_TLS=autofix"
say "    remove:   infra/remove.sh"
