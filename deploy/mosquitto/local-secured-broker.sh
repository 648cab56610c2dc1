#!/usr/bin/env bash
# Runs deploy/mosquitto/mosquitto.conf on this machine (CI, a developer's box): a secured Mosquitto next to any
# other, with its own port, state directory and generated passwords. Idempotent: a broker already listening on the
# port is left running unless this script started it with a configuration that has changed since (then it is
# restarted); the roles and service accounts are brought up to date either way (dynsec-bootstrap.sh).
#
#   deploy/mosquitto/local-secured-broker.sh [state-dir] [port]      defaults: /tmp/sh-mosquitto-secured 1884
#
# The passwords are generated once into <state-dir>/secrets.env (0600) and printed as shell assignments on stdout,
# for `eval`: SH_MOSQUITTO_ADMIN_PASSWORD, SH_GATEWAY_MQTT_PASSWORD, SH_TELEMETRY_MQTT_PASSWORD,
# SH_BOOKING_MQTT_PASSWORD, SH_DASHBOARD_MQTT_PASSWORD, SH_OBSERVER_MQTT_PASSWORD, SH_BROKER_ACCOUNTS_PASSWORD. Stop it with: kill "$(cat <state-dir>/run/mosquitto.pid)".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-/tmp/sh-mosquitto-secured}
port=${2:-1884}
log() { printf '[secured-mosquitto] %s\n' "$*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

mkdir -p "$dir/run"
secrets="$dir/secrets.env"
# One generated password per key; keys added to this script later are appended to an existing file.
( umask 077
  touch "$secrets"
  new() { head -c 24 /dev/urandom | base64 | tr -d '/+=\n'; }
  grep -q '^SH_MOSQUITTO_ADMIN_USERNAME=' "$secrets" || echo "SH_MOSQUITTO_ADMIN_USERNAME=admin" >> "$secrets"
  for key in SH_MOSQUITTO_ADMIN_PASSWORD SH_GATEWAY_MQTT_PASSWORD SH_TELEMETRY_MQTT_PASSWORD SH_BOOKING_MQTT_PASSWORD \
             SH_DASHBOARD_MQTT_PASSWORD SH_OBSERVER_MQTT_PASSWORD SH_BROKER_ACCOUNTS_PASSWORD; do
    grep -q "^$key=" "$secrets" || { echo "$key=$(new)" >> "$secrets"; log "generated $key in $secrets"; }
  done )
set -a; . "$secrets"; set +a

plugin=""
for candidate in /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so /usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so \
                 /usr/lib/mosquitto_dynamic_security.so /usr/local/lib/mosquitto_dynamic_security.so; do
  [ -f "$candidate" ] && { plugin=$candidate; break; }
done
# The shipped configuration with this machine's paths and port; everything else as deployed.
render_conf() {
  sed -e "s|^listener 1883\$|listener $port 127.0.0.1|" \
      -e "s|/mosquitto/data/dynamic-security.json|$dir/run/dynamic-security.json|" \
      -e "s|^persistence_location .*|persistence_location $dir/run/|" \
      -e "s|^plugin /usr/lib/mosquitto_dynamic_security.so\$|plugin $plugin|" \
      -e "s|^log_dest stdout\$|log_dest file $dir/run/mosquitto.log|" \
      "$here/mosquitto.conf"
  echo "pid_file $dir/run/mosquitto.pid"
}
# A broker we started earlier with a configuration that has changed since (a new limit, say) is restarted.
if port_open "$port" && [ -f "$dir/mosquitto.conf" ] && [ -f "$dir/run/mosquitto.pid" ] \
   && ! render_conf | cmp -s - "$dir/mosquitto.conf"; then
  log "the configuration changed: restarting Mosquitto (secured) on 127.0.0.1:$port"
  kill "$(cat "$dir/run/mosquitto.pid")" 2>/dev/null || true
  for _ in $(seq 1 30); do port_open "$port" || break; sleep 1; done
fi

if ! port_open "$port"; then
  [ -n "$plugin" ] || { log "mosquitto_dynamic_security.so not found (Mosquitto 2 is required)"; exit 1; }
  if [ ! -f "$dir/run/dynamic-security.json" ]; then
    mosquitto_ctrl dynsec init "$dir/run/dynamic-security.json" "$SH_MOSQUITTO_ADMIN_USERNAME" "$SH_MOSQUITTO_ADMIN_PASSWORD" >/dev/null
  fi
  render_conf > "$dir/mosquitto.conf"
  # Started as root, Mosquitto drops to the mosquitto user, which must own its state.
  if [ "$(id -u)" = 0 ] && id mosquitto >/dev/null 2>&1; then
    chown -R mosquitto "$dir/run"
  fi
  log "starting Mosquitto (secured) on 127.0.0.1:$port, state in $dir/run"
  mosquitto -d -c "$dir/mosquitto.conf"
  for _ in $(seq 1 30); do port_open "$port" && break; sleep 1; done
  port_open "$port" || { log "Mosquitto did not open port $port; see $dir/run/mosquitto.log"; exit 1; }
fi

MQTT_HOST=127.0.0.1 MQTT_PORT=$port "$here/dynsec-bootstrap.sh" >&2
cat "$secrets"
