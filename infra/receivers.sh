# shellcheck shell=bash
# Sourced by deploy.sh: whether the deployment's arguments give the alerts someone to reach. Without email or webhook
# receivers and without an existing action group, driftguard's action group notifies nobody and its findings go unread.

# The value parameter $2 has in the parameters file text $1 (flattened to one line); nothing when the file sets none.
param_in_file() {
  local pattern="\"$2\"[[:space:]]*:[[:space:]]*\\{[[:space:]]*\"value\"[[:space:]]*:[[:space:]]*(\\[[^]]*\\]|\"[^\"]*\")"
  if [[ "$1" =~ $pattern ]]; then
    printf '%s\n' "${BASH_REMATCH[1]}"
  fi
}

# Whether a parameter value names anything: not empty, not [] and not "".
names_something() {
  local value="${1//[[:space:]]/}"
  [[ -n "$value" && "$value" != "[]" && "$value" != '""' && "$value" != "''" ]]
}

# alert_receivers_given [az deployment arguments ...]: succeeds when, the last value of each parameter winning as with
# az, alertEmails or alertWebhookUrls has a receiver or existingActionGroupId names a group.
alert_receivers_given() {
  local emails="" hooks="" group="" arg file text name value
  for arg in "$@"; do
    case "$arg" in
      alertEmails=*) emails="${arg#*=}" ;;
      alertWebhookUrls=*) hooks="${arg#*=}" ;;
      existingActionGroupId=*) group="${arg#*=}" ;;
      *.json)
        file="${arg#@}"
        [[ -f "$file" ]] || continue
        text="$(tr -d '\r\n' <"$file")"
        for name in alertEmails alertWebhookUrls existingActionGroupId; do
          value="$(param_in_file "$text" "$name")"
          [[ -z "$value" ]] && continue
          case "$name" in
            alertEmails) emails="$value" ;;
            alertWebhookUrls) hooks="$value" ;;
            *) group="$value" ;;
          esac
        done
        ;;
    esac
  done
  names_something "$emails" || names_something "$hooks" || names_something "$group"
}
