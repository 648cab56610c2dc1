#!/usr/bin/env bash
# The hostile suite (issue 14) at a larger size, rerunnable by anyone: system-tests' HostileIT with more well-behaved
# units, each attack repeated, and a longer wrong-password flood. docs/security.md ("Attack table", "The hostile
# suite") says what each attack must and must not do.
#
# It prints, per attack: its duration, the well-behaved units' events meanwhile, their ingest p99 and maximum (journal
# receive time minus device time), and the gateway's longest unready stretch; then the flood's attempts and answers.
# The run fails on any lost or doubled event, a gap, an unready stretch over 10 s, an ingest p99 of 1 s or more, or an
# attacker that was not refused with the expected reason.
#
# Usage: bench/hostile.sh [--skip-build]   (--skip-build: the services' fast-jars as they are in */target)
# Environment:
#   SH_TEST_PG_HOST/PORT/USER/PASSWORD     the PostgreSQL server (default: an embedded one)
#   SH_TEST_SECURE_MQTT_* (see .ci/run)    a secured Mosquitto (default: an embedded HiveMQ with the broker-access extension)
#   SH_BENCH_UNITS (20), SH_BENCH_REPEATS (5: each attack made that often), SH_BENCH_FLOOD_SECONDS (10, per repeat),
#   SH_BENCH_FLOOD_CONNECTIONS (16), SH_BENCH_BUDGET (900: seconds for the whole class)
# Builds with `mvn verify` phases into target/ directories only (never `install`).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=true
for arg in "$@"; do
  case "$arg" in
    --skip-build) BUILD=false ;;
    *) echo "unknown argument $arg" >&2; exit 2 ;;
  esac
done
PROPS=(-Dit.test=HostileIT -Dfailsafe.failIfNoSpecifiedTests=false -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
  -Dsh.hostile.units="${SH_BENCH_UNITS:-20}" -Dsh.hostile.repeats="${SH_BENCH_REPEATS:-5}"
  -Dsh.hostile.flood-seconds="${SH_BENCH_FLOOD_SECONDS:-10}" -Dsh.hostile.flood-connections="${SH_BENCH_FLOOD_CONNECTIONS:-16}"
  -Dsh.hostile.budget-seconds="${SH_BENCH_BUDGET:-900}")

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB, $(uname -r); load now: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$BUILD" = true ]; then
  mvn -q -B -ntp -pl system-tests -am verify "${PROPS[@]}" | tee /tmp/sh-bench-hostile.log
else
  # the services' fast-jars as they are; the agent's reporting classes and the test from this tree
  mvn -q -B -ntp -pl device-protocol,edge-agent,system-tests verify "${PROPS[@]}" | tee /tmp/sh-bench-hostile.log
fi
grep '^HostileIT' /tmp/sh-bench-hostile.log || true
