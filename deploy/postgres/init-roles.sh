#!/usr/bin/env bash
# Run once by the postgres image's entrypoint on an empty data volume (docker-compose.prod.yml
# mounts it into /docker-entrypoint-initdb.d). Creates the least-privileged roles the stack
# connects as; the superuser `postgres` is left to backups and operators.
#   oca_app       the services and their migrations: owns the schemas it creates (jobs, auth, analytics)
#   oca_exporter  postgres-exporter: pg_monitor only
#   grafana_reader  Grafana's Usage dashboard: login only here; SELECT on analytics is granted
#                 after the first migration (docs/operations.md, "Dashboards")
# Passwords come from the secret files named by OCA_*_PASSWORD_FILE: psql reads them itself
# (\set name `command`) and quotes them (:'name'), so they are on no command line.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
\set app_password `tr -d '\r\n' < "$OCA_APP_PASSWORD_FILE"`
\set exporter_password `tr -d '\r\n' < "$OCA_EXPORTER_PASSWORD_FILE"`
\set grafana_password `tr -d '\r\n' < "$OCA_GRAFANA_PASSWORD_FILE"`
CREATE ROLE oca_app LOGIN PASSWORD :'app_password';
GRANT CONNECT, CREATE ON DATABASE :"DBNAME" TO oca_app;
CREATE ROLE oca_exporter LOGIN PASSWORD :'exporter_password';
GRANT pg_monitor TO oca_exporter;
CREATE ROLE grafana_reader LOGIN PASSWORD :'grafana_password';
GRANT CONNECT ON DATABASE :"DBNAME" TO grafana_reader;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
