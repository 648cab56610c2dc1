#!/usr/bin/env bash
# Ingest burst benchmark (issue 13), rerunnable by anyone; docs/benchmarks.md shows the figures and how they were taken.
#
# Runs system-tests' IngestBurstIT at full size: the packaged device-gateway on the PostgreSQL and the broker named
# below; SH_BENCH_UNITS units (default 1,000), each running the edge agent's own reporting code (outbox, journal
# receipts, its own MQTT client id and persistent session), burst SH_BENCH_EVENTS events each (default 100) while the
# gateway is away, so the broker's default queue limit for the gateway's session drops most of them; the gateway
# comes back and the units re-send what no receipt confirmed. It prints one line with: the broker's drop count, the
# PUBACK rate (the broker alone), the time until every event was journaled and confirmed (events/s, re-sends
# included), and the journal's rows and distinct events (lost = events - distinct, doubled = rows - distinct; the
# test fails unless both are 0). Then the server's fsync and synchronous_commit.
#
# Usage: bench/ingest.sh [--skip-build]   (--skip-build: use device-gateway/target/quarkus-app as it is)
# Environment:
#   SH_TEST_PG_HOST/PORT/USER/PASSWORD   the PostgreSQL server (default: an embedded one, fsync and synchronous_commit on)
#   SH_TEST_MQTT_HOST/PORT               the broker (default: an embedded HiveMQ CE; Mosquitto prints its drop count)
#   SH_BENCH_UNITS (1000), SH_BENCH_EVENTS (100), SH_BENCH_BUDGET (900: seconds allowed per phase)
# Builds with `mvn package`-like phases into target/ directories only (never `install`).
set -euo pipefail
cd "$(dirname "$0")/.."

UNITS=${SH_BENCH_UNITS:-1000}
EVENTS=${SH_BENCH_EVENTS:-100}
BUILD=true
for arg in "$@"; do
  case "$arg" in
    --skip-build) BUILD=false ;;
    *) echo "unknown argument $arg" >&2; exit 2 ;;
  esac
done

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB, $(uname -r); load now: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$BUILD" = true ]; then
  # the gateway's fast-jar plus everything system-tests compiles against; no upstream tests
  mvn -q -B -ntp -pl system-tests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=IngestBurstIT -Dfailsafe.failIfNoSpecifiedTests=false \
    -Dsh.burst.units="$UNITS" -Dsh.burst.events="$EVENTS" -Dsh.burst.budget-seconds="${SH_BENCH_BUDGET:-900}" \
    | tee /tmp/sh-bench-ingest.log
else
  # the gateway's fast-jar as it is in device-gateway/target; the agent's classes and the test from this tree
  mvn -q -B -ntp -pl device-protocol,edge-agent,system-tests verify -Dtest=none \
    -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=IngestBurstIT -Dfailsafe.failIfNoSpecifiedTests=false \
    -Dsh.burst.units="$UNITS" -Dsh.burst.events="$EVENTS" -Dsh.burst.budget-seconds="${SH_BENCH_BUDGET:-900}" \
    | tee /tmp/sh-bench-ingest.log
fi
grep '^IngestBurstIT:' /tmp/sh-bench-ingest.log || true
if [ -n "${SH_TEST_PG_HOST:-}" ] && command -v psql >/dev/null; then
  for setting in fsync synchronous_commit; do
    echo "PostgreSQL $setting: $(PGPASSWORD=${SH_TEST_PG_PASSWORD:-} psql -h "$SH_TEST_PG_HOST" -p "${SH_TEST_PG_PORT:-5432}" \
      -U "${SH_TEST_PG_USER:-postgres}" -d postgres -Atc "SHOW $setting")"
  done
else
  echo "PostgreSQL: the embedded one (EmbeddedPostgresServer: fsync=on, synchronous_commit=on)"
fi
