#!/usr/bin/env bash
# Ingest benchmark (issue 13), rerunnable by anyone; docs/benchmarks.md shows the figures and how they were taken.
#
# Two system tests, each on the embedded HiveMQ CE and on Mosquitto, in one run, and one table at the end:
#
# 1. Throughput (IngestThroughputIT): the same generator (one MQTT client per unit, its own client id, valid session
#    lifecycles at QoS 1) first against the broker alone (a plain shared subscriber takes the stream), then through
#    the packaged device-gateway as fast as it goes (durable: journaled, committed and confirmed to each unit by a
#    journal receipt), then at a steady SH_BENCH_RATE events/s (latency from publish to the fleet push that follows
#    the commit, and to the receipt). Gateway CPU per thousand events from /proc. Lost and doubled from the journal.
# 2. Burst (IngestBurstIT): SH_BENCH_UNITS units running the edge agent's own outbox code burst while the gateway is
#    away, the broker's default queue limit drops most of it, receipts make the units re-send: every event must end
#    in the journal exactly once.
#
# Usage: bench/ingest.sh [--skip-build] [--throughput-only | --burst-only]
# Environment:
#   SH_TEST_PG_HOST/PORT/USER/PASSWORD   the PostgreSQL server (default: an embedded one, fsync and synchronous_commit on)
#   SH_BENCH_MOSQUITTO (127.0.0.1:1883)  the Mosquitto with its default limits (for the burst); "none": HiveMQ only
#   The throughput test also runs on a Mosquitto as deploy/mosquitto/mosquitto.conf configures it (its queue and
#   packet limits; anonymous, on a free port, started and stopped here) when `mosquitto` is installed.
#   SH_BENCH_TP_UNITS (100), SH_BENCH_TP_EVENTS (500 per unit and phase), SH_BENCH_TP_WARMUP (100 per unit),
#   SH_BENCH_RATE (1000), SH_BENCH_RATE_SECONDS (30)
#   SH_BENCH_UNITS (1000), SH_BENCH_EVENTS (100), SH_BENCH_BUDGET (900: seconds allowed per phase)  for the burst
# Builds into target/ directories only (never `install`).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=true
RUN_THROUGHPUT=true
RUN_BURST=true
for arg in "$@"; do
  case "$arg" in
    --skip-build) BUILD=false ;;
    --throughput-only) RUN_BURST=false ;;
    --burst-only) RUN_THROUGHPUT=false ;;
    *) echo "unknown argument $arg" >&2; exit 2 ;;
  esac
done
MOSQUITTO=${SH_BENCH_MOSQUITTO:-127.0.0.1:1883}
LOG=/tmp/sh-bench-ingest.log
: > "$LOG"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB, $(uname -r); load now: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$BUILD" = true ]; then
  # the gateway's fast-jar plus everything system-tests compiles against; no tests
  mvn -q -B -ntp -pl system-tests -am package -DskipTests
fi

# One failsafe run of one IT; the broker from the arguments (host:port, or "embedded").
run_it() {
  local it=$1 broker=$2; shift 2
  local broker_env=(env -u SH_TEST_MQTT_HOST -u SH_TEST_MQTT_PORT)
  if [ "$broker" != embedded ]; then
    broker_env=(env SH_TEST_MQTT_HOST="${broker%:*}" SH_TEST_MQTT_PORT="${broker#*:}")
  fi
  echo "--- $it on $broker ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))"
  "${broker_env[@]}" mvn -q -B -ntp -pl device-protocol,edge-agent,system-tests verify -Dtest=none \
    -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$it" -Dfailsafe.failIfNoSpecifiedTests=false "$@" \
    | tee -a "$LOG" | grep -E "($it:|\[ERROR\]|Tests run:)" || true
}

brokers=()
if [ "$MOSQUITTO" != none ] && (exec 3<>"/dev/tcp/${MOSQUITTO%:*}/${MOSQUITTO#*:}") 2>/dev/null; then
  brokers+=("$MOSQUITTO")
fi
brokers+=(embedded)

# Mosquitto as deployed: deploy/mosquitto/mosquitto.conf's limits (not its accounts: the bench's units are anonymous)
deployed=""
if [ "$MOSQUITTO" != none ] && [ "$RUN_THROUGHPUT" = true ] && command -v mosquitto >/dev/null; then
  dir=$(mktemp -d /tmp/sh-bench-mosquitto.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  {
    echo "listener $port 127.0.0.1"
    echo "allow_anonymous true"
    echo "persistence true"
    echo "persistence_location $dir/"
    grep -E '^(max_packet_size|max_queued_messages|max_queued_bytes|autosave_interval|max_inflight_messages)' \
      deploy/mosquitto/mosquitto.conf
  } > "$dir/mosquitto.conf"
  mosquitto -c "$dir/mosquitto.conf" > "$dir/mosquitto.log" 2>&1 &
  deployed_pid=$!
  trap 'kill $deployed_pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  deployed="127.0.0.1:$port"
  echo "Mosquitto as deployed on $deployed: $(grep -E '^max_' "$dir/mosquitto.conf" | tr '\n' ' ')"
fi

for broker in ${deployed:+"deployed:$deployed"} "${brokers[@]}"; do
  if [[ "$broker" == deployed:* ]]; then
    # the throughput test only: the burst test is about the default queue limits
    [ "$RUN_THROUGHPUT" = true ] && run_it IngestThroughputIT "${broker#deployed:}" \
      -Dsh.throughput.units="${SH_BENCH_TP_UNITS:-100}" -Dsh.throughput.events="${SH_BENCH_TP_EVENTS:-500}" \
      -Dsh.throughput.warmup-events="${SH_BENCH_TP_WARMUP:-100}" \
      -Dsh.throughput.paced-rate="${SH_BENCH_RATE:-1000}" -Dsh.throughput.paced-seconds="${SH_BENCH_RATE_SECONDS:-30}" \
      -Dsh.throughput.budget-seconds="${SH_BENCH_BUDGET:-900}" -Dsh.throughput.gateway-heap=512m
    continue
  fi
  if [ "$RUN_THROUGHPUT" = true ]; then
    # on the embedded HiveMQ the gateway reads as the one-command fleet's does: plain subscriptions (its share-group
    # queue stalls under this load, docs/benchmarks.md); SH_BENCH_HIVEMQ_SHARED=true shows that
    shared_arg=()
    [ "$broker" = embedded ] && shared_arg=(-Dsh.throughput.shared="${SH_BENCH_HIVEMQ_SHARED:-false}")
    run_it IngestThroughputIT "$broker" "${shared_arg[@]}" \
      -Dsh.throughput.units="${SH_BENCH_TP_UNITS:-100}" -Dsh.throughput.events="${SH_BENCH_TP_EVENTS:-500}" \
      -Dsh.throughput.warmup-events="${SH_BENCH_TP_WARMUP:-100}" \
      -Dsh.throughput.paced-rate="${SH_BENCH_RATE:-1000}" -Dsh.throughput.paced-seconds="${SH_BENCH_RATE_SECONDS:-30}" \
      -Dsh.throughput.budget-seconds="${SH_BENCH_BUDGET:-900}" -Dsh.throughput.gateway-heap=512m
  fi
  if [ "$RUN_BURST" = true ]; then
    run_it IngestBurstIT "$broker" \
      -Dsh.burst.units="${SH_BENCH_UNITS:-1000}" -Dsh.burst.events="${SH_BENCH_EVENTS:-100}" \
      -Dsh.burst.budget-seconds="${SH_BENCH_BUDGET:-900}"
  fi
done

echo
echo "=== results (full lines in $LOG)"
# (Maven's -q output may put a colour reset before a test's line)
grep -E 'Ingest(Throughput|Burst)IT:' "$LOG" | sed 's/^[^I]*Ingest/Ingest/' || echo "no result line: see $LOG"
if grep -qE 'Tests run:.*(Failures: [1-9]|Errors: [1-9])' "$LOG"; then
  echo "A CHECK FAILED (lost or doubled events, or a phase over its budget): see $LOG"
  status=1
else
  status=0
fi
if [ -n "${SH_TEST_PG_HOST:-}" ] && command -v psql >/dev/null; then
  for setting in fsync synchronous_commit; do
    echo "PostgreSQL $setting: $(PGPASSWORD=${SH_TEST_PG_PASSWORD:-} psql -h "$SH_TEST_PG_HOST" -p "${SH_TEST_PG_PORT:-5432}" \
      -U "${SH_TEST_PG_USER:-postgres}" -d postgres -Atc "SHOW $setting")"
  done
else
  echo "PostgreSQL: the embedded one (EmbeddedPostgresServer: fsync=on, synchronous_commit=on)"
fi
exit "$status"
