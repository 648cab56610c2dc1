#!/usr/bin/env bash
# Startup benchmark (issue 13, item 5); docs/benchmarks.md ("Startup") shows the figures and how they were taken.
#
# For each packaged service (device-gateway, telemetry-service, booking-service, ops-dashboard, edge-agent): the time
# from starting its JVM (the fork) to the first GET /q/health/ready that answers 200 AND names the checks that make
# "ready" mean something here: the broker subscription(s) made and, for the services with a database, the database
# reachable (a 200 without them is not counted; see REQUIRED below). Each service is started alone N times, then all
# five at once N times (as the launcher starts them); min / median / max per service, Quarkus's own "started in"
# figure beside it, the load average before and after.
#
# Usage: bench/startup.sh [--skip-build] [--runs N] [--alone-only | --together-only] [--services "a b ..."]
# Environment:
#   SH_BENCH_JVM_OPTS     the JVM flags (default: the launcher's, read from FleetLauncher.SERVICE_JVM)
#   SH_BENCH_APPCDS       true (default): build with the AppCDS archive (-Dquarkus.package.jar.appcds.enabled=true, as
#                         ./fleet builds) and start each service from quarkus-app with -XX:SharedArchiveFile=app-cds.jsa
#                         where there is one (with --skip-build: whatever the last build made); false: build without
#                         it and never use one
#   SH_BENCH_ANY_READY    true: count the first 200 whatever its checks (to time builds from before the readiness
#                         checks named below existed); default false
#   SH_BENCH_PG (127.0.0.1:5432, user postgres, trust), SH_BENCH_MQTT (127.0.0.1:1883, anonymous)
#   SH_BENCH_DIR          work directory (default target/startup-bench: keys, logs, unit data)
# Needs curl, psql, openssl. Builds into target/ directories only (never `install`). Databases sh_bench_gateway,
# sh_bench_telemetry and sh_bench_booking (owner secondheart) are made afresh at each run; the first start of each
# service after that migrates its schema (Flyway) and is reported apart, untimed in the table.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

BUILD=true
RUNS=5
ALONE=true
TOGETHER=true
SERVICES="device-gateway telemetry-service booking-service ops-dashboard edge-agent"
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-build) BUILD=false ;;
    --runs) RUNS=$2; shift ;;
    --alone-only) TOGETHER=false ;;
    --together-only) ALONE=false ;;
    --services) SERVICES=$2; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

PG=${SH_BENCH_PG:-127.0.0.1:5432}
MQTT=${SH_BENCH_MQTT:-127.0.0.1:1883}
WORK=${SH_BENCH_DIR:-$ROOT/target/startup-bench}
APPCDS=${SH_BENCH_APPCDS:-true}
ANY_READY=${SH_BENCH_ANY_READY:-false}
TIMEOUT_S=60
LOGS=$WORK/logs
rm -rf "$WORK/units" "$WORK/logs"
mkdir -p "$LOGS" "$WORK/keys"

log() { printf '[startup] %s\n' "$*" >&2; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# --- JVM flags: the launcher's own, so that the figures are the fleet's ----------------------------------------------
if [ -n "${SH_BENCH_JVM_OPTS:-}" ]; then
  JVM_OPTS=$SH_BENCH_JVM_OPTS
else
  JVM_OPTS=$(sed -n '/SERVICE_JVM = List.of(/,/);/p' fleet-launcher/src/main/java/com/secondheart/launcher/FleetLauncher.java \
    | grep -o '"[^"]*"' | tr -d '"' | tr '\n' ' ')
fi

# --- Build -------------------------------------------------------------------------------------------------------------
if [ "$BUILD" = true ]; then
  modules=$(echo "$SERVICES" | tr ' ' ',')
  log "building $modules (mvn -pl ... -am package -DskipTests)"
  build_start=$(now_ms)
  mvn -B -ntp -q -pl "$modules" -am package -DskipTests -Dquarkus.package.jar.appcds.enabled="$APPCDS"
  log "built in $(( ($(now_ms) - build_start) / 1000 )) s"
fi

# --- Database, keys ----------------------------------------------------------------------------------------------------
pg_host=${PG%:*}; pg_port=${PG#*:}
mqtt_host=${MQTT%:*}; mqtt_port=${MQTT#*:}
psql_admin() { psql -h "$pg_host" -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'secondheart'")" != "1" ]; then
  psql_admin -c "CREATE ROLE secondheart LOGIN CREATEDB PASSWORD 'secondheart'"
fi
for database in sh_bench_gateway sh_bench_telemetry sh_bench_booking; do
  psql_admin -c "DROP DATABASE IF EXISTS $database WITH (FORCE)"
  psql_admin -c "CREATE DATABASE $database OWNER secondheart"
done
if [ ! -f "$WORK/keys/signing-key.pem" ]; then
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/keys/signing-key.pem" 2>/dev/null
  openssl pkey -in "$WORK/keys/signing-key.pem" -pubout -out "$WORK/keys/public-key.pem"
fi
UNITS=$(for i in $(seq -w 1 10); do printf 'bench-unit-%s,' "$i"; done | sed 's/,$//')

port_of() {
  case "$1" in
    ops-dashboard) echo 18080 ;; device-gateway) echo 18081 ;; telemetry-service) echo 18082 ;;
    booking-service) echo 18083 ;; edge-agent) echo 18084 ;;
  esac
}

# What a 200 must name to count: the broker subscription(s) and, where there is one, the database (the reactive
# PostgreSQL pool's own check).
REQUIRED_DB='Reactive PostgreSQL connections health check'
required_checks() {
  case "$1" in
    device-gateway) echo "mqtt|$REQUIRED_DB" ;;
    telemetry-service) echo "mqtt subscription fleet-events|mqtt subscription telemetry|$REQUIRED_DB" ;;
    booking-service) echo "mqtt subscription fleet-events|mqtt subscription presence|$REQUIRED_DB" ;;
    ops-dashboard) echo "mqtt subscription fleet tree" ;;
    edge-agent) echo "mqtt" ;;
  esac
}

# The environment the launcher gives each service (FleetLauncher), on the plain broker and this machine's PostgreSQL.
service_env() {
  local service=$1
  echo "SH_DB_HOST=$pg_host" "SH_DB_PORT=$pg_port" "SH_DB_USER=secondheart" "SH_DB_PASSWORD=secondheart"
  echo "SH_MQTT_HOST=$mqtt_host" "SH_MQTT_PORT=$mqtt_port"
  echo "SH_GATEWAY_URL=http://localhost:$(port_of device-gateway)" "SH_TELEMETRY_URL=http://localhost:$(port_of telemetry-service)"
  echo "SH_BOOKING_URL=http://localhost:$(port_of booking-service)"
  echo "SH_SECURITY_ISSUER=https://second-heart.local" "SH_SECURITY_PUBLIC_KEY_LOCATION=$WORK/keys/public-key.pem"
  echo "SH_SECURITY_SIGNING_KEY_LOCATION=$WORK/keys/signing-key.pem" "QUARKUS_VERTX_WARNING_EXCEPTION_TIME=60s"
  echo "QUARKUS_HTTP_PORT=$(port_of "$service")"
  case "$service" in
    device-gateway)
      # a share group and session of the bench's own: the broker may be shared with other runs
      echo "SH_DB_NAME=sh_bench_gateway" "SH_GATEWAY_MQTT_CLIENT_ID=device-gateway-bench"
      echo "SH_GATEWAY_MQTT_SHARE_GROUP=device-gateway-bench" "SH_GATEWAY_MQTT_SESSION_EXPIRY=60s" ;;
    telemetry-service) echo "SH_DB_NAME=sh_bench_telemetry" ;;
    booking-service) echo "SH_DB_NAME=sh_bench_booking" ;;
    edge-agent)
      echo "SH_AGENT_UNITS=$UNITS" "SH_AGENT_DATA_DIR=$WORK/units" "SH_AGENT_LOOP_RUNNER=virtual" "SH_AGENT_FIRMWARE=1.4.0" ;;
  esac
}

jvm_opts_for() {
  local service=$1 opts=$JVM_OPTS
  # a relative path, run from quarkus-app: the archive names the jar as Quarkus built it (relative to quarkus-app)
  if [ "$APPCDS" != false ] && [ -f "$ROOT/$service/target/quarkus-app/app-cds.jsa" ]; then
    opts="$opts -XX:SharedArchiveFile=app-cds.jsa"
  fi
  echo "$opts"
}

# Starts one service in the background from its quarkus-app directory; prints "pid start_ms".
start_service() {
  local service=$1 logfile=$2
  local app=$ROOT/$service/target/quarkus-app
  [ -f "$app/quarkus-run.jar" ] || { log "$app/quarkus-run.jar is missing: build first (without --skip-build)"; exit 1; }
  local start
  start=$(now_ms)
  # shellcheck disable=SC2046
  (cd "$app" && exec env $(service_env "$service") java $(jvm_opts_for "$service") -jar quarkus-run.jar >"$logfile" 2>&1) &
  echo "$! $start"
}

# 0 when the service answers 200 on /q/health/ready naming every required check, 1 otherwise.
is_ready() {
  local service=$1 body code
  body=$(curl -s --max-time 1 -w '\n%{http_code}' "http://127.0.0.1:$(port_of "$service")/q/health/ready" 2>/dev/null) || return 1
  code=${body##*$'\n'}
  [ "$code" = 200 ] || return 1
  [ "$ANY_READY" = true ] && return 0
  local IFS='|' name
  for name in $(required_checks "$service"); do
    grep -qF "\"name\": \"$name\"" <<<"$body" || grep -qF "\"name\":\"$name\"" <<<"$body" || {
      log "$service answers 200 without the check '$name'"
      return 1
    }
  done
  return 0
}

stop_pid() {
  local pid=$1
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

quarkus_started() { sed -n 's/.* started in \([0-9.]*\)s.*/\1/p' "$1" | tail -n 1; }

# Starts the given services at once and waits until each is ready; prints "service ready_ms quarkus_s" per service.
run_once() {
  local logdir=$1; shift
  local -A pids starts ready cpu
  local service
  mkdir -p "$logdir"
  for service in "$@"; do
    read -r pid start < <(start_service "$service" "$logdir/$service.log")
    pids[$service]=$pid; starts[$service]=$start
  done
  local deadline=$(( $(now_ms) + TIMEOUT_S * 1000 )) pending=$#
  while [ "$pending" -gt 0 ] && [ "$(now_ms)" -lt "$deadline" ]; do
    for service in "$@"; do
      [ -n "${ready[$service]:-}" ] && continue
      if is_ready "$service"; then
        ready[$service]=$(( $(now_ms) - starts[$service] ))
        # CPU time the JVM used until then (all its threads, user + system): less sensitive to a busy machine
        cpu[$service]=$(awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/${pids[$service]}/stat")
        pending=$((pending - 1))
      elif ! kill -0 "${pids[$service]}" 2>/dev/null; then
        log "$service exited before it was ready; its log: $logdir/$service.log"; tail -n 20 "$logdir/$service.log" >&2
        ready[$service]=failed; pending=$((pending - 1))
      fi
    done
    sleep 0.05
  done
  for service in "$@"; do stop_pid "${pids[$service]}"; done
  for service in "$@"; do
    echo "$service ${ready[$service]:-timeout} ${cpu[$service]:--} $(quarkus_started "$logdir/$service.log")"
  done
}

# min / median / max of a list of numbers (milliseconds) as seconds
stats() {
  tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -n | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "-\t-\t-"; exit }
      med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%.2f\t%.2f\t%.2f\n", v[1] / 1000, med / 1000, v[NR] / 1000
    }'
}

results=$WORK/results.txt
: >"$results"
echo "JVM: $(java -version 2>&1 | head -n 1)"
echo "JVM flags: $JVM_OPTS $( [ "$APPCDS" != false ] && echo '(+ -XX:SharedArchiveFile=app-cds.jsa where the build made one; run from quarkus-app)')"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo), $(uname -sr); load average at start: $(loadavg)"
if [ "$APPCDS" != false ]; then
  echo "AppCDS archives: $(for service in $SERVICES; do
    archive=$ROOT/$service/target/quarkus-app/app-cds.jsa
    if [ -f "$archive" ]; then printf '%s %s MB, ' "$service" $(( $(stat -c %s "$archive") / 1048576 )); else printf '%s none, ' "$service"; fi
  done | sed 's/, $//')"
fi
echo "runs: $RUNS; ready = first 200 on /q/health/ready that names the broker subscription(s) and the database"

# First start of each service on its empty database: Flyway migrates. Reported, not counted.
log "first start of each service on an empty database (migrations), not counted"
for service in $SERVICES; do
  run_once "$LOGS/first" "$service" | while read -r name ms cpu quarkus; do
    echo "first start $name: ready after ${ms} ms, ${cpu} ms CPU (Quarkus: started in ${quarkus:-?} s)"
  done
done

print_table() {
  local mode=$1
  printf '\n%s: seconds from fork to ready (min, median, max); medians of the CPU seconds used until ready and of\n' "$mode"
  printf 'Quarkus'"'"'s own "started in"\n'
  printf '%-18s %6s %6s %6s %8s %11s\n' service min median max "CPU" "started in"
  for service in $SERVICES; do
    local times cpu quarkus
    times=$(awk -v m="$mode" -v s="$service" '$1 == m && $2 == s { print $3 }' "$results" | tr '\n' ' ')
    cpu=$(awk -v m="$mode" -v s="$service" '$1 == m && $2 == s { print $4 }' "$results" | tr '\n' ' ' | stats | cut -f2)
    quarkus=$(awk -v m="$mode" -v s="$service" '$1 == m && $2 == s { print $5 * 1000 }' "$results" | tr '\n' ' ' | stats | cut -f2)
    # shellcheck disable=SC2046
    printf '%-18s %6s %6s %6s %8s %11s\n' "$service" $(echo "$times" | stats) "$cpu" "$quarkus"
    local failed
    failed=$(awk -v m="$mode" -v s="$service" '$1 == m && $2 == s && $3 !~ /^[0-9]+$/ { n++ } END { print n + 0 }' "$results")
    [ "$failed" = 0 ] || printf '%-18s %s of %s runs not ready within %s s\n' "" "$failed" "$RUNS" "$TIMEOUT_S"
  done
}

if [ "$ALONE" = true ]; then
  for service in $SERVICES; do
    log "$service alone, $RUNS runs (load average $(loadavg))"
    for run in $(seq 1 "$RUNS"); do
      run_once "$LOGS/alone-$run" "$service" | sed 's/^/alone /' >>"$results"
    done
  done
  print_table alone
  echo "load average after the alone runs: $(loadavg)"
fi

if [ "$TOGETHER" = true ]; then
  # shellcheck disable=SC2086
  log "all together ($SERVICES), $RUNS runs (load average $(loadavg))"
  for run in $(seq 1 "$RUNS"); do
    # shellcheck disable=SC2086
    run_once "$LOGS/together-$run" $SERVICES | sed 's/^/together /' >>"$results"
  done
  print_table together
  echo "load average after the together runs: $(loadavg)"
fi
echo "raw figures: $results; logs: $LOGS"
