#!/bin/sh
# The broker container's command (deploy/mosquitto/Dockerfile; docker-compose.yml and k8s/base/mosquitto.yaml run
# it): runs mosquitto.conf with its accounts in place, in one container, on every start.
#   1. First start on an empty data volume: creates the dynamic-security state file (the file named by
#      plugin_opt_config_file in the configuration) with the admin account SH_MOSQUITTO_ADMIN_USERNAME (admin) /
#      SH_MOSQUITTO_ADMIN_PASSWORD.
#   2. Starts Mosquitto, then runs dynsec-bootstrap.sh against it until it succeeds (roles and the services'
#      accounts from SH_GATEWAY_MQTT_PASSWORD, SH_TELEMETRY_MQTT_PASSWORD, SH_BOOKING_MQTT_PASSWORD,
#      SH_BROKER_ACCOUNTS_PASSWORD; idempotent), and only then reports ready by creating the file
#      SH_BROKER_READY_FILE (/tmp/sh-broker-accounts-ready), which the health check and readiness probe test.
#   3. Passes SIGTERM/SIGINT on to Mosquitto, so it saves its persistence file, and exits with its status.
# POSIX sh (the image is alpine); dynsec-bootstrap.sh itself needs bash, which the image adds.
set -eu

conf=${MOSQUITTO_CONF:-/mosquitto/config/mosquitto.conf}
ready=${SH_BROKER_READY_FILE:-/tmp/sh-broker-accounts-ready}
bootstrap=${SH_DYNSEC_BOOTSTRAP:-$(dirname "$0")/dynsec-bootstrap.sh}
admin=${SH_MOSQUITTO_ADMIN_USERNAME:-admin}
: "${SH_MOSQUITTO_ADMIN_PASSWORD:?set SH_MOSQUITTO_ADMIN_PASSWORD}"
log() { printf '[broker-start] %s\n' "$*" >&2; }

rm -f "$ready"
state=$(sed -n 's/^[[:space:]]*plugin_opt_config_file[[:space:]]\{1,\}\([^[:space:]]*\).*/\1/p' "$conf" | head -n 1)
port=$(sed -n 's/^[[:space:]]*listener[[:space:]]\{1,\}\([0-9]\{1,\}\).*/\1/p' "$conf" | head -n 1)
[ -n "$state" ] || { log "$conf names no plugin_opt_config_file (dynamic security)"; exit 1; }
[ -n "$port" ] || { log "$conf names no listener"; exit 1; }

if [ ! -f "$state" ]; then
  log "first start: creating $state with the admin account $admin"
  mosquitto_ctrl dynsec init "$state" "$admin" "$SH_MOSQUITTO_ADMIN_PASSWORD" >/dev/null
  # Started as root, Mosquitto drops to the mosquitto user, which must be able to rewrite the file.
  if [ "$(id -u)" = 0 ] && id mosquitto >/dev/null 2>&1; then chown mosquitto "$state"; fi
fi

mosquitto -c "$conf" &
broker=$!
trap 'kill -TERM "$broker" 2>/dev/null || true' TERM INT

(
  attempt=0
  until MQTT_HOST=127.0.0.1 MQTT_PORT=$port SH_MOSQUITTO_ADMIN_USERNAME=$admin bash "$bootstrap" >&2; do
    attempt=$((attempt + 1))
    if [ "$attempt" -ge 60 ]; then
      log "the accounts could not be set up in 60 attempts; stopping the broker"
      kill -TERM "$broker" 2>/dev/null || true
      exit 1
    fi
    sleep 1
  done
  touch "$ready"
  log "ready: accounts in place"
) &

status=0
wait "$broker" || status=$?
# A trapped signal ends the first wait early: wait for Mosquitto's own clean exit.
if kill -0 "$broker" 2>/dev/null; then
  status=0
  wait "$broker" || status=$?
fi
rm -f "$ready"
exit "$status"
