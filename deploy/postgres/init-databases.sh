#!/bin/sh
# Creates the service role and one database per service (docs/conventions.md) the first time the PostgreSQL
# container starts on an empty data directory (the official image runs /docker-entrypoint-initdb.d/* once).
# The role's password comes from SH_DB_PASSWORD; the superuser's from POSTGRES_PASSWORD (both in .env).
# Idempotent, so it can also be run by hand against an existing server: psql as a superuser, same variables.
set -eu

: "${SH_DB_USER:=secondheart}"
: "${SH_DB_PASSWORD:?SH_DB_PASSWORD must be set (see .env.example)}"
: "${SH_DB_NAMES:=sh_gateway sh_telemetry sh_booking}"

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
     -v role="$SH_DB_USER" -v password="$SH_DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'password')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'role', :'password') \gexec
SQL

for database in $SH_DB_NAMES; do
  psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
       -v db="$database" -v role="$SH_DB_USER" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL
done
echo "init-databases: role $SH_DB_USER owns $SH_DB_NAMES"
