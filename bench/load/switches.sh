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

prepare_run

declare -A port pid
start_sim
start_scout shipped "${SHIPPED_LIMITS[@]}"
start_scout no_access "${SHIPPED_LIMITS[@]}" --set log.access.enabled=false
start_scout text_log "${SHIPPED_LIMITS[@]}" --set log.format=text
start_scout no_metrics "${SHIPPED_LIMITS[@]}" --no-metrics
start_scout no_protect "${NO_PROTECT[@]}"
start_scout all_off "${ALL_OFF[@]}"

SEARCH="${SEARCH:-/search?q=usb&page_size=20}"
for name in "${!port[@]}"; do curl -fs "127.0.0.1:${port[$name]}$SEARCH" -o /dev/null; done

# $1 = name. Prints "requests/s cpu_us_per_request p50_ms p99_ms requests".
run_wrk() { measure "http://127.0.0.1:${port[$1]}$SEARCH" "${pid[$1]}"; }

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
expected=$(awk '{n += $5} END {print n}' "$work/shipped.results")
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
