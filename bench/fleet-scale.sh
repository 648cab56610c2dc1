#!/usr/bin/env bash
# Fleet scale benchmark (issue 13, item 4), rerunnable by anyone; docs/benchmarks.md ("Fleet scale") has the figures.
#
# Runs system-tests' FleetScaleIT with SH_BENCH_SCALE_UNITS units (default 10,000): a light protocol simulator (births,
# Wills, session events kept until journal receipts, telemetry seconds; no control loop), each unit on its own broker
# account, against one embedded HiveMQ CE with the broker-access extension (unit passwords checked against the
# gateway's registry) and one packaged device-gateway. It prints: registrations, connects, birth -> ONLINE and
# Will -> OFFLINE at the gateway (p50/p99/max), the time until every unit is back after a broker restart with events
# in flight, the events re-sent, every event journaled exactly once (the test fails otherwise), gateway and broker
# CPU and resident memory.
#
# Usage: bench/fleet-scale.sh [--skip-build]
# Environment:
#   SH_TEST_PG_HOST/PORT/USER/PASSWORD   the PostgreSQL server (default: an embedded one)
#   SH_BENCH_SCALE_UNITS (10000), SH_BENCH_SCALE_BUDGET (900: seconds allowed per phase),
#   SH_BENCH_SCALE_TEST_HEAP (3g: the simulator's JVM), SH_BENCH_SCALE_BROKER_HEAP (2g), SH_BENCH_SCALE_GATEWAY_HEAP (512m)
# Builds into target/ directories only (never `install`).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=true
for arg in "$@"; do
  case "$arg" in
    --skip-build) BUILD=false ;;
    *) echo "unknown argument $arg" >&2; exit 2 ;;
  esac
done
UNITS=${SH_BENCH_SCALE_UNITS:-10000}
LOG=/tmp/sh-bench-fleet-scale.log

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB, $(uname -r); open files per process: $(ulimit -n); load now: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$(ulimit -n)" -lt $((UNITS + 2000)) ]; then
  echo "warning: $(ulimit -n) open files per process is too few for $UNITS units (each is a socket in the simulator and in the broker)" >&2
fi
if [ "$BUILD" = true ]; then
  mvn -q -B -ntp -pl system-tests -am package -DskipTests
fi
mvn -q -B -ntp -pl system-tests verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=FleetScaleIT -Dfailsafe.failIfNoSpecifiedTests=false \
  -DargLine="-Xmx${SH_BENCH_SCALE_TEST_HEAP:-3g}" \
  -Dsh.scale.units="$UNITS" \
  -Dsh.scale.budget-seconds="${SH_BENCH_SCALE_BUDGET:-900}" \
  -Dsh.scale.broker-heap="${SH_BENCH_SCALE_BROKER_HEAP:-2g}" \
  -Dsh.scale.gateway-heap="${SH_BENCH_SCALE_GATEWAY_HEAP:-512m}" \
  | tee "$LOG" | grep -E "(FleetScaleIT  |\[ERROR\]|Tests run:)" || true
if grep -q "Tests run: 4, Failures: 0, Errors: 0" "$LOG"; then
  echo "verdict: PASS (every state within its time, every unit back, every event once); full output in $LOG"
else
  echo "verdict: FAIL; full output in $LOG" >&2
  exit 1
fi
