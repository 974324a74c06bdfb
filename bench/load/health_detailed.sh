#!/usr/bin/env bash
# /health/detailed under a load balancer's worst habit: about 1,000 checks a second for
# DURATION. Counts the requests scout-sim (the upstream) received meanwhile: the health check
# answers from known state and probes the upstream with a TCP connect at most every 5 s, so
# the upstream gets no API request at all. Paced with wrk and a Lua delay (Debian's wrk has
# no -R): CONNECTIONS connections each waiting DELAY_MS between requests.
# Uses the binaries in BIN (default build/asan; no build here). Every request goes to
# 127.0.0.1 and each run is bounded (-d). Prints a Markdown table; --write records it in
# docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/load/lib.sh
source bench/load/lib.sh

BIN="${BIN:-build/asan}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-5}"
DELAY_MS="${DELAY_MS:-4}"
WRITE=0
[ "${1:-}" = "--write" ] && WRITE=1

work=$(mktemp -d)
sim_pid=""
scout_pid=""
cleanup() {
  [ -n "$scout_pid" ] && kill "$scout_pid" 2>/dev/null || true
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$BIN/src/sim/scout-sim" --listen 127.0.0.1:0 --app-key 100001 --app-secret bench-secret > "$work/sim.out" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do grep -q "listening" "$work/sim.out" && break; sleep 0.1; done
SIM_PORT=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/sim.out")
[ -n "$SIM_PORT" ] || { cat "$work/sim.out" >&2; exit 1; }

SCOUT_PORT=$(free_port)
mkdir -p "$work/config"
echo '{}' > "$work/config/default.json"
echo '{}' > "$work/config/development.json"
"$BIN/src/scout" --env development --config-dir "$work/config" \
  --set server.listen=127.0.0.1:$SCOUT_PORT \
  --set upstream.gateway_url=http://127.0.0.1:$SIM_PORT/sync \
  --set upstream.app_key=100001 --set upstream.app_secret=bench-secret \
  --set upstream.tracking_id=bench --set redis.url= --set log.level=warn > "$work/scout.out" 2>&1 &
scout_pid=$!
for _ in $(seq 1 200); do curl -fs "127.0.0.1:$SCOUT_PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done

sim_requests() {
  curl -fs "127.0.0.1:$SIM_PORT/__sim/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests_total"])'
}
cat > "$work/pace.lua" <<LUA
wrk.path = "/health/detailed"
function delay() return $DELAY_MS end
LUA
before=$(sim_requests)
wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s "$work/pace.lua" "http://127.0.0.1:$SCOUT_PORT" > "$work/wrk.out"
after=$(sim_requests)
status=$(curl -s "127.0.0.1:$SCOUT_PORT/health/detailed" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
rate=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$work/wrk.out")
total=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/wrk.out")
latency=$(sed -n 's/^ *Latency *\([^ ]*\) .*/\1/p' "$work/wrk.out")
probes=$(( (DURATION + 4) / 5 + 1 ))

table="| checks | checks/s | mean latency | upstream API requests | upstream TCP probes (at most) | status |
|---|---|---|---|---|---|
| $total | $rate | $latency | $((after - before)) | $probes | $status |"
echo "$table"
[ "$WRITE" = 1 ] && write_section health-detailed "$table"
exit 0
