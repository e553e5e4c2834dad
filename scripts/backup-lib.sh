# shellcheck shell=bash
# Shared by scripts/backup.sh and scripts/restore.sh (sourced; keep it next to them — the backup
# container and CronJob mount the whole scripts/ directory). Nothing here prints a password:
# PostgreSQL gets its password through PGPASSWORD, curl through a config read from stdin, so
# neither appears in a process listing or a log line.

log() { printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(basename "$0")" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# NAME_FILE → NAME for each NAME given (the services' convention for mounted secrets); setting
# both is an error, as in the services.
load_file_variables() {
  local name file
  for name in "$@"; do
    file="${name}_FILE"
    [[ -n ${!file:-} ]] || continue
    [[ -z ${!name:-} ]] || die "both $name and ${name}_FILE are set"
    [[ -r ${!file} ]] || die "${name}_FILE: cannot read ${!file}"
    printf -v "$name" '%s' "$(<"${!file}")"
    export "${name?}"
  done
}

urldecode() { printf '%b' "${1//%/\\x}"; }

urlencode() {
  local s=$1 out='' c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9._~-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

# DATABASE_URL (if set) into libpq's PG* variables, plus DATABASE_SSL / DATABASE_SSL_CA as the
# services read them. The URL is never echoed: it carries the password.
postgres_environment() {
  if [[ -n ${DATABASE_URL:-} ]]; then
    local re='^postgres(ql)?://(([^:@/]*)(:([^@/]*))?@)?(\[[^]]*\]|[^]/:?[]*)(:([0-9]+))?(/([^?]*))?(\?.*)?$'
    [[ $DATABASE_URL =~ $re ]] || die "DATABASE_URL is not a postgres://user:password@host:port/database URL"
    [[ -z ${BASH_REMATCH[11]} ]] || die "DATABASE_URL has query parameters; set TLS with DATABASE_SSL and DATABASE_SSL_CA instead"
    local user=${BASH_REMATCH[3]} password=${BASH_REMATCH[5]} host=${BASH_REMATCH[6]} port=${BASH_REMATCH[8]} database=${BASH_REMATCH[10]}
    host=${host#\[}
    host=${host%\]}
    [[ -z $user ]] || PGUSER=$(urldecode "$user")
    [[ -z $password ]] || PGPASSWORD=$(urldecode "$password")
    [[ -z $host ]] || PGHOST=$host
    [[ -z $port ]] || PGPORT=$port
    [[ -z $database ]] || PGDATABASE=$(urldecode "$database")
    export PGUSER PGPASSWORD PGHOST PGPORT PGDATABASE
  fi
  [[ -n ${PGDATABASE:-} ]] || die "no database: set DATABASE_URL or PGDATABASE"
  case ${DATABASE_SSL:-} in
    '') ;;
    disable | require | verify-full) export PGSSLMODE=$DATABASE_SSL ;;
    *) die "DATABASE_SSL must be disable, require or verify-full" ;;
  esac
  if [[ -n ${DATABASE_SSL_CA:-} ]]; then
    # libpq reads the CA from a file; the variable may hold the PEM itself (as the services allow).
    export PGSSLROOTCERT
    PGSSLROOTCERT=$(mktemp)
    printf '%s\n' "$DATABASE_SSL_CA" >"$PGSSLROOTCERT"
  fi
}

rabbitmq_environment() {
  : "${RABBITMQ_MANAGEMENT_URL:?RABBITMQ_MANAGEMENT_URL is required (or BACKUP_RABBITMQ=off)}"
  : "${RABBITMQ_USER:?RABBITMQ_USER is required}"
  : "${RABBITMQ_PASSWORD:?RABBITMQ_PASSWORD (or RABBITMQ_PASSWORD_FILE) is required}"
  [[ $RABBITMQ_MANAGEMENT_URL =~ ^https?://[^/@]+/?$ ]] || die "RABBITMQ_MANAGEMENT_URL must be http(s)://host:port, without credentials or path"
  RABBITMQ_MANAGEMENT_URL=${RABBITMQ_MANAGEMENT_URL%/}
}

# The definitions endpoint: one vhost when RABBITMQ_VHOST is set, else the whole broker.
definitions_path() {
  if [[ -n ${RABBITMQ_VHOST:-} ]]; then printf '/api/definitions/%s' "$(urlencode "$RABBITMQ_VHOST")"; else printf '/api/definitions'; fi
}

# rabbitmq_api METHOD PATH [curl options…]: fails (non-zero) on any HTTP error.
rabbitmq_api() {
  local method=$1 path=$2 credentials
  shift 2
  credentials="$RABBITMQ_USER:$RABBITMQ_PASSWORD"
  credentials=${credentials//\\/\\\\}
  credentials=${credentials//\"/\\\"}
  local tls=()
  if [[ -n ${RABBITMQ_MANAGEMENT_CA:-} ]]; then
    local ca
    ca=$(mktemp)
    printf '%s\n' "$RABBITMQ_MANAGEMENT_CA" >"$ca"
    tls=(--cacert "$ca")
  fi
  printf 'user = "%s"\n' "$credentials" |
    curl --config - --silent --show-error --fail --max-time 120 "${tls[@]}" -X "$method" "$@" "$RABBITMQ_MANAGEMENT_URL$path"
}
