#!/usr/bin/env bash
# Booking availability benchmark, rerunnable by anyone (docs/benchmarks.md shows the figures and how they were taken).
#
# In one run:
#   1. builds booking-service (fast-jar) unless --skip-build;
#   2. creates a scratch database (dropped at the end unless SH_BENCH_KEEP_DB=1) on the PostgreSQL server named by
#      PGHOST/PGPORT/PGUSER (default 127.0.0.1:5432, postgres), and an RSA key pair for a bearer token;
#   3. starts the packaged service on it (Flyway creates the schema), then loads with SQL generate_series and a fixed
#      seed: 50 clinics (Europe/London, open 08:00-20:00 every day), 10 boot units each, one 30-minute compression
#      service with a 10-minute cleaning buffer, and a year of bookings (182 days back, 183 ahead; each unit offered
#      14 starts a day, 60 % of them booked: about 1.5 million bookings), then ANALYZE;
#   4. asks GET /clinics/{c}/availability?serviceId=&from=D (one clinic-day) for random (clinic, day) pairs, days 1-60
#      ahead, bash RANDOM seeded with 42: a warm-up, then the measured requests one at a time, then again from 4
#      clients at once; each request is a fresh curl (new TCP connection), timed by curl's time_total;
#   5. prints p50/p95/p99/max in milliseconds as a markdown table.
#
# Usage: bench/booking-availability.sh [--quick] [--skip-build]
#   --quick        300 measured requests instead of 2000, 10 days of bookings instead of a year (smoke run)
#   --skip-build   use booking-service/target/quarkus-app as it is
# Environment:
#   PGHOST/PGPORT/PGUSER/PGPASSWORD   the PostgreSQL server (the user must be allowed to create databases)
#   SH_BENCH_REQUESTS (2000)          measured requests per run; SH_BENCH_WARMUP (300) warm-up requests
#   SH_BENCH_PORT (18093)             the service's HTTP port
#   SH_BENCH_KEEP_DB (0)              1 keeps the scratch database sh_booking_bench for a look afterwards
#   SH_MQTT_HOST/SH_MQTT_PORT         a broker for the service's fleet channels (default 127.0.0.1:1883; optional:
#                                     without one the service retries in the background and still answers)
# Idempotent: it changes nothing but booking-service/target, the scratch database and a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

REQUESTS=${SH_BENCH_REQUESTS:-2000}
WARMUP=${SH_BENCH_WARMUP:-300}
PORT=${SH_BENCH_PORT:-18093}
DAYS_BACK=182
DAYS_AHEAD=183
BUILD=true
for arg in "$@"; do
  case "$arg" in
    --quick) REQUESTS=300; WARMUP=50; DAYS_BACK=2; DAYS_AHEAD=70 ;;
    --skip-build) BUILD=false ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DB=sh_booking_bench
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sh-bench-booking.XXXXXX")
SERVICE_PID=""
cleanup() {
  if [ -n "$SERVICE_PID" ]; then
    kill -TERM "$SERVICE_PID" 2>/dev/null || true
    timeout 20 tail --pid="$SERVICE_PID" -f /dev/null 2>/dev/null || kill -KILL "$SERVICE_PID" 2>/dev/null || true
  fi
  if [ "${SH_BENCH_KEEP_DB:-0}" != "1" ]; then
    psql -q -d postgres -c "drop database if exists $DB" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if $BUILD; then
  echo "building booking-service ..." >&2
  mvn -q -B -ntp -DskipTests package -pl booking-service
fi
JAR="$ROOT/booking-service/target/quarkus-app/quarkus-run.jar"
[ -f "$JAR" ] || { echo "no $JAR: run without --skip-build" >&2; exit 1; }

echo "scratch database $DB on $PGHOST:$PGPORT ..." >&2
psql -q -d postgres -c "drop database if exists $DB" -c "create database $DB" >/dev/null

# A key pair and an operations token (RS256), signed here so the benchmark needs nothing but openssl.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/key.pem" 2>/dev/null
openssl rsa -in "$WORK/key.pem" -pubout -out "$WORK/public.pem" 2>/dev/null
b64url() { openssl base64 -e -A | tr '+/' '-_' | tr -d '='; }
NOW=$(date +%s)
HEADER=$(printf '{"alg":"RS256","typ":"JWT","kid":"people"}' | b64url)
PAYLOAD=$(printf '{"iss":"https://second-heart.bench","aud":"second-heart-staff","sub":"bench","upn":"bench","groups":["operations"],"iat":%d,"exp":%d}' \
  "$NOW" $((NOW + 7200)) | b64url)
SIGNATURE=$(printf '%s.%s' "$HEADER" "$PAYLOAD" | openssl dgst -sha256 -sign "$WORK/key.pem" | b64url)
TOKEN="$HEADER.$PAYLOAD.$SIGNATURE"

echo "starting booking-service on port $PORT ..." >&2
SH_DB_HOST=$PGHOST SH_DB_PORT=$PGPORT SH_DB_NAME=$DB SH_DB_USER=$PGUSER SH_DB_PASSWORD=${PGPASSWORD:-} \
SH_SECURITY_PUBLIC_KEY_LOCATION="$WORK/public.pem" SH_SECURITY_ISSUER=https://second-heart.bench \
SH_MQTT_HOST=${SH_MQTT_HOST:-127.0.0.1} SH_MQTT_PORT=${SH_MQTT_PORT:-1883} SH_FLEET_CATCH_UP_ENABLED=false \
SH_GATEWAY_URL=http://127.0.0.1:9 QUARKUS_HTTP_PORT=$PORT QUARKUS_LOG_LEVEL=WARN \
  java -Xmx512m -jar "$JAR" >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!
for _ in $(seq 1 240); do
  if curl -sf "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVICE_PID" 2>/dev/null; then cat "$WORK/service.log" >&2; exit 1; fi
  sleep 0.5
done
if ! curl -sf "http://127.0.0.1:$PORT/q/health/ready" >/dev/null; then
  echo "the service did not become ready:" >&2
  curl -s "http://127.0.0.1:$PORT/q/health/ready" >&2 || true
  cat "$WORK/service.log" >&2
  exit 1
fi

echo "loading 50 clinics x 10 units x $((DAYS_BACK + DAYS_AHEAD)) days of bookings ..." >&2
LOAD_START=$(date +%s)
psql -q -v ON_ERROR_STOP=1 -d "$DB" >/dev/null <<SQL
select setseed(0.42);
insert into clinics (clinic_id, name, time_zone)
select format('bench-c%s', lpad(c::text, 2, '0')), format('Bench clinic %s', c), 'Europe/London'
  from generate_series(1, 50) c;
insert into opening_hours (clinic_id, day_of_week, opens, closes)
select format('bench-c%s', lpad(c::text, 2, '0')), d, time '08:00', time '20:00'
  from generate_series(1, 50) c, generate_series(1, 7) d;
insert into resources (resource_id, clinic_id, type, name, unit_id)
select format('bench-c%s-r%s', lpad(c::text, 2, '0'), lpad(r::text, 2, '0')), format('bench-c%s', lpad(c::text, 2, '0')),
       'BOOT_UNIT', format('Boots %s', r), format('bench-u%s-%s', lpad(c::text, 2, '0'), lpad(r::text, 2, '0'))
  from generate_series(1, 50) c, generate_series(1, 10) r;
insert into services (service_id, name, resource_type, duration_minutes, buffer_minutes, program_mode, intensity)
values ('bench-compression-30', 'Compression 30', 'BOOT_UNIT', 30, 10, 'GRADIENT_SEQUENTIAL', 4);
insert into clients (client_id, clinic_id, display_name)
select md5('client' || c)::uuid, format('bench-c%s', lpad(c::text, 2, '0')), 'Bench client'
  from generate_series(1, 50) c;
insert into bookings (booking_id, clinic_id, resource_id, service_id, client_id, starts_at, ends_at, held_until,
                      status, created_at, updated_at)
select gen_random_uuid(), clinic, resource, 'bench-compression-30', md5('client' || c)::uuid,
       start, start + interval '30 minutes', start + interval '40 minutes',
       case when start < now() then 'COMPLETED' else 'BOOKED' end, now(), now()
  from (select c, format('bench-c%s', lpad(c::text, 2, '0')) clinic,
               format('bench-c%s-r%s', lpad(c::text, 2, '0'), lpad(r::text, 2, '0')) resource,
               ((d::date + time '08:00' + k * interval '50 minutes' + (r % 5) * interval '5 minutes')
                   at time zone 'Europe/London') start
          from generate_series(1, 50) c, generate_series(1, 10) r,
               generate_series(current_date - $DAYS_BACK, current_date + $DAYS_AHEAD - 1, interval '1 day') d,
               generate_series(0, 13) k
         where random() < 0.6) slots;
analyze;
SQL
ROWS=$(psql -qtA -d "$DB" -c "select count(*) from bookings")
echo "loaded $ROWS bookings in $(( $(date +%s) - LOAD_START )) s" >&2

# Fixed request list: (clinic, day) pairs from bash RANDOM seeded with 42.
RANDOM=42
urls() {
  local count=$1 i clinic day
  for ((i = 0; i < count; i++)); do
    clinic=$(printf 'bench-c%02d' $((RANDOM % 50 + 1)))
    day=$(date -u -d "+$((RANDOM % 60 + 1)) days" +%F)
    echo "http://127.0.0.1:$PORT/clinics/$clinic/availability?serviceId=bench-compression-30&from=$day"
  done
}
urls "$WARMUP" >"$WORK/warmup.txt"
urls "$REQUESTS" >"$WORK/requests.txt"

measure() { # file parallelism -> one time_total (seconds) per line
  xargs -P "$2" -I{} curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $TOKEN" '{}' <"$1"
}
check_and_summarise() { # label file
  local bad
  bad=$(awk '$1 != 200' "$2" | wc -l)
  if [ "$bad" -ne 0 ]; then echo "$bad requests did not answer 200:" >&2; awk '$1 != 200' "$2" | head >&2; exit 1; fi
  awk '{print $2 * 1000}' "$2" | sort -n | awk -v label="$1" '
    { v[NR] = $1 }
    END {
      p50 = v[int(NR * 0.50 + 0.5)]; p95 = v[int(NR * 0.95 + 0.5)]; p99 = v[int(NR * 0.99 + 0.5)];
      printf "| %s | %d | %.1f | %.1f | %.1f | %.1f |\n", label, NR, p50, p95, p99, v[NR]
    }'
}

# one clinic-day's answer, to show what is measured
SLOTS=$(curl -s -H "Authorization: Bearer $TOKEN" "$(head -1 "$WORK/requests.txt")" | grep -o '"start"' | wc -l)
echo "warming up ($WARMUP requests) ..." >&2
measure "$WORK/warmup.txt" 1 >/dev/null
echo "measuring ($REQUESTS requests, one client) ..." >&2
measure "$WORK/requests.txt" 1 >"$WORK/sequential.txt"
echo "measuring ($REQUESTS requests, 4 clients) ..." >&2
measure "$WORK/requests.txt" 4 >"$WORK/parallel.txt"

echo
echo "Booking availability, one clinic-day per request: $ROWS bookings, 50 clinics x 10 units, $(nproc) cores,"
echo "$(date -u +%FT%RZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); first answer had $SLOTS free starts."
echo
echo "| clients | requests | p50 ms | p95 ms | p99 ms | max ms |"
echo "|---|---|---|---|---|---|"
check_and_summarise "1" "$WORK/sequential.txt"
check_and_summarise "4 at once" "$WORK/parallel.txt"
