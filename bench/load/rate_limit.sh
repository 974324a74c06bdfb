#!/usr/bin/env bash
# Rate limiter under load (wrk, 127.0.0.1 only, every run bounded by -d).
#   1. /health req/s and the req/s of 429s that a client flooding over its limit gets
#      (GET /search with its own X-Forwarded-For through a trusted proxy: 127.0.0.1).
#   2. The p99 of a well-behaved client (its own API key, high limit; cache-hit /search on one
#      connection) alone, alone beside a nice-19 busy loop on its core (the flood client's
#      share of that core, without the flood), and while the flood runs.
# Scout runs the shipped logging (access log on, JSON, to a file), one worker pinned to core 0,
# the flood wrk on core 1 at nice 19, the well-behaved wrk on core 1.
# Runs are interleaved in ROUNDS rounds; the table shows medians. BIN=build/release by default
# (built here); BIN=build/asan measures an existing sanitizer build (slower, same ratios' shape).
# Prints a Markdown table; with --write records it in docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/load/lib.sh
source bench/load/lib.sh

DURATION="${DURATION:-5s}"
CONNECTIONS="${CONNECTIONS:-32}"
ROUNDS="${ROUNDS:-3}"
BIN="${BIN:-build/release}"
WRITE=0
[ "${1:-}" = "--write" ] && WRITE=1
if [ "$BIN" = build/release ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$(nproc)" --target scout scout-sim >/dev/null
fi

work=$(mktemp -d)
pids=()
trap stop_run EXIT


start_sim

# The well-behaved client's key: sha256("bench-client-key"), 1e6 requests/s.
KEY=bench-client-key
DIGEST=$(printf '%s' "$KEY" | sha256sum | cut -d' ' -f1)
mkdir -p "$work/config"
echo '{}' > "$work/config/default.json"
cat > "$work/config/development.json" <<JSON
{"rate_limit": {"enabled": true, "trusted_proxies": ["127.0.0.1"],
                "per_client": {"rate_per_s": 1, "burst": 1, "per_minute": 0}},
 "auth": {"api_keys": ["good:$DIGEST:1000000:1000000"]}}
JSON
SCOUT_PORT=$(free_port)
taskset -c 0 "$BIN/src/scout" --env development --config-dir "$work/config" \
  --set server.listen=127.0.0.1:$SCOUT_PORT --set server.threads=1 \
  --set upstream.gateway_url=http://127.0.0.1:$SIM_PORT/sync \
  --set upstream.app_key=100001 --set upstream.app_secret=bench-secret \
  --set upstream.tracking_id=bench --set search.cursor_secret=bench-cursor-secret \
  --set redis.url= --set log.format=json > "$work/scout.out" 2>&1 &
pids+=($!)
BASE="http://127.0.0.1:$SCOUT_PORT"
wait_http "$BASE/health"
SEARCH="/search?q=usb+cable&affiliate=false"
curl -fs -H "X-API-Key: $KEY" "$BASE$SEARCH" >/dev/null  # warm the cache

rps() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'; }
p99_ms() {  # wrk --latency's 99% line, in ms
  awk '$1=="99%" { v=$2; if (v ~ /us$/) { sub(/us/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms/,"",v) } else if (v ~ /s$/) { sub(/s/,"",v); v*=1000 } print v }'
}
# The flood runs at the lowest CPU priority: it shares core 1 with the well-behaved client's wrk
# (two cores here), and a flood wrk busy on that core would otherwise delay the well-behaved
# wrk's own wake-ups by up to a scheduler slice, a latency of the client machine that no
# server can remove (real clients do not share a core with the client flooding them).
flood() {
  taskset -c 1 nice -n 19 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -H "X-Forwarded-For: 198.51.100.1" "$BASE$SEARCH"
}
# The flood's share of core 1 without the flood: a busy loop at the same priority, for as long
# as a well-behaved run. The well-behaved client's p99 beside it is its unloaded p99 under the
# same client-side conditions (this machine has no third core to give the flood).
busy_core1() {
  taskset -c 1 nice -n 19 timeout "$((${DURATION%s} + 1))" sh -c 'while :; do :; done' || true
}
good() {
  taskset -c 1 wrk -t1 -c1 -d"$DURATION" --latency -H "X-API-Key: $KEY" "$BASE$SEARCH"
}

: > "$work/health"; : > "$work/rejected"; : > "$work/ratio"; : > "$work/alone"; : > "$work/loaded"
: > "$work/alone_busy"
for round in $(seq 1 "$ROUNDS"); do
  h=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" "$BASE/health" | rps)
  out=$(flood)
  r=$(echo "$out" | rps)
  non2xx=$(echo "$out" | sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p')
  echo "$h" >> "$work/health"; echo "$r" >> "$work/rejected"
  echo "$r $h" | awk '{print $1/$2}' >> "$work/ratio"
  good | p99_ms >> "$work/alone"
  busy_core1 &
  bpid=$!
  good | p99_ms >> "$work/alone_busy"
  wait "$bpid"
  flood > "$work/flood.$round" &
  fpid=$!
  sleep 0.5
  good | p99_ms >> "$work/loaded"
  wait "$fpid"
  echo "round $round: health=$h rejected=$r (non-2xx $non2xx) good p99 alone=$(tail -1 "$work/alone") ms alone beside a busy loop=$(tail -1 "$work/alone_busy") ms loaded=$(tail -1 "$work/loaded") ms" >&2
done
alone=$(median < "$work/alone"); loaded=$(median < "$work/loaded")
alone_busy=$(median < "$work/alone_busy")
table=$(
  echo "| measure (wrk -t1 -d$DURATION; flood -c$CONNECTIONS, well-behaved -c1) | median of $ROUNDS rounds |"
  echo "|---|---|"
  echo "| /health req/s | $(median < "$work/health") |"
  echo "| 429 req/s of a client over its limit | $(median < "$work/rejected") |"
  echo "| 429 req/s / /health req/s, per round (median) | $(median < "$work/ratio") |"
  echo "| well-behaved client p99, alone (ms) | $alone |"
  echo "| well-behaved client p99, during the flood (ms) | $loaded |"
  echo "| well-behaved client p99, alone beside a nice-19 busy loop on its core (ms) | $alone_busy |"
  echo "| p99 during / alone | $(echo "$loaded $alone" | awk '{printf "%.2f", $1/$2}') |"
  echo "| p99 during / alone beside the busy loop (the server's part) | $(echo "$loaded $alone_busy" | awk '{printf "%.2f", $1/$2}') |"
  echo
  echo "Machine: $(nproc) cores, $(uname -m), $(date +%F); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
)
echo "$table"
[ "$WRITE" = 1 ] && write_section rate-limit-load "$table"
exit 0
