#!/usr/bin/env bash
# The chaos test for as long as you like (30 minutes and 100 units by default): system-tests' ChaosIT with its own
# PostgreSQL and broker, two gateway replicas, telemetry-service, booking-service (every session is a real booking
# checked in) and one edge-agent JVM running every unit, while a seeded schedule injects a fault every 20-60 s
# (SIGKILL of a gateway, telemetry, booking, the agent, the broker with a backlog; PostgreSQL stopped immediately or
# frozen; the gateway-broker link cut; two at once). Then it checks that every event is in the journal exactly once,
# telemetry and booking applied every session event once with matching outcomes and bookings, and every command is
# final, and prints the verdict and the table of faults with their recovery times.
# CI runs the same test with 20 units and one pass over the faults (about 5 minutes).
#
# Usage: bench/chaos.sh [minutes] [units] [broker]      broker: mosquitto (default when installed) or hivemq
#        SEED=<n> bench/chaos.sh ...                      replays a schedule
#        ROUNDS=0 bench/chaos.sh 3                        a short run: only random faults (by default every fault
#                                                         comes once first, in seeded order, then random ones)
#        GAP_MIN=20s GAP_MAX=60s                          the pause between two faults
# Output: system-tests/target/chaos-report.md (verdict and fault table), logs in system-tests/target/it-logs/chaos-*
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-30}
units=${2:-100}
broker=${3:-}
seed_arg=()
[[ -n "${SEED:-}" ]] && seed_arg=(-Dsh.chaos.seed="$SEED")
broker_arg=()
[[ -n "$broker" ]] && broker_arg=(-Dsh.chaos.broker="$broker")
report="$PWD/system-tests/target/chaos-report.md"
# The IT's own 6-minute JUnit timeout is for CI; the long run gets its duration plus time to settle.
timeout_minutes=$((minutes + 10))
mvn -B -ntp -pl system-tests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ChaosIT -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dsh.chaos.faults=all -Dsh.chaos.units="$units" -Dsh.chaos.duration="${minutes}m" -Dsh.chaos.gap-min="${GAP_MIN:-20s}" -Dsh.chaos.gap-max="${GAP_MAX:-60s}" -Dsh.chaos.rounds="${ROUNDS:-1}" \
  -Dsh.chaos.timeout-minutes="$timeout_minutes" -Dsh.chaos.report="$report" "${seed_arg[@]}" "${broker_arg[@]}" \
  | tee system-tests/target/chaos-run.log | grep -E '^CHAOS|^\||^seed|Tests run|BUILD|ERROR' || true
echo
cat "$report" 2>/dev/null || echo "no report written (see system-tests/target/chaos-run.log)"
grep -q '^CHAOS verdict: PASS' "$report"
