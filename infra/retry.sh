# shellcheck shell=bash
# Sourced by deploy.sh: its progress line (say) and retries for Azure's eventual consistency, steps that fail once
# because Azure has not caught up with what the previous step did, and then succeed.

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
