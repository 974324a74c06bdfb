#!/usr/bin/env bash
# Load benchmark: builds the release preset, starts scout-sim and Scout (Scout pinned to one
# core with taskset, wrk to the other), and measures with wrk on 127.0.0.1:
#   GET /health, a cache-hit GET /search (~15 KB JSON) plain and with Accept-Encoding: gzip.
# Prints a Markdown table and the ratios; with --write it also records them in
# docs/performance.md. Every request goes to 127.0.0.1 and each run is bounded (-d).
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-64}"
WRITE=0
[ "${1:-}" = "--write" ] && WRITE=1

bash deploy/local/install-deps.sh >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target scout scout-sim >/dev/null

BIN=build/release
work=$(mktemp -d)
sim_pid=""; scout_pid=""
cleanup() {
  [ -n "$scout_pid" ] && kill "$scout_pid" 2>/dev/null || true
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SCOUT_PORT=$(free_port)

"$BIN/src/sim/scout-sim" --listen 127.0.0.1:0 --app-key 100001 --app-secret bench-secret > "$work/sim.out" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do grep -q "listening" "$work/sim.out" && break; sleep 0.1; done
SIM_PORT=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/sim.out")

mkdir -p "$work/config"
echo '{}' > "$work/config/default.json"
echo '{}' > "$work/config/development.json"
taskset -c 0 "$BIN/src/scout" --env development --config-dir "$work/config" \
  --set server.listen=127.0.0.1:$SCOUT_PORT --set server.threads=1 \
  --set upstream.gateway_url=http://127.0.0.1:$SIM_PORT/sync \
  --set upstream.app_key=100001 --set upstream.app_secret=bench-secret \
  --set upstream.tracking_id=bench --set search.cursor_secret=bench-cursor-secret \
  --set redis.url= --set log.level=warn --set log.format=json > "$work/scout.out" 2>&1 &
scout_pid=$!
for _ in $(seq 1 100); do curl -fs "127.0.0.1:$SCOUT_PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done

SEARCH="${SEARCH:-/search?q=usb&page_size=20}"
curl -fs "127.0.0.1:$SCOUT_PORT$SEARCH" -o "$work/body.json"        # warm the cache
BYTES=$(wc -c < "$work/body.json")
GZ_BYTES=$(curl -fs -H 'Accept-Encoding: gzip' "127.0.0.1:$SCOUT_PORT$SEARCH" | wc -c)

run_wrk() {  # $1 = path, $2... = extra wrk args; prints requests/s
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" "${@:2}" "http://127.0.0.1:$SCOUT_PORT$1" > "$work/wrk.txt"
  if grep -q "Non-2xx\|Socket errors" "$work/wrk.txt"; then
    echo "wrk reported errors for $1:" >&2; cat "$work/wrk.txt" >&2; exit 1
  fi
  awk '/Requests\/sec/ {print $2}' "$work/wrk.txt"
}

health=$(run_wrk /health)
search_plain=$(run_wrk "$SEARCH")
search_gzip=$(run_wrk "$SEARCH" -H 'Accept-Encoding: gzip')
ratio_plain=$(awk -v a="$search_plain" -v b="$health" 'BEGIN {printf "%.2f", a/b}')
ratio_gzip=$(awk -v a="$search_gzip" -v b="$health" 'BEGIN {printf "%.2f", a/b}')
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$scout_pid/status")

table=$(cat <<TABLE
| endpoint (wrk -t1 -c$CONNECTIONS -d$DURATION, Scout on 1 core) | body bytes | requests/s | ratio to /health |
|---|---|---|---|
| GET /health | $(curl -fs 127.0.0.1:$SCOUT_PORT/health | wc -c) | $health | 1.00 |
| GET $SEARCH (cache hit) | $BYTES | $search_plain | $ratio_plain |
| GET $SEARCH (cache hit, Accept-Encoding: gzip) | $GZ_BYTES | $search_gzip | $ratio_gzip |

Scout RSS after the runs: $((rss_kb / 1024)) MiB. Machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d).
TABLE
)
echo "$table"

if [ "$WRITE" = 1 ]; then
  python3 - "$table" <<'PY'
import sys, re
table = sys.argv[1]
path = "docs/performance.md"
text = open(path).read()
begin, end = "<!-- load:begin -->", "<!-- load:end -->"
text = re.sub(re.escape(begin) + ".*?" + re.escape(end), begin + "\n" + table + "\n" + end, text, flags=re.S)
open(path, "w").write(text)
PY
fi
