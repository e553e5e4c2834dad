#!/usr/bin/env bash
# Makes the secret files docker-compose.prod.yml reads, in ./secrets/ (git-ignored; the directory
# is 0700, so only the operator's account reads them on the host). Existing files are kept, so
# running it again only fills in what is missing; delete a file to rotate it (then see README,
# "Deploy", for what has to restart).
#
#   scripts/make-secrets.sh [DIR]        # DIR defaults to ./secrets
#
# Two files need values from outside and are created as placeholders that make the services
# refuse to start until replaced: rpc_url_ethereum (your RPC provider's URL) and tls.crt/tls.key
# (your certificate; a self-signed one is made here for a first start).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-secrets}
mkdir -p "$dir"
chmod 700 "$dir"

# A random value safe inside URLs and config files: letters and digits only.
random() { openssl rand -base64 48 | tr -dc 'A-Za-z0-9' | head -c "${1:-32}"; }

# write NAME CONTENT: creates $dir/NAME unless it exists. 0444: the containers read the files
# under their own users; the 0700 directory keeps them from other host accounts.
write() {
  local path="$dir/$1"
  [ -e "$path" ] && return 0
  printf '%s\n' "$2" > "$path"
  chmod 444 "$path"
  echo "made $path"
}
value() { tr -d '\r\n' < "$dir/$1"; }

write postgres_password "$(random)"
write postgres_app_password "$(random)"
write postgres_exporter_password "$(random)"
write grafana_pg_reader_password "$(random)"
write database_url "postgres://oca_app:$(value postgres_app_password)@postgres:5432/oca"

write rabbitmq_password "$(random)"
write rabbitmq.conf "$(printf 'default_user = oca\ndefault_pass = %s\ndefault_user_tags.administrator = true\nloopback_users = none' "$(value rabbitmq_password)")"
write amqp_url "amqp://oca:$(value rabbitmq_password)@rabbitmq:5672"

write redis_password "$(random)"
write redis_url "redis://:$(value redis_password)@redis:6379"

if [ ! -e "$dir/auth_signing_key.pem" ]; then
  openssl genpkey -algorithm ed25519 -out "$dir/auth_signing_key.pem"
  chmod 444 "$dir/auth_signing_key.pem"
  echo "made $dir/auth_signing_key.pem"
fi

write influx_admin_password "$(random)"
write influx_token "$(random 64)"
write grafana_admin_password "$(random)"
# A read-only InfluxDB token for Grafana's Explore: create it once InfluxDB runs
# (influx auth create --read-bucket <id>) and put it here; empty until then.
write grafana_influx_token ""

# Placeholder: not a URL, so the executor and the cache refuse to start until it is replaced.
write rpc_url_ethereum "REPLACE-with-your-RPC-URL(s),comma-separated"

if [ ! -e "$dir/tls.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=${OCA_HOSTNAME:-localhost}" \
    -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null
  chmod 444 "$dir/tls.key" "$dir/tls.crt"
  echo "made $dir/tls.crt and tls.key (self-signed, 30 days: replace with your certificate)"
fi
