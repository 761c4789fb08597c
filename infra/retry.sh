# shellcheck shell=bash
# Sourced by deploy.sh: its progress line (say), retries for Azure's eventual consistency, steps that fail once
# because Azure has not caught up with what the previous step did, and then succeed, and time bounds for the steps
# that can wait forever.

say() { printf '==> %s\n' "$*" >&2; }

# A custom role defined (or an identity created) in the same deployment that assigns it may not have reached every
# ARM region yet: the assignment fails with RoleDefinitionDoesNotExist (or PrincipalNotFound).
ROLE_NOT_YET_THERE='RoleDefinitionDoesNotExist|PrincipalNotFound'
# Event Grid validates an AzureFunction endpoint when the event subscription is created, and the app-settings write of
# the same deployment may have just restarted the app.
ENDPOINT_NOT_YET_VALID='validation handshake failed|[Vv]alidation of the (provided )?endpoint|Destination endpoint not found|EndpointValidation'
# Any failure: the code upload, while the app's storage role assignments take effect.
ANY_FAILURE=''

RETRY_ATTEMPTS=5
RETRY_FIRST_DELAY=15
# The code upload, with the CLI's wait for the app to report the deployment healthy: a few minutes when it goes well.
UPLOAD_TIME_LIMIT=600

# retry_consistency <what> <error pattern, or $ANY_FAILURE> -- <command> [args...]
# Runs the command; when it fails with an error its stderr matches (an extended regular expression), says so and runs
# it again after 15, 30, 60, 120 s. Any other failure, or the last attempt's, is the command's own exit status.
retry_consistency() {
  local what="$1" pattern="$2"
  shift 2
  [[ "${1:-}" == "--" ]] && shift
  local errors attempt=1 delay="$RETRY_FIRST_DELAY" status cause
  errors="$(mktemp)"
  while true; do
    status=0
    "$@" 2>"$errors" || status=$?
    cat "$errors" >&2
    if [[ $status -eq 0 ]]; then
      rm -f "$errors"
      return 0
    fi
    if [[ -z "$pattern" ]]; then
      cause="an error"
    else
      cause="$(grep -oE -m 1 "$pattern" "$errors" | head -n 1 || true)"
    fi
    if [[ -z "$cause" ]]; then
      rm -f "$errors"
      return "$status"
    fi
    if [[ $attempt -ge $RETRY_ATTEMPTS ]]; then
      say "    $what: gave up after $attempt attempts ($cause); rerun infra/deploy.sh (it is idempotent)"
      rm -f "$errors"
      return "$status"
    fi
    say "    $what: attempt $attempt of $RETRY_ATTEMPTS failed with $cause (Azure has not caught up yet); retrying in $delay s"
    sleep "$delay"
    attempt=$((attempt + 1))
    delay=$((delay * 2))
  done
}

# run_bounded <seconds> <what it waits for> -- <command> [args...]
# Runs the command and ends it (and its children) if it has not finished within the bound: then it says so and fails
# with status 124, which a retry_consistency around it retries. Portable to bash 3.2 and macOS, which has no
# timeout(1).
run_bounded() {
  local limit="$1" what="$2"
  shift 2
  [[ "${1:-}" == "--" ]] && shift
  local expired status=0 command watchdog
  expired="$(mktemp)"
  rm -f "$expired"
  "$@" &
  command=$!
  # The watchdog ends its own sleep when it is ended, so that no sleep outlives the step.
  (
    sleep "$limit" &
    timer=$!
    trap 'kill "$timer" 2>/dev/null; exit 0' TERM
    wait "$timer"
    : >"$expired"
    pkill -TERM -P "$command" 2>/dev/null
    kill -TERM "$command" 2>/dev/null
  ) >/dev/null 2>&1 &
  watchdog=$!
  wait "$command" || status=$?
  kill -TERM "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
  if [[ -e "$expired" ]]; then
    rm -f "$expired"
    say "    $what: no end after $limit s; stopped it"
    return 124
  fi
  return "$status"
}
