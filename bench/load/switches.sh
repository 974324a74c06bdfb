#!/usr/bin/env bash
# What each per-request part costs a cache hit, in the shipped configuration. Builds the
# release preset, starts scout-sim and one Scout per variant from the same build, one worker
# each pinned to core 0 (wrk pinned to core 1):
#   shipped:      the defaults (access log on, JSON, stdout to a file; metrics; compression
#                 middleware) plus the rate limiter on with limits it never reaches, as
#                 config/production.json turns it on
#   no_access:    shipped with log.access.enabled=false
#   text_log:     shipped with log.format=text
#   no_metrics:   shipped started with --no-metrics (recording compiled in, switched off)
#   no_protect:   shipped with the rate limiter and the compression middleware off
#   all_off:      all four of the above off
# and measures a cache-hit GET /search (identity) with wrk in ROUNDS interleaved rounds.
# Reports each variant's median requests/s and Scout CPU µs per request, and the median of
# the per-round ratios shipped / variant. Targets: access log (shipped/no_access) >= 0.95,
# metrics (shipped/no_metrics) >= 0.97, limiter + compression (shipped/no_protect) >= 0.95,
# everything (shipped/all_off) >= 0.9. Checks that the shipped Scout logged every request.
# With --write it records the table in docs/performance.md. Loopback only, bounded runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/load/lib.sh
source bench/load/lib.sh

DURATION="${DURATION:-8s}"
CONNECTIONS="${CONNECTIONS:-64}"
ROUNDS="${ROUNDS:-5}"
WRITE=0
[ "${1:-}" = "--write" ] && WRITE=1

bash deploy/local/install-deps.sh >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target scout scout-sim >/dev/null

BIN=build/release
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

wait_http() {  # $1 = URL; up to 10 s
  for _ in $(seq 1 100); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "no answer from $1" >&2
  return 1
}

"$BIN/src/sim/scout-sim" --listen 127.0.0.1:0 --app-key 100001 --app-secret bench-secret > "$work/sim.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do grep -q "listening" "$work/sim.out" && break; sleep 0.1; done
SIM_PORT=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/sim.out")
[ -n "$SIM_PORT" ] || { echo "scout-sim did not start" >&2; cat "$work/sim.out" >&2; exit 1; }

mkdir -p "$work/config"
echo '{}' > "$work/config/default.json"
echo '{}' > "$work/config/development.json"
declare -A port pid
start_scout() {  # $1 = name, $2... = extra --set arguments
  local name=$1
  shift
  port[$name]=$(free_port)
  taskset -c 0 "$BIN/src/scout" --env development --config-dir "$work/config" \
    --set "server.listen=127.0.0.1:${port[$name]}" --set server.threads=1 \
    --set "upstream.gateway_url=http://127.0.0.1:$SIM_PORT/sync" \
    --set upstream.app_key=100001 --set upstream.app_secret=bench-secret \
    --set upstream.tracking_id=bench --set search.cursor_secret=bench-cursor-secret \
    --set redis.url= "$@" > "$work/$name.out" 2>&1 &
  pid[$name]=$!
  pids+=($!)
  wait_http "127.0.0.1:${port[$name]}/health"
}
LIMITS=(--set rate_limit.enabled=true --set rate_limit.per_client.rate_per_s=1000000
        --set rate_limit.per_client.burst=1000000 --set rate_limit.per_client.per_minute=0)
NO_PROTECT=(--set rate_limit.enabled=false --set compression.enabled=false)
start_scout shipped "${LIMITS[@]}"
start_scout no_access "${LIMITS[@]}" --set log.access.enabled=false
start_scout text_log "${LIMITS[@]}" --set log.format=text
start_scout no_metrics "${LIMITS[@]}" --no-metrics
start_scout no_protect "${NO_PROTECT[@]}"
start_scout all_off "${NO_PROTECT[@]}" --set log.access.enabled=false --no-metrics

SEARCH="${SEARCH:-/search?q=usb&page_size=20}"
for name in "${!port[@]}"; do curl -fs "127.0.0.1:${port[$name]}$SEARCH" -o /dev/null; done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# $1 = name. Prints "requests/s cpu_us_per_request requests".
run_wrk() {
  local before after
  before=$(cpu_ticks "${pid[$1]}")
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" "http://127.0.0.1:${port[$1]}$SEARCH" > "$work/wrk.txt"
  after=$(cpu_ticks "${pid[$1]}")
  if grep -q "Non-2xx\|Socket errors" "$work/wrk.txt"; then
    echo "wrk reported errors:" >&2; cat "$work/wrk.txt" >&2; exit 1
  fi
  local rps requests
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
  awk -v r="$rps" -v n="$requests" -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%s %.2f %d\n", r, t / hz * 1e6 / n, n}'
}

cases=(shipped no_access text_log no_metrics no_protect all_off)
for c in "${cases[@]}"; do : > "$work/$c.results"; done
: > "$work/ratios"
for round in $(seq 1 "$ROUNDS"); do
  for c in "${cases[@]}"; do run_wrk "$c" >> "$work/$c.results"; done
  r() { sed -n "${round}p" "$work/$1.results" | cut -d' ' -f1; }
  line=""
  for c in "${cases[@]}"; do line="$line $(r "$c")"; done
  echo "${line# }" >> "$work/ratios"
  echo "round $round (${cases[*]}): $(tail -1 "$work/ratios")" >&2
done

# Every request of the "on" Scout has its line once it has drained (SIGTERM flushes).
expected=$(awk '{n += $3} END {print n}' "$work/shipped.results")
kill -TERM "${pid[shipped]}"
wait "${pid[shipped]}" || true
written=$(grep -c '"logger":"access"' "$work/shipped.out" || true)

col() { cut -d' ' -f"$2" < "$work/$1.results" | median; }
ratio() { awk -v a="$1" -v b="$2" '{printf "%.4f\n", $a / $b}' "$work/ratios" | median | awk '{printf "%.2f", $1}'; }
row() {  # $1 = case, $2 = column of the ratios file, $3 = description
  printf '| %s | %s | %.0f | %s | %s |\n' "$1" "$3" "$(col "$1" 1)" "$(col "$1" 2)" \
    "$(ratio 1 "$2")"
}
table=$(cat <<TABLE
| variant (cache-hit GET $SEARCH, identity; wrk -t1 -c$CONNECTIONS -d$DURATION; Scout on core 0, wrk on core 1) | what is off | requests/s (median of $ROUNDS) | Scout CPU µs/request | shipped / variant |
|---|---|---|---|---|
$(row shipped 1 "nothing: access log (JSON, to a file), metrics, compression, rate limiter never rejecting")
$(row no_access 2 "log.access.enabled=false")
$(row text_log 3 "nothing; log.format=text")
$(row no_metrics 4 "metric recording (--no-metrics)")
$(row no_protect 5 "rate limiter and compression middleware")
$(row all_off 6 "all of the above")

Access lines written by the shipped Scout: $written for $expected wrk requests (plus the warm-up).
Per-round requests/s (${cases[*]}):
$(sed 's/^/    /' "$work/ratios")

Machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).
TABLE
)
echo "$table"
[ "$WRITE" = 1 ] && write_section switches "$table"
exit 0
