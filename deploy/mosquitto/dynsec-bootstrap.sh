#!/bin/sh
# Creates (or brings up to date) the roles and service accounts of deploy/mosquitto/mosquitto.conf on a running
# Mosquitto with the dynamic-security plugin. Idempotent: run it after every start; it changes nothing that is right.
#
#   MQTT_HOST / MQTT_PORT                        the broker (default 127.0.0.1:1883)
#   SH_MOSQUITTO_ADMIN_USERNAME / _PASSWORD      the dynamic-security superuser (made by `mosquitto_ctrl dynsec init`)
#   SH_GATEWAY_MQTT_PASSWORD                     account device-gateway (role device-gateway)
#   SH_TELEMETRY_MQTT_PASSWORD                   account telemetry-service (role fleet-consumer)
#   SH_BOOKING_MQTT_PASSWORD                     account booking-service (role fleet-consumer)
#   SH_DASHBOARD_MQTT_PASSWORD (optional)        account ops-dashboard (role fleet-consumer), for its live view
#   SH_OBSERVER_MQTT_PASSWORD (optional)         account observer (role observer): read-only sh/v1/#, for people
#   SH_BROKER_ACCOUNTS_PASSWORD                  account device-gateway-accounts (role broker-accounts), which the
#                                                gateway uses for units (SH_GATEWAY_BROKER_ACCOUNTS_ADMIN_*)
# POSIX sh (the eclipse-mosquitto image has no bash). Unit accounts are not made here: the gateway creates each unit's client and role when the unit is registered.
set -eu

host=${MQTT_HOST:-127.0.0.1}
port=${MQTT_PORT:-1883}
admin=${SH_MOSQUITTO_ADMIN_USERNAME:-admin}
: "${SH_MOSQUITTO_ADMIN_PASSWORD:?set SH_MOSQUITTO_ADMIN_PASSWORD}"
: "${SH_GATEWAY_MQTT_PASSWORD:?set SH_GATEWAY_MQTT_PASSWORD}"
: "${SH_TELEMETRY_MQTT_PASSWORD:?set SH_TELEMETRY_MQTT_PASSWORD}"
: "${SH_BOOKING_MQTT_PASSWORD:?set SH_BOOKING_MQTT_PASSWORD}"
: "${SH_BROKER_ACCOUNTS_PASSWORD:?set SH_BROKER_ACCOUNTS_PASSWORD}"

# One request with every command; "already exists" answers are expected on a second run and ignored, anything else
# fails the script. mosquitto_rr waits for the one response.
command -v mosquitto_rr >/dev/null || { echo "dynsec-bootstrap: mosquitto_rr (mosquitto-clients) is required" >&2; exit 1; }

json_string() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
acl() { printf '{"acltype":"%s","topic":"%s","priority":0,"allow":true}' "$1" "$2"; }
deny() { printf '{"acltype":"%s","topic":"%s","priority":0,"allow":false}' "$1" "$2"; }
role() {
  local name=$1; shift
  local acls; acls=$(IFS=,; echo "$*")
  printf '{"command":"createRole","rolename":"%s","acls":[%s]},' "$name" "$acls"
  # createRole does nothing to an existing role: add each ACL again (a duplicate is refused and ignored)
  local spec
  for spec in "$@"; do
    printf '%s,' "$(printf '%s' "$spec" | sed "s/^{/{\"command\":\"addRoleACL\",\"rolename\":\"$name\",/")"
  done
}
client() {
  local name=$1 password=$2; shift 2
  printf '{"command":"createClient","username":"%s","password":%s},' "$name" "$(json_string "$password")"
  printf '{"command":"setClientPassword","username":"%s","password":%s},' "$name" "$(json_string "$password")"
  # exactly these roles, also for a client an earlier version of this script made with others
  local roles="" rolename
  for rolename in "$@"; do roles="$roles{\"rolename\":\"$rolename\"},"; done
  printf '{"command":"modifyClient","username":"%s","roles":[%s]},' "$name" "${roles%,}"
  printf '{"command":"enableClient","username":"%s"},' "$name"
}
revoke() {
  local name=$1 acltype=$2; shift 2
  local topic
  for topic in "$@"; do
    # an ACL that is not there (a new broker) is refused and ignored
    printf '{"command":"removeRoleACL","rolename":"%s","acltype":"%s","topic":"%s"},' "$name" "$acltype" "$topic"
  done
}

# Share groups belong to their account (docs/security.md, "Attacks"): only device-gateway may join
# $share/device-gateway/..., each fleet consumer only $share/<its name>/..., and the observer no group at all, so
# nobody can join another account's group and be dealt part of its stream. Mosquitto 2.0 checks a shared
# subscription's whole filter, $share/<group>/ included, against the subscribe ACLs, and its ACLs cannot name the
# username (%u), hence one small role per account that shares.
commands=""
commands="$commands"$(role device-gateway \
  "$(acl subscribePattern '$share/device-gateway/sh/v1/units/+/status')" \
  "$(acl subscribePattern '$share/device-gateway/sh/v1/units/+/events')" \
  "$(acl subscribePattern '$share/device-gateway/sh/v1/units/+/telemetry')" \
  "$(acl subscribePattern '$share/device-gateway/sh/v1/units/+/replies')" \
  "$(acl publishClientSend 'sh/v1/units/+/commands')" \
  "$(acl publishClientSend 'sh/v1/units/+/receipts')" \
  "$(acl publishClientSend 'sh/v1/fleet/#')" \
  "$(deny publishClientReceive 'sh/v1/units/+/commands')" \
  "$(deny publishClientReceive 'sh/v1/units/+/receipts')")
commands="$commands"$(role fleet-consumer \
  "$(acl subscribePattern 'sh/v1/fleet/#')" \
  "$(deny publishClientReceive 'sh/v1/units/#')")
for service in telemetry-service booking-service ops-dashboard; do
  commands="$commands"$(role "share-$service" "$(acl subscribePattern "\$share/$service/sh/v1/fleet/#")")
done
commands="$commands"$(role observer \
  "$(acl subscribePattern 'sh/v1/#')")
commands="$commands"$(role broker-accounts \
  "$(acl publishClientSend '$CONTROL/dynamic-security/v1')" \
  "$(acl subscribeLiteral '$CONTROL/dynamic-security/v1/response')" \
  "$(acl publishClientReceive '$CONTROL/dynamic-security/v1/response')" \
  "$(deny publishClientReceive 'sh/#')")
# Mosquitto 2.0 cannot bind a service account to its client ids (dynamic security pins one client id per account,
# and replicas need several), so a service account may connect with a unit's client id and take over its session.
# The explicit denials above keep that session's messages (a unit's commands and receipts) from being delivered to
# it; units themselves are pinned to their client id (docs/security.md, "Attacks").
# Rights that earlier versions of this script granted and that are gone now (any group: $share/+/...)
commands="$commands"$(revoke device-gateway subscribePattern \
  '$share/+/sh/v1/units/+/status' '$share/+/sh/v1/units/+/events' '$share/+/sh/v1/units/+/telemetry' '$share/+/sh/v1/units/+/replies')
commands="$commands"$(revoke fleet-consumer subscribePattern '$share/+/sh/v1/fleet/#')
commands="$commands"$(revoke observer subscribePattern '$share/+/sh/v1/#')
commands="$commands"$(client device-gateway "$SH_GATEWAY_MQTT_PASSWORD" device-gateway)
commands="$commands"$(client telemetry-service "$SH_TELEMETRY_MQTT_PASSWORD" fleet-consumer share-telemetry-service)
commands="$commands"$(client booking-service "$SH_BOOKING_MQTT_PASSWORD" fleet-consumer share-booking-service)
commands="$commands"$(client device-gateway-accounts "$SH_BROKER_ACCOUNTS_PASSWORD" broker-accounts)
if [ -n "${SH_OBSERVER_MQTT_PASSWORD:-}" ]; then
  commands="$commands"$(client observer "$SH_OBSERVER_MQTT_PASSWORD" observer)
fi
if [ -n "${SH_DASHBOARD_MQTT_PASSWORD:-}" ]; then
  commands="$commands"$(client ops-dashboard "$SH_DASHBOARD_MQTT_PASSWORD" fleet-consumer share-ops-dashboard)
fi
request="{\"commands\":[${commands%,}]}"

response=$(mosquitto_rr -h "$host" -p "$port" -u "$admin" -P "$SH_MOSQUITTO_ADMIN_PASSWORD" -V 5 -q 1 -W 10 \
  -t '$CONTROL/dynamic-security/v1' -e '$CONTROL/dynamic-security/v1/response' -m "$request")

errors=$(printf '%s' "$response" | grep -o '"error":"[^"]*"' | sort -u \
  | grep -v -e 'already exists' -e 'ACL with this topic already exists' -e 'ACL not found' || true)
if [ -n "$errors" ]; then
  echo "dynsec-bootstrap: the broker refused: $errors" >&2
  exit 1
fi
echo "dynsec-bootstrap: roles device-gateway, fleet-consumer, observer, broker-accounts and the service accounts are in place on $host:$port"
