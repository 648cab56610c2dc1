#!/usr/bin/env bash
# The fleet acceptance test for as long as you like (an hour by default): the real launcher as ./fleet starts it,
# the dashboard open in Chromium as ops, fleet.admin and harbour.desk while the demo desk books and checks clients
# in, device-gateway and booking-service killed mid-run, then every check of system-tests' FleetAcceptanceIT
# (no stream lost, every number the services' own, nothing lost, no ERROR line or stack trace in any log, SIGTERM
# frees every port). CI runs the same test for 3 minutes.
#
# Usage: bench/fleet-acceptance.sh [minutes]     (needs Debian's chromium and chromium-driver)
# Logs: system-tests/target/fleet-acceptance/ (launcher-output.log, fleet-data/logs/*.log)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-60}
export CI=true   # a missing browser fails instead of skipping
mvn -B -ntp -pl system-tests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=FleetAcceptanceIT -Dfailsafe.failIfNoSpecifiedTests=false -Dsh.acceptance.minutes="$minutes"
