#!/usr/bin/env bash
# The per-instance figures of docs/scaling.md, measured on this machine (release build):
# requests/s and CPU per request of a cache hit and of a miss, memory per cached search in
# Scout (RSS) and in Redis (used_memory), and Redis commands per request (INFO commandstats)
# for a miss, an L1 hit and an L2 hit (a value another instance wrote).
# Two Scout instances (one worker thread each) share one redis-server; scout-sim answers
# with no added latency so a miss costs Scout's own work. Everything on 127.0.0.1, bounded.
# Usage: bench/scaling/measure.sh   (DURATION=5s ENTRIES=1000 to change the defaults)
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/load/lib.sh
source bench/load/lib.sh

DURATION="${DURATION:-5s}"
ENTRIES="${ENTRIES:-1000}"
BIN=build/release
if [ ! -x "$BIN/src/scout" ] || [ ! -x "$BIN/src/sim/scout-sim" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$(nproc)" --target scout scout-sim >/dev/null
fi
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

wait_ok() { for _ in $(seq 1 300); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
SIM=$(free_port) REDIS=$(free_port) A=$(free_port) B=$(free_port)
"$BIN/src/sim/scout-sim" --listen "127.0.0.1:$SIM" --app-key 100001 --app-secret s \
  --latency-ms 0 --log-level warn >"$work/sim.log" 2>&1 &
pids+=($!)
redis-server --port "$REDIS" --bind 127.0.0.1 --save "" --appendonly no --loglevel warning \
  >"$work/redis.log" 2>&1 &
pids+=($!)
mkdir -p "$work/config"
echo '{}' >"$work/config/default.json"
echo '{}' >"$work/config/development.json"
start_scout() {  # $1 = port; one worker thread on core 0
  taskset -c 0 "$BIN/src/scout" --env development --config-dir "$work/config" \
    --set "server.listen=127.0.0.1:$1" --set server.threads=1 \
    --set "upstream.gateway_url=http://127.0.0.1:$SIM/sync" --set upstream.app_key=100001 \
    --set upstream.app_secret=s --set upstream.tracking_id=t \
    --set "redis.url=redis://127.0.0.1:$REDIS/0" --set cache.l2_secret=l2 \
    --set search.cursor_secret=c --set log.level=error >"$work/scout-$1.log" 2>&1 &
  pids+=($!)
  wait_ok curl -fs "127.0.0.1:$1/health"
}
wait_ok curl -fs "127.0.0.1:$SIM/__sim/health"
wait_ok redis-cli -p "$REDIS" ping
start_scout "$A"
start_scout "$B"
scout_a=${pids[2]}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# wrk on core 1; prints "requests/s CPU-µs-per-request" of Scout A.
run_wrk() {  # $1 = connections, rest = wrk arguments
  local c=$1 t0 t1 out
  shift
  t0=$(cpu_ticks "$scout_a")
  out=$(taskset -c 1 wrk -t1 -c"$c" -d"$DURATION" "$@")
  t1=$(cpu_ticks "$scout_a")
  local rps reqs
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  echo "$rps $(awk -v d=$((t1 - t0)) -v n="$reqs" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.0f", d * 1e6 / hz / n}')"
}
cat >"$work/miss.lua" <<'LUA'
-- A new cache key on every request (a full page of products each): each one is a miss.
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/search?q=usb&page_size=20&max_price=" .. (1000 + n) .. "." .. math.random(10, 99))
end
LUA

commandstats() {  # calls per command since the last reset, "cmd=calls" on one line
  redis-cli -p "$REDIS" info commandstats |
    sed -n 's/^cmdstat_\([a-z|]*\):calls=\([0-9]*\).*/\1=\2/p' | tr '\n' ' '
}
curl -fs -o /dev/null "127.0.0.1:$A/search?q=usb&page_size=20"
echo "hit  (wrk -c32, GET /search?q=usb, L1): $(run_wrk 32 "http://127.0.0.1:$A/search?q=usb&page_size=20") (req/s, Scout CPU us/request)"
echo "miss (wrk -c16, a new query each):      $(run_wrk 16 -s "$work/miss.lua" "http://127.0.0.1:$A") (req/s, Scout CPU us/request)"

redis-cli -p "$REDIS" config resetstat >/dev/null
for i in $(seq 1 100); do curl -fs -o /dev/null "127.0.0.1:$A/search?q=usb&max_price=$((2000 + i))"; done
echo "redis commands for 100 misses on A:     $(commandstats)"
redis-cli -p "$REDIS" config resetstat >/dev/null
for i in $(seq 1 100); do curl -fs -o /dev/null "127.0.0.1:$B/search?q=usb&max_price=$((2000 + i))"; done
echo "redis commands for 100 L2 hits on B:    $(commandstats)"
redis-cli -p "$REDIS" config resetstat >/dev/null
for i in $(seq 1 100); do curl -fs -o /dev/null "127.0.0.1:$B/search?q=usb&max_price=$((2000 + i))"; done
echo "redis commands for 100 L1 hits on B:    $(commandstats)"

rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
used() { redis-cli -p "$REDIS" info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p'; }
r0=$(rss "$scout_a") m0=$(used) k0=$(redis-cli -p "$REDIS" dbsize)
for i in $(seq 1 "$ENTRIES"); do echo "url = \"127.0.0.1:$A/search?q=usb&page_size=20&max_price=$((3000 + i))\""; echo "output = /dev/null"; done >"$work/urls"
curl -s -K "$work/urls" --parallel --parallel-max 8 2>/dev/null
r1=$(rss "$scout_a") m1=$(used) k1=$(redis-cli -p "$REDIS" dbsize)
echo "memory per cached search ($ENTRIES new searches, page_size=20): Scout RSS +$(((r1 - r0) / ENTRIES)) KiB, Redis +$(((m1 - m0) / ENTRIES / 1024)) KiB over $((k1 - k0)) keys"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F)"
