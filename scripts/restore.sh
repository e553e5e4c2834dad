#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh: checks every file against SHA256SUMS, restores the
# database (created when missing; objects of the dump are dropped and recreated in ONE transaction,
# so a failed restore leaves the database as it was), then imports the RabbitMQ definitions.
#
#   scripts/restore.sh --confirm BACKUP_DIR/<timestamp>     (or RESTORE_CONFIRM=yes)
#
# It overwrites live data, so it refuses to run without that confirmation. Stop the services
# first (pg_restore needs the tables free; see docs/operations.md, "Backups and disaster
# recovery"). Connection settings: the same variables as scripts/backup.sh (DATABASE_URL or PG*,
# DATABASE_SSL, DATABASE_SSL_CA, RABBITMQ_*; each also as <NAME>_FILE), plus
#   RESTORE_MAINTENANCE_DB  database to connect to while creating the target (default postgres)
#   RESTORE_RABBITMQ        `off` restores the database only
# A backup of one vhost (RABBITMQ_VHOST at backup time) goes back into that vhost, which is
# created when missing (its creator, RABBITMQ_USER, gets full permissions on it); a full backup
# restores every vhost, user and permission it holds.
set -euo pipefail
umask 077
# shellcheck source=scripts/backup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-lib.sh"

usage() { die "usage: $(basename "$0") --confirm <backup-dir>   (or RESTORE_CONFIRM=yes $(basename "$0") <backup-dir>)"; }

confirmed=${RESTORE_CONFIRM:-}
backup=''
for arg in "$@"; do
  case $arg in
    --confirm) confirmed=yes ;;
    -*) usage ;;
    *) [[ -z $backup ]] || usage; backup=$arg ;;
  esac
done
[[ -n $backup ]] || usage
[[ -d $backup ]] || die "$backup is not a directory"
[[ $confirmed == yes ]] || die "refusing to overwrite the database and broker definitions without --confirm (or RESTORE_CONFIRM=yes)"

load_file_variables DATABASE_URL DATABASE_SSL DATABASE_SSL_CA PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE \
  RABBITMQ_MANAGEMENT_URL RABBITMQ_USER RABBITMQ_PASSWORD RABBITMQ_MANAGEMENT_CA RESTORE_MAINTENANCE_DB RESTORE_RABBITMQ
RESTORE_RABBITMQ=${RESTORE_RABBITMQ:-on}

# 1. The backup is complete and unchanged: every listed file matches, and the dump is listed.
[[ -f $backup/SHA256SUMS ]] || die "$backup has no SHA256SUMS: not a complete backup"
grep -q ' postgres.dump$' "$backup/SHA256SUMS" || die "$backup/SHA256SUMS does not list postgres.dump"
(cd "$backup" && sha256sum --check --strict --quiet SHA256SUMS) || die "checksum mismatch in $backup: refusing to restore"
rabbitmq_scope=$(sed -n 's/^rabbitmq=//p' "$backup/backup.info")
[[ -n $rabbitmq_scope ]] || die "$backup/backup.info does not say what was backed up from RabbitMQ"
log "checksums verified ($backup, RabbitMQ: $rabbitmq_scope)"

postgres_environment
if [[ $RESTORE_RABBITMQ == on && $rabbitmq_scope != skipped ]]; then rabbitmq_environment; fi

started=$(date +%s)
# 2. The database, created when missing (a lost or dropped database).
target=$PGDATABASE
exists=$(PGDATABASE=${RESTORE_MAINTENANCE_DB:-postgres} psql --no-password --no-psqlrc --quiet --tuples-only --no-align \
  --set ON_ERROR_STOP=1 --set target="$target" <<<"SELECT 1 FROM pg_database WHERE datname = :'target';")
if [[ $exists != 1 ]]; then
  log "creating database \"$target\""
  PGDATABASE=${RESTORE_MAINTENANCE_DB:-postgres} psql --no-password --no-psqlrc --quiet --set ON_ERROR_STOP=1 --set target="$target" \
    <<<'CREATE DATABASE :"target";'
fi
log "pg_restore into \"$target\" on ${PGHOST:-the local socket}"
# --no-owner: objects belong to the restoring user (the services' user), whatever the source's was.
pg_restore --no-password --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname="$target" "$backup/postgres.dump"

# 3. RabbitMQ definitions (queues, exchanges, bindings, policies…; never messages).
if [[ $RESTORE_RABBITMQ == off || $rabbitmq_scope == skipped ]]; then
  log "RabbitMQ definitions not restored (RESTORE_RABBITMQ=$RESTORE_RABBITMQ, backup: $rabbitmq_scope)"
elif [[ $rabbitmq_scope == vhost:* ]]; then
  vhost=$(urlencode "${rabbitmq_scope#vhost:}")
  log "importing the definitions of vhost ${rabbitmq_scope#vhost:}"
  rabbitmq_api PUT "/api/vhosts/$vhost" --output /dev/null
  rabbitmq_api POST "/api/definitions/$vhost" --header 'content-type: application/json' --data-binary "@$backup/rabbitmq-definitions.json" --output /dev/null
else
  log "importing the broker's definitions"
  rabbitmq_api POST /api/definitions --header 'content-type: application/json' --data-binary "@$backup/rabbitmq-definitions.json" --output /dev/null
fi
log "restore complete in $(($(date +%s) - started)) s; start the services"
