#!/usr/bin/env bash
# Telemetry aggregates benchmark, rerunnable by anyone (docs/benchmarks.md, "Telemetry aggregates").
#
# In one run, on this machine:
#   1. builds telemetry-service (unless --skip-build);
#   2. creates a scratch database on a PostgreSQL server you run (SH_BENCH_PG_*), lets the service's Flyway
#      migrate it (the service jar is started against it), stops nothing else;
#   3. loads bench/telemetry/load.sql: 50 clinics in 10 time zones, 500 units, 1,000,000 sessions over the
#      90 days before today, their daily rollup, and swelling outcomes for 30 % of completed sessions (fixed seed);
#   4. issues SH_BENCH_REQUESTS requests per aggregate kind (after SH_BENCH_WARMUP warm-up requests each) with
#      curl, one at a time, with a bearer token it signs itself, choosing clinics/units/programs from a fixed seed;
#   5. prints p50/p95/p99/max per kind (a markdown table) and drops the scratch database (unless --keep).
#
# Usage: bench/telemetry-aggregates.sh [--skip-build] [--keep] [--quick]
#   --quick        100,000 sessions and 30 requests per kind (a smoke run; figures not comparable)
# Environment:
#   SH_BENCH_PG_HOST (127.0.0.1) SH_BENCH_PG_PORT (5432) SH_BENCH_PG_USER (postgres) SH_BENCH_PG_PASSWORD ()
#   SH_BENCH_MQTT_HOST (127.0.0.1) SH_BENCH_MQTT_PORT (1883)  a broker for the service to connect to (it only
#                           listens; without one it keeps retrying in the background, which does not matter here)
#   SH_BENCH_SESSIONS (1000000) SH_BENCH_DAYS (90) SH_BENCH_REQUESTS (200) SH_BENCH_WARMUP (20) SH_BENCH_SEED (42)
#   SH_BENCH_JAVA_OPTS (-Xmx512m)  JVM options of the service
# Needs: Java 17, Maven (for the build), psql, curl, openssl. Changes nothing but target/, a temporary directory and
# the scratch database sh_bench_telemetry_<pid>, which it drops at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

PG_HOST=${SH_BENCH_PG_HOST:-127.0.0.1}
PG_PORT=${SH_BENCH_PG_PORT:-5432}
PG_USER=${SH_BENCH_PG_USER:-postgres}
export PGPASSWORD=${SH_BENCH_PG_PASSWORD:-}
SESSIONS=${SH_BENCH_SESSIONS:-1000000}
DAYS=${SH_BENCH_DAYS:-90}
REQUESTS=${SH_BENCH_REQUESTS:-200}
WARMUP=${SH_BENCH_WARMUP:-20}
SEED=${SH_BENCH_SEED:-42}
JAVA_OPTS=${SH_BENCH_JAVA_OPTS:--Xmx512m}
PORT=${SH_BENCH_HTTP_PORT:-18092}
BUILD=true
KEEP=false

for arg in "$@"; do
  case "$arg" in
    --skip-build) BUILD=false ;;
    --keep) KEEP=true ;;
    --quick) SESSIONS=100000; REQUESTS=30; WARMUP=5 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

DB=sh_bench_telemetry_$$
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sh-bench-telemetry.XXXXXX")
SERVICE_PID=""
psql_db() { psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -v ON_ERROR_STOP=1 "$@"; }
cleanup() {
  if [[ -n "$SERVICE_PID" ]]; then
    kill -TERM "$SERVICE_PID" 2>/dev/null || true
    timeout 20 tail --pid="$SERVICE_PID" -f /dev/null 2>/dev/null || kill -KILL "$SERVICE_PID" 2>/dev/null || true
  fi
  if [[ "$KEEP" == false ]]; then
    psql_db -d postgres -c "drop database if exists $DB" >/dev/null 2>&1 || true
  else
    echo "kept database $DB" >&2
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [[ "$BUILD" == true ]]; then
  echo "building telemetry-service ..." >&2
  mvn -q -B -ntp -DskipTests install -pl telemetry-service -am >&2
fi
JAR="$ROOT/telemetry-service/target/quarkus-app/quarkus-run.jar"
[[ -f "$JAR" ]] || { echo "missing $JAR (run without --skip-build)" >&2; exit 1; }

# --- keys and a bearer token (RS256) signed here, trusted by the service through its public key ---
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/signing-key.pem" 2>/dev/null
openssl pkey -in "$WORK/signing-key.pem" -pubout -out "$WORK/public-key.pem"
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
NOW=$(date +%s)
HEADER=$(printf '{"alg":"RS256","typ":"JWT","kid":"people"}' | b64url)
PAYLOAD=$(printf '{"iss":"https://second-heart.bench","aud":"second-heart-staff","sub":"bench","upn":"bench","groups":["operations"],"iat":%d,"exp":%d}' \
  "$NOW" $((NOW + 7200)) | b64url)
SIGNATURE=$(printf '%s.%s' "$HEADER" "$PAYLOAD" | openssl dgst -sha256 -sign "$WORK/signing-key.pem" -binary | b64url)
TOKEN="$HEADER.$PAYLOAD.$SIGNATURE"

# --- scratch database, migrated by the service itself ---
psql_db -d postgres -c "create database $DB" >/dev/null
echo "starting telemetry-service on :$PORT against database $DB ..." >&2
SH_DB_HOST=$PG_HOST SH_DB_PORT=$PG_PORT SH_DB_USER=$PG_USER SH_DB_PASSWORD=$PGPASSWORD SH_DB_NAME=$DB \
SH_MQTT_HOST=${SH_BENCH_MQTT_HOST:-127.0.0.1} SH_MQTT_PORT=${SH_BENCH_MQTT_PORT:-1883} \
SH_SECURITY_PUBLIC_KEY_LOCATION="$WORK/public-key.pem" SH_SECURITY_SIGNING_KEY_LOCATION="$WORK/signing-key.pem" \
SH_SECURITY_ISSUER=https://second-heart.bench SH_FLEET_CATCH_UP_ENABLED=false SH_TELEMETRY_TRACE_ENABLED=false \
QUARKUS_HTTP_PORT=$PORT QUARKUS_LOG_CATEGORY__COM_SECONDHEART__LEVEL=WARN \
  java $JAVA_OPTS -jar "$JAR" >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVICE_PID" 2>/dev/null; then cat "$WORK/service.log" >&2; exit 1; fi
  sleep 1
done
curl -fs "http://127.0.0.1:$PORT/q/health/ready" >/dev/null || { tail -50 "$WORK/service.log" >&2; exit 1; }

echo "loading $SESSIONS sessions over $DAYS days ..." >&2
LOAD_START=$(date +%s)
psql_db -d "$DB" -v sessions="$SESSIONS" -v days="$DAYS" -v seed="0.$SEED" -v outcome_share=0.3 \
  -f "$ROOT/bench/telemetry/load.sql" >"$WORK/load.out"
LOAD_SECONDS=$(( $(date +%s) - LOAD_START ))
COUNTS=$(psql_db -d "$DB" -At -F ' ' -c "select (select count(*) from sessions), (select count(*) from session_daily),
  (select count(*) from clinic_daily), (select count(*) from outcomes), (select count(*) from outcome_histogram),
  (select count(*) from fleet_outcome_histogram)")
read -r N_SESSIONS N_ROLLUP N_CLINIC_ROLLUP N_OUTCOMES N_HISTOGRAM N_FLEET_HISTOGRAM <<<"$COUNTS"
DB_SIZE=$(psql_db -d "$DB" -At -c "select pg_size_pretty(pg_database_size(current_database()))")

TO=$(psql_db -d "$DB" -At -c "select max(local_day) from sessions")
FROM90=$(psql_db -d "$DB" -At -c "select max(local_day) - $((DAYS - 1)) from sessions")
FROM30=$(psql_db -d "$DB" -At -c "select max(local_day) - 29 from sessions")
MODES=(GRADIENT_SEQUENTIAL PERISTALTIC PULSE)
RANDOM=$SEED

# One request URL of a kind, drawn from the seeded generator.
url_of() {
  local base="http://127.0.0.1:$PORT/aggregates" c u
  c=$(printf 'clinic-%02d' $((RANDOM % 50 + 1)))
  u=$(printf 'unit-%02d-%02d' $((RANDOM % 50 + 1)) $((RANDOM % 10 + 1)))
  case "$1" in
    fleet)            echo "$base?from=$FROM90&to=$TO" ;;
    fleet-by-clinic)  echo "$base?from=$FROM90&to=$TO&groupBy=clinic" ;;
    fleet-by-day)     echo "$base?from=$FROM90&to=$TO&groupBy=day" ;;
    clinic)           echo "$base?from=$FROM30&to=$TO&clinicId=$c" ;;
    clinic-90d-by-unit) echo "$base?from=$FROM90&to=$TO&clinicId=$c&groupBy=unit" ;;
    unit)             echo "$base?from=$FROM90&to=$TO&unitId=$u" ;;
    program)          echo "$base?from=$FROM90&to=$TO&mode=${MODES[$((RANDOM % 3))]}" ;;
    csv-by-clinic)    echo "$base/export.csv?from=$FROM90&to=$TO&groupBy=clinic" ;;
  esac
}

KINDS=(fleet fleet-by-clinic fleet-by-day clinic clinic-90d-by-unit unit program csv-by-clinic)
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
echo "measuring: $WARMUP warm-up + $REQUESTS requests per kind ..." >&2
{
  echo "| aggregate | request | n | p50 ms | p95 ms | p99 ms | max ms | errors |"
  echo "|---|---|---|---|---|---|---|---|"
} >"$WORK/table.md"
for kind in "${KINDS[@]}"; do
  for _ in $(seq 1 "$WARMUP"); do
    curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "$(url_of "$kind")"
  done
  : >"$WORK/times"
  errors=0
  example=""
  for _ in $(seq 1 "$REQUESTS"); do
    url=$(url_of "$kind")
    [[ -z "$example" ]] && example=${url#http://127.0.0.1:$PORT}
    out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" "$url")
    [[ "${out%% *}" == 200 ]] || errors=$((errors + 1))
    echo "${out##* }" >>"$WORK/times"
  done
  sort -n "$WORK/times" | awk -v kind="$kind" -v ex="$example" -v errors="$errors" '
    { t[NR] = $1 * 1000 }
    END {
      n = NR
      i50 = int(0.50 * n + 0.999999); i95 = int(0.95 * n + 0.999999); i99 = int(0.99 * n + 0.999999)
      printf "| %s | `%s` | %d | %.1f | %.1f | %.1f | %.1f | %d |\n", kind, ex, n, t[i50], t[i95], t[i99], t[n], errors
    }' >>"$WORK/table.md"
done
LOAD2=$(cut -d' ' -f1-3 /proc/loadavg)

cat <<REPORT

Telemetry aggregates, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
Data: $N_SESSIONS sessions ($FROM90 .. $TO, 50 clinics, 500 units), $N_OUTCOMES outcomes; rollups: $N_ROLLUP session_daily, $N_CLINIC_ROLLUP clinic_daily, $N_HISTOGRAM outcome_histogram, $N_FLEET_HISTOGRAM fleet_outcome_histogram rows; database $DB_SIZE; loaded in ${LOAD_SECONDS} s
Machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(psql_db -d "$DB" -At -c 'show server_version'), $(java -version 2>&1 | head -1)
Load average at start of measuring: $LOAD1; at the end: $LOAD2
Requests one at a time with curl (time_total), $WARMUP warm-up requests per kind first.

$(cat "$WORK/table.md")
REPORT
