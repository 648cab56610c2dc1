#!/bin/sh
# Container entry point for deploy/mosquitto (eclipse-mosquitto image, POSIX sh):
#   command: ["/mosquitto/config/start.sh"]
# On the first start it creates the dynamic-security state with its superuser (SH_MOSQUITTO_ADMIN_USERNAME,
# default admin / SH_MOSQUITTO_ADMIN_PASSWORD) in /mosquitto/data; on every start it runs Mosquitto and then
# dynsec-bootstrap.sh, which brings the roles and service accounts up to date (its environment variables are listed
# there). Mosquitto stays the main process's child; the container stops when it does.
set -eu
here=$(dirname "$0")
state=/mosquitto/data/dynamic-security.json
: "${SH_MOSQUITTO_ADMIN_PASSWORD:?set SH_MOSQUITTO_ADMIN_PASSWORD}"
if [ ! -f "$state" ]; then
  mosquitto_ctrl dynsec init "$state" "${SH_MOSQUITTO_ADMIN_USERNAME:-admin}" "$SH_MOSQUITTO_ADMIN_PASSWORD" >/dev/null
  chown mosquitto:mosquitto "$state" 2>/dev/null || true
fi
mosquitto -c "$here/mosquitto.conf" &
broker=$!
trap 'kill -TERM "$broker" 2>/dev/null' TERM INT
tries=0
until MQTT_HOST=127.0.0.1 MQTT_PORT=1883 "$here/dynsec-bootstrap.sh"; do
  tries=$((tries + 1))
  if [ "$tries" -ge 30 ] || ! kill -0 "$broker" 2>/dev/null; then
    echo "start.sh: the roles and service accounts could not be set up" >&2
    kill -TERM "$broker" 2>/dev/null || true
    exit 1
  fi
  sleep 1
done
wait "$broker"
