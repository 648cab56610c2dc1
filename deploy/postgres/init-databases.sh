#!/bin/sh
# One role per service, each the owner of its own database and of nothing else (docs/security.md, "Database
# roles"): sh_gateway owns sh_gateway, sh_telemetry owns sh_telemetry, sh_booking owns sh_booking; CONNECT on every
# database (the maintenance ones too) is revoked from PUBLIC, so a service's role is refused on the others' databases.
# The official image runs /docker-entrypoint-initdb.d/* once, on an empty data directory. Passwords come from
# SH_GATEWAY_DB_PASSWORD, SH_TELEMETRY_DB_PASSWORD, SH_BOOKING_DB_PASSWORD; the superuser's from POSTGRES_PASSWORD.
# Idempotent, so it is also the upgrade of a server made with the earlier layout (one role, SH_DB_LEGACY_USER,
# default secondheart, owning every database): run it by hand as the superuser with the same variables (docs/
# deployment.md, "PostgreSQL roles"); it gives each database and everything in it to its service's role, keeping the
# data and the privileges the owner had (or had revoked from itself), and retires the old role.
set -eu

: "${SH_GATEWAY_DB_PASSWORD:?SH_GATEWAY_DB_PASSWORD must be set (see .env.example)}"
: "${SH_TELEMETRY_DB_PASSWORD:?SH_TELEMETRY_DB_PASSWORD must be set (see .env.example)}"
: "${SH_BOOKING_DB_PASSWORD:?SH_BOOKING_DB_PASSWORD must be set (see .env.example)}"
: "${SH_DB_LEGACY_USER:=secondheart}"

admin() { psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" -qtA "$@"; }

ensure_service() {
  database=$1 password=$2
  # the role: log in, nothing more
  admin --dbname postgres -v role="$database" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD %L',
              :'role', :'password') \gexec
SQL
  # its database: owned by it, nobody else may connect
  admin --dbname postgres -v db="$database" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'db')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'db', :'db') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \gexec
SQL
}

ensure_service sh_gateway "$SH_GATEWAY_DB_PASSWORD"
ensure_service sh_telemetry "$SH_TELEMETRY_DB_PASSWORD"
ensure_service sh_booking "$SH_BOOKING_DB_PASSWORD"

# The earlier layout: what the shared role owns inside each database becomes that database's role (every database
# is re-owned above first: REASSIGN OWNED also moves databases the old role still owns), then the role goes.
legacy=$(admin --dbname postgres -v role="$SH_DB_LEGACY_USER" <<'SQL'
SELECT 1 FROM pg_roles WHERE rolname = :'role'
SQL
)
if [ "$legacy" = 1 ]; then
  echo "init-databases: moving what $SH_DB_LEGACY_USER owns to each database's own role"
  for database in sh_gateway sh_telemetry sh_booking; do
    admin --dbname "$database" -v old="$SH_DB_LEGACY_USER" -v new="$database" <<'SQL'
SELECT format('REASSIGN OWNED BY %I TO %I', :'old', :'new') \gexec
SELECT format('DROP OWNED BY %I', :'old') \gexec
SQL
  done
  admin --dbname postgres -v old="$SH_DB_LEGACY_USER" -v new="${POSTGRES_USER:-postgres}" <<'SQL'
SELECT format('REASSIGN OWNED BY %I TO %I', :'old', :'new') \gexec
SELECT format('DROP OWNED BY %I', :'old') \gexec
SELECT format('DROP ROLE %I', :'old') \gexec
SQL
fi

# A service's role has nothing to do in the maintenance databases either.
admin --dbname postgres <<'SQL'
REVOKE ALL ON DATABASE postgres FROM PUBLIC;
REVOKE ALL ON DATABASE template1 FROM PUBLIC;
SQL
echo "init-databases: sh_gateway, sh_telemetry, sh_booking each owned by the role of the same name, refused elsewhere"
