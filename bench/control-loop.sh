#!/usr/bin/env bash
# Control-loop benchmark, rerunnable by anyone (docs/benchmarks.md shows the figures and how they were taken).
#
# In one run, on this machine:
#   1. cyclictest (Debian's rt-tests; installed if missing) at 20 ms (50 Hz), one thread, normal scheduling, running
#      AT THE SAME TIME as 2., so both face the same load: what the kernel alone gives a periodic thread here;
#   2. the Java control loop (module benchmarks): 1 unit, then 200 units, each a SimulatedPlant + ControlLoop +
#      RealTimeRunner at 50 Hz running real sessions: tick lateness p50/p99/p99.9/max, missed deadlines,
#      LOOP_OVERRUN faults, process CPU; then, every loop still ticking, an emergency stop on each unit in turn
#      (arrival to pump off and every exhaust valve open: p50/p99/max);
#   3. resident memory (VmRSS from /proc/<pid>/status after a warm-up) of a one-unit edge agent
#      (edge-agent/target/quarkus-app/quarkus-run.jar, time scale 1, a session running when mosquitto_pub is
#      available), with the fleet launcher's JVM options and with the JVM's defaults.
# Then it prints a markdown table.
#
# Usage: bench/control-loop.sh [--quick] [--skip-build]
#   --quick        10 s per measurement instead of 60 (a smoke run; the figures are not comparable)
#   --skip-build   use the jars already built
# Environment:
#   SH_BENCH_SECONDS (60)   measured seconds for cyclictest and for each Java run
#   SH_BENCH_WARMUP (10)    seconds of Java warm-up before each measured run
#   SH_BENCH_UNITS (1,200)  unit counts for the Java runs
#   SH_BENCH_MEM_WARMUP (20) seconds the edge agent runs before its memory is read
#   SH_BENCH_JAVA_OPTS      JVM options of the Java benchmark (default: the launcher's, see LAUNCHER_JVM)
#   SH_BENCH_MQTT_HOST / SH_BENCH_MQTT_PORT (1883)  use this broker for the edge agent instead of starting an
#                           embedded one (HiveMQ CE from the fleet launcher's class path)
# Bounded: each step has a time limit; with the defaults a run takes about 5 minutes (build included), at most
# about 10. Idempotent: it changes nothing but target/ directories and a temporary directory it removes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

LAUNCHER_JVM="-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
DURATION=${SH_BENCH_SECONDS:-60}
WARMUP=${SH_BENCH_WARMUP:-10}
UNITS=${SH_BENCH_UNITS:-1,200}
MEM_WARMUP=${SH_BENCH_MEM_WARMUP:-20}
BENCH_JVM=${SH_BENCH_JAVA_OPTS:-$LAUNCHER_JVM}
BUILD=true

for arg in "$@"; do
  case "$arg" in
    --quick) DURATION=10; WARMUP=3; MEM_WARMUP=10 ;;
    --skip-build) BUILD=false ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sh-bench.XXXXXX")
CHILDREN=()
BROKER_PID=""
cleanup() {
  local pid
  for pid in "${CHILDREN[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${CHILDREN[@]}"; do
    timeout 20 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '%s\n' "$*" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# --- the machine ---------------------------------------------------------------------------------------------
CPU_MODEL=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
MEM_TOTAL=$(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
JAVA_VERSION=$(java -version 2>&1 | head -1)
JAVA_VM=$(java -version 2>&1 | tail -1)
START_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
say "== Second Heart control-loop benchmark, $START_DATE"
say "   $(nproc) CPUs ($CPU_MODEL), $MEM_TOTAL, kernel $(uname -r), $JAVA_VERSION"
say "   load average now: $(loadavg)"

# --- 0. tools and build -------------------------------------------------------------------------------------
if ! command -v cyclictest >/dev/null 2>&1; then
  say "== installing rt-tests (cyclictest)"
  if [ "$(id -u)" -ne 0 ]; then
    say "   not root: install Debian's rt-tests yourself (apt-get install rt-tests) and run again"; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 apt-get install -y --no-install-recommends rt-tests >"$WORK/apt.log" 2>&1 \
    || { timeout 300 apt-get update >>"$WORK/apt.log" 2>&1 \
         && timeout 300 apt-get install -y --no-install-recommends rt-tests >>"$WORK/apt.log" 2>&1; } \
    || { cat "$WORK/apt.log" >&2; exit 1; }
fi

if [ "$BUILD" = true ]; then
  say "== building benchmarks, edge-agent and fleet-launcher (mvn -q -B -ntp -DskipTests install)"
  timeout 360 mvn -q -B -ntp -DskipTests install -pl benchmarks,edge-agent,fleet-launcher -am >&2
fi
for jar in benchmarks/target/benchmarks.jar edge-agent/target/quarkus-app/quarkus-run.jar \
           fleet-launcher/target/fleet-launcher.jar; do
  [ -f "$jar" ] || { say "missing $jar: run without --skip-build"; exit 1; }
done

# --- 1. cyclictest and the Java control loop, at the same time ------------------------------------------------
# Run together so that both see the same load (issue 13): cyclictest wakes one thread every 20 ms for as long as all
# the Java runs take (their warm-ups included), and is the kernel's own answer to "how late can a 50 Hz thread be
# woken on this machine right now".
IFS=, read -r -a UNIT_COUNTS <<<"$UNITS"
CT_SECONDS=$(( (DURATION + WARMUP + 5) * ${#UNIT_COUNTS[@]} ))
say "== 1/2 cyclictest -t1 -i 20000 -D ${CT_SECONDS}s -q -m -h 30000 (SCHED_OTHER, like the JVM's threads), while"
say "       ControlLoopBenchmark --units $UNITS --seconds $DURATION --warmup $WARMUP runs (JVM: $BENCH_JVM)"
CT_LOAD=$(cut -d' ' -f1 /proc/loadavg)
timeout $((CT_SECONDS + 30)) cyclictest -t1 -i 20000 -D "${CT_SECONDS}s" -q -m -h 30000 \
  --histfile="$WORK/cyclictest.hist" >"$WORK/cyclictest.out" 2>&1 &
CT_PID=$!
# shellcheck disable=SC2086
timeout $(( (DURATION + WARMUP + 20) * ${#UNIT_COUNTS[@]} + 30 )) \
  java $BENCH_JVM -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" \
  com.secondheart.benchmarks.controlloop.ControlLoopBenchmark \
  --units "$UNITS" --seconds "$DURATION" --warmup "$WARMUP" | tee "$WORK/java.out" >&2
wait "$CT_PID" || true
# Histogram lines: "<latency us> <count>"; the header lines start with '#'.
# Buckets are in latency order, so percentiles fall out of a running sum; overflows count as ">30000".
# LATE20: wake-ups 20 ms or more late (a whole period, what the Java runner counts as a missed deadline).
read -r CT_N CT_P50 CT_P99 CT_P999 CT_LATE20 < <(awk '
  /^# Histogram Overflows/ { over = $4 + 0 }
  /^#/ { next }
  NF >= 2 { n++; lat[n] = $1 + 0; cnt[n] = $2 + 0; total += $2; if ($1 + 0 >= 20000) late += $2 }
  END {
    total += over; late += over
    if (total == 0) { print "0 - - - 0"; exit }
    split("0.5 0.99 0.999", q, " "); run = 0; k = 1
    for (i = 1; i <= n && k <= 3; i++) {
      run += cnt[i]
      while (k <= 3 && run >= q[k] * total) { p[k] = lat[i]; k++ }
    }
    for (; k <= 3; k++) p[k] = ">30000"
    print total, p[1], p[2], p[3], late
  }' "$WORK/cyclictest.hist")
CT_MIN=$(awk '/^# Min Latencies/ {print $4 + 0}' "$WORK/cyclictest.hist")
CT_AVG=$(awk '/^# Avg Latencies/ {print $4 + 0}' "$WORK/cyclictest.hist")
CT_MAX=$(awk '/^# Max Latencies/ {print $4 + 0}' "$WORK/cyclictest.hist")
CT_OVER=$(awk '/^# Histogram Overflows/ {print $4 + 0}' "$WORK/cyclictest.hist")
say "   cyclictest: $CT_N wake-ups: min $CT_MIN, avg $CT_AVG, p50 $CT_P50, p99 $CT_P99, p99.9 $CT_P999, max $CT_MAX us; $CT_LATE20 at least 20 ms late"

field() { # field <RESULT line> <key>
  tr ' ' '\n' <<<"$1" | awk -F= -v key="$2" '$1 == key { print $2 }'
}

# --- 3. edge agent memory -----------------------------------------------------------------------------------
say "== 2/2 edge agent resident memory (one unit, time scale 1, ${MEM_WARMUP} s warm-up)"
free_port() {
  local port
  for port in $(seq 18480 18580); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  say "no free port in 18480-18580"; exit 1
}

if [ -n "${SH_BENCH_MQTT_HOST:-}" ]; then
  MQTT_HOST=$SH_BENCH_MQTT_HOST
  MQTT_PORT=${SH_BENCH_MQTT_PORT:-1883}
  BROKER_DESC="$MQTT_HOST:$MQTT_PORT (SH_BENCH_MQTT_HOST)"
else
  MQTT_HOST=127.0.0.1
  MQTT_PORT=$(free_port)
  # The embedded broker stops when its stdin closes (embedded-infra's EmbeddedServersMain): keep a pipe open.
  mkfifo "$WORK/broker.in"
  java -Xmx256m -XX:+UseSerialGC -cp "fleet-launcher/target/fleet-launcher.jar:fleet-launcher/target/lib/*" \
    com.secondheart.infra.EmbeddedServersMain --mqtt-host 127.0.0.1 --mqtt-port "$MQTT_PORT" \
    <"$WORK/broker.in" >"$WORK/broker.out" 2>"$WORK/broker.log" &
  BROKER_PID=$!
  CHILDREN+=("$BROKER_PID")
  exec {BROKER_IN}>"$WORK/broker.in"
  for _ in $(seq 1 120); do
    grep -q 'SH-EMBEDDED-' "$WORK/broker.out" 2>/dev/null && break
    kill -0 "$BROKER_PID" 2>/dev/null || break
    sleep 1
  done
  grep -q 'SH-EMBEDDED-READY' "$WORK/broker.out" || { say "the embedded broker did not start:"; tail -20 "$WORK/broker.log" >&2; exit 1; }
  BROKER_DESC="embedded HiveMQ CE on 127.0.0.1:$MQTT_PORT"
fi
say "   broker: $BROKER_DESC"

# measure_agent <label> <jvm options...>: prints "rss_kib hwm_kib threads session"
measure_agent() {
  local label=$1; shift
  local port unit pid metrics session="idle (no mosquitto_pub)" i
  port=$(free_port)
  unit="bench-mem-$label-$$"
  # A short MQTT session expiry: on a shared broker (SH_BENCH_MQTT_HOST) the unit's session does not linger a day.
  SH_AGENT_UNITS=$unit SH_AGENT_DATA_DIR="$WORK/agent-$label" SH_AGENT_TIME_SCALE=1 SH_AGENT_SESSION_EXPIRY=60s \
  SH_MQTT_HOST=$MQTT_HOST SH_MQTT_PORT=$MQTT_PORT QUARKUS_HTTP_PORT=$port \
    java "$@" -jar edge-agent/target/quarkus-app/quarkus-run.jar >"$WORK/agent-$label.log" 2>&1 &
  pid=$!
  CHILDREN+=("$pid")
  for i in $(seq 1 90); do
    curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1 \
    || { say "edge agent ($label) not ready:"; tail -20 "$WORK/agent-$label.log" >&2; exit 1; }
  if command -v mosquitto_pub >/dev/null 2>&1; then
    local now expires
    now=$(date -u +%Y-%m-%dT%H:%M:%SZ); expires=$(date -u -d '+2 minutes' +%Y-%m-%dT%H:%M:%SZ)
    mosquitto_pub -h "$MQTT_HOST" -p "$MQTT_PORT" -V mqttv5 -q 1 -t "sh/v1/units/$unit/commands" -m \
      "{\"v\":1,\"commandId\":\"bench-$label-$$\",\"type\":\"start-session\",\"issuedAt\":\"$now\",\"expiresAt\":\"$expires\",\"start\":{\"mode\":\"GRADIENT_SEQUENTIAL\",\"intensity\":4,\"durationMinutes\":20}}"
    session="command sent, not accepted"
    for i in $(seq 1 20); do
      metrics=$(curl -sf "http://127.0.0.1:$port/q/metrics" || true)
      if grep -q '^sh_agent_commands_total{.*result="accepted".*} [1-9]' <<<"$metrics"; then
        session="20-min session running"; break
      fi
      sleep 0.5
    done
  fi
  sleep "$MEM_WARMUP"
  local rss hwm threads
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
  threads=$(awk '/^Threads/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid" 2>/dev/null || true
  timeout 20 tail --pid="$pid" -f /dev/null || kill -KILL "$pid" 2>/dev/null || true
  echo "$rss $hwm $threads $session"
}

MEM_LOAD=$(loadavg)
# Not in a subshell: the agents must be known to the cleanup, and a failure must end the script.
# shellcheck disable=SC2086
measure_agent launcher $LAUNCHER_JVM >"$WORK/mem-launcher.txt"
read -r L_RSS L_HWM L_THREADS L_SESSION <"$WORK/mem-launcher.txt"
say "   launcher options: VmRSS $L_RSS KiB, VmHWM $L_HWM KiB, $L_THREADS threads, $L_SESSION"
measure_agent defaults >"$WORK/mem-defaults.txt"
read -r D_RSS D_HWM D_THREADS D_SESSION <"$WORK/mem-defaults.txt"
say "   JVM defaults:     VmRSS $D_RSS KiB, VmHWM $D_HWM KiB, $D_THREADS threads, $D_SESSION"
DEFAULT_JVM=$(java -XX:+PrintFlagsFinal -version 2>/dev/null | awk '
  $2 == "MaxHeapSize" { heap = sprintf("%.1f GiB max heap", $4 / 1073741824) }
  $2 == "UseG1GC" && $4 == "true" { gc = "G1" } $2 == "UseSerialGC" && $4 == "true" { gc = "Serial" }
  $2 == "UseParallelGC" && $4 == "true" { gc = "Parallel" }
  END { print gc ", " heap }')
if [ -n "$BROKER_PID" ]; then
  exec {BROKER_IN}>&-
  timeout 60 tail --pid="$BROKER_PID" -f /dev/null || true
fi

# --- the table ----------------------------------------------------------------------------------------------
mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }
cat <<EOF

### Machine
$(nproc) CPUs ($CPU_MODEL), $MEM_TOTAL RAM, kernel $(uname -r), $JAVA_VERSION ($JAVA_VM).
Run $START_DATE, \`bench/control-loop.sh\` (measured ${DURATION} s per row, Java warm-up ${WARMUP} s).

### Control loop at 50 Hz (tick lateness behind its deadline, wall clock, microseconds)
| what | load (1 min) at start | wake-ups / ticks | p50 | p99 | p99.9 | max | missed deadlines | LOOP_OVERRUN faults | CPU (% of one core) |
|---|---|---|---|---|---|---|---|---|---|
| cyclictest, 1 thread, SCHED_OTHER, during the Java runs (min $CT_MIN, avg $CT_AVG) | $CT_LOAD | $CT_N | $CT_P50 | $CT_P99 | $CT_P999 | $CT_MAX | $CT_LATE20 (20 ms or more late) | - | - |
EOF
while read -r line; do
  units=$(field "$line" units)
  printf '| Java RealTimeRunner, %s unit(s), real sessions | %s | %s of %s | %s | %s | %s | %s | %s | %s | %s (%s us/tick) |\n' \
    "$units" "$(field "$line" load1_at_start)" "$(field "$line" ticks)" "$(field "$line" expected_ticks)" "$(field "$line" p50_us)" \
    "$(field "$line" p99_us)" "$(field "$line" p999_us)" "$(field "$line" max_us)" \
    "$(field "$line" missed_deadlines)" "$(field "$line" loop_overruns)" "$(field "$line" cpu_core_pct)" \
    "$(field "$line" cpu_us_per_tick)"
done < <(grep '^RESULT ' "$WORK/java.out")
echo
echo "Emergency stop with every loop ticking (call on another thread until the pump is off and every exhaust valve"
echo "is commanded open; the brief allows 100 ms):"
echo
echo "| units | stops | during a session | not vented | p50 (µs) | p99 (µs) | max (µs) |"
echo "|---|---|---|---|---|---|---|"
while read -r line; do
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$(field "$line" units)" "$(field "$line" estop_count)" \
    "$(field "$line" estop_while_running)" "$(field "$line" estop_not_vented)" "$(field "$line" estop_p50_us)" \
    "$(field "$line" estop_p99_us)" "$(field "$line" estop_max_us)"
done < <(grep '^RESULT ' "$WORK/java.out")
echo
echo "Java JVM options: \`$BENCH_JVM\`; details per run (sessions, faults, GC):"
echo
grep '^RESULT ' "$WORK/java.out" | sed 's/^RESULT /    /'
cat <<EOF

### Edge agent memory (one unit, time scale 1, after ${MEM_WARMUP} s; broker: $BROKER_DESC; load avg $MEM_LOAD)
| JVM options | VmRSS | VmHWM (peak) | threads | unit |
|---|---|---|---|---|
| \`$LAUNCHER_JVM\` (fleet launcher) | $(mib "$L_RSS") | $(mib "$L_HWM") | $L_THREADS | $L_SESSION |
| JVM defaults ($DEFAULT_JVM) | $(mib "$D_RSS") | $(mib "$D_HWM") | $D_THREADS | $D_SESSION |

Load average at the end: $(loadavg)
EOF
