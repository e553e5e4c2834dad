#!/usr/bin/env bash
# Backs up what cannot be rebuilt: the PostgreSQL database (pg_dump custom format: users, API
# keys, jobs and results, webhook secrets and deliveries, usage) and the RabbitMQ definitions
# (vhosts, users, permissions, queues, exchanges, bindings, policies — not the messages).
# Redis is not backed up: it holds caches and rate-limit counters only (docs/operations.md).
#
# Writes BACKUP_DIR/<UTC timestamp>/ with postgres.dump, rabbitmq-definitions.json, backup.info
# and SHA256SUMS, then keeps the newest BACKUP_KEEP backups. A backup appears under its final name
# only once complete (it is written under .partial-<timestamp> first), so retention and
# scripts/restore.sh never see half a backup. Exits non-zero on any failure; never prints a
# password. Backups contain password hashes and secrets: BACKUP_DIR is created mode 0700.
#
# Environment (every variable may instead be given as <NAME>_FILE, a path, like the services):
#   BACKUP_DIR                where backups go (required)
#   BACKUP_KEEP               how many backups to keep, newest first (default 7)
#   DATABASE_URL              postgres://user:password@host:port/database — or the PG* variables
#                             (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)
#   DATABASE_SSL              disable | require | verify-full (as the services; default: libpq's)
#   DATABASE_SSL_CA           CA bundle (PEM) for verify-full
#   RABBITMQ_MANAGEMENT_URL   e.g. http://rabbitmq:15672 (management plugin)
#   RABBITMQ_USER / RABBITMQ_PASSWORD   a management user (tag `administrator` for a full export)
#   RABBITMQ_VHOST            export only this vhost (default: every vhost, with users and permissions)
#   RABBITMQ_MANAGEMENT_CA    CA bundle (PEM) for an https:// management URL
#   BACKUP_RABBITMQ           `off` skips the definitions (e.g. a managed broker backed up elsewhere)
set -euo pipefail
umask 077
# shellcheck source=scripts/backup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-lib.sh"

load_file_variables BACKUP_DIR BACKUP_KEEP DATABASE_URL DATABASE_SSL DATABASE_SSL_CA PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE \
  RABBITMQ_MANAGEMENT_URL RABBITMQ_USER RABBITMQ_PASSWORD RABBITMQ_VHOST RABBITMQ_MANAGEMENT_CA BACKUP_RABBITMQ

: "${BACKUP_DIR:?BACKUP_DIR is required}"
BACKUP_KEEP=${BACKUP_KEEP:-7}
[[ $BACKUP_KEEP =~ ^[1-9][0-9]*$ ]] || die "BACKUP_KEEP must be a positive integer"
BACKUP_RABBITMQ=${BACKUP_RABBITMQ:-on}
[[ $BACKUP_RABBITMQ == on || $BACKUP_RABBITMQ == off ]] || die "BACKUP_RABBITMQ must be on or off"

postgres_environment
[[ $BACKUP_RABBITMQ == off ]] || rabbitmq_environment

stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$BACKUP_DIR"
chmod 0700 "$BACKUP_DIR"
final="$BACKUP_DIR/$stamp"
partial="$BACKUP_DIR/.partial-$stamp"
[[ ! -e $final && ! -e $partial ]] || die "$final already exists (two backups in one second?)"
mkdir "$partial"
trap 'rm -rf -- "$partial"' EXIT

started=$(date +%s)
log "pg_dump of database \"$PGDATABASE\" on ${PGHOST:-the local socket}"
pg_dump --format=custom --compress=6 --no-password --file="$partial/postgres.dump"
scope=skipped
if [[ $BACKUP_RABBITMQ == on ]]; then
  scope=${RABBITMQ_VHOST:+vhost:$RABBITMQ_VHOST}
  scope=${scope:-all}
  log "RabbitMQ definitions ($scope) from $RABBITMQ_MANAGEMENT_URL"
  rabbitmq_api GET "$(definitions_path)" --output "$partial/rabbitmq-definitions.json"
  # A definitions document is a JSON object; an empty or truncated file fails here, not at restore.
  grep -q '"rabbit_version"' "$partial/rabbitmq-definitions.json" || die "the RabbitMQ definitions export looks wrong"
fi

{
  echo "created_at=$stamp"
  echo "database=$PGDATABASE"
  echo "rabbitmq=$scope"
  echo "pg_dump=$(pg_dump --version)"
} >"$partial/backup.info"
(cd "$partial" && sha256sum -- * >SHA256SUMS)

mv "$partial" "$final"
trap - EXIT
log "backup complete: $final ($(du -sh "$final" | cut -f1), $(($(date +%s) - started)) s)"

# Retention: only directories named like a backup, oldest first; everything else is left alone.
mapfile -t backups < <(find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended -regex '.*/[0-9]{8}T[0-9]{6}Z' -printf '%f\n' | sort)
excess=$((${#backups[@]} - BACKUP_KEEP))
for ((i = 0; i < excess; i++)); do
  log "retention (keep $BACKUP_KEEP): removing ${backups[i]}"
  rm -rf -- "${BACKUP_DIR:?}/${backups[i]}"
done
# Partial backups left by a crash (a kill -9 skips the trap) are removed after a day.
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '.partial-*' -mmin +1440 -exec rm -rf -- {} +
