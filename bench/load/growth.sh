#!/usr/bin/env bash
# How cost grows with the work, in the shipped configuration (access log on, metrics, the rate
# limiter with limits never reached) with Redis on loopback and upstream.quota.rate_per_s=0
# (scout-sim enforces no quota; filling the cache needs many misses) and cache.ttl.search_s=3600
# (the fill takes minutes: with the default 300 s the first, hottest keys would expire and be
# fetched again while the hits are measured). One Scout worker pinned to
# core 0, wrk on core 1, 127.0.0.1 only, every run bounded. Builds the release preset, starts
# scout-sim, redis-server and two Scouts sharing that Redis:
#   main:    the shipped L1 bounds (cache.memory.max_entries 10,000, max_bytes 64 MiB)
#   l2_only: cache.memory.max_entries=1, so nearly every hit is an L2 (Redis) hit
# and a third without Redis (no_redis) for the miss latency only,
# and measures
#   a. cache hits over 10, 1,000 and FILL_N (100,000) distinct cached searches (each a full
#      page: q=usb with a distinct max_price above every product's), keys drawn
#      Zipf-like (s = 1, bench/load/zipf.lua) after a fill pass; which tier served them (the
#      metrics' cache.l1 / cache.l2 hits);
#   b. an L2 hit next to an L1 hit: the same uniform mix over 1,000 keys on both Scouts;
#   c. a miss: Scout's latency over scout-sim's own at p50 and p99 (sequential, the same signed
#      query sent straight to /sync, bench/load/growth_client.py), and 200 concurrent identical
#      misses (scout-sim delaying each call 200 ms) against its call count;
#   d. memory: RSS and the L1 gauges after 10,000 and after FILL_N distinct searches.
# Hit rows are medians of ROUNDS interleaved rounds. With --write it records the tables in
# docs/performance.md. If the fill stops at FILL_TIMEOUT the tables say how many keys it made.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/load/lib.sh
source bench/load/lib.sh

DURATION="${DURATION:-5s}"
CONNECTIONS="${CONNECTIONS:-64}"
ROUNDS="${ROUNDS:-3}"
FILL_N="${FILL_N:-100000}"
FILL_TIMEOUT="${FILL_TIMEOUT:-600}"  # seconds per fill pass (100,000 full pages took 272 s)
MISSES="${MISSES:-300}"
WRITE=0
[ "${1:-}" = "--write" ] && WRITE=1

prepare_run

TOKEN=bench-admin-token
PY=/usr/bin/python3
ZIPF=bench/load/zipf.lua
declare -A port pid
start_sim
REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  > "$work/redis.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
COMMON=("${SHIPPED_LIMITS[@]}" --set "redis.url=redis://127.0.0.1:$REDIS_PORT/0"
        --set cache.l2_secret=bench-l2-secret --set upstream.quota.rate_per_s=0
        --set "admin.token=$TOKEN" --set cache.ttl.search_s=3600)
start_scout main "${COMMON[@]}"
start_scout l2_only "${COMMON[@]}" --set cache.memory.max_entries=1
# Splits a miss's added latency: the same Scout without Redis (no L2 read, lock or write).
start_scout no_redis "${SHIPPED_LIMITS[@]}" --set upstream.quota.rate_per_s=0

url() { echo "http://127.0.0.1:${port[$1]}/search"; }
# metric NAME INSTANCE: the first sample of a Prometheus family on /metrics.
metric() {
  curl -fs -H "Authorization: Bearer $TOKEN" "127.0.0.1:${port[$2]}/metrics" |
    awk -v n="$1" '!done && ($1 == n || index($1, n "{") == 1) {print $2; done = 1}'
}
# tiers INSTANCE: "l1_hits l2_hits misses" since the last reset_metrics.
tiers() {
  curl -fs -H "Authorization: Bearer $TOKEN" "127.0.0.1:${port[$1]}/api/monitoring/metrics" |
    $PY -c 'import json,sys; c=json.load(sys.stdin)["cache"]
print(c["l1"]["hit"], c["l2"]["hit"], c["l2"]["miss"])'
}
reset_metrics() {
  curl -fs -X POST -H "Authorization: Bearer $TOKEN" \
    "127.0.0.1:${port[$1]}/api/monitoring/metrics/reset" >/dev/null
}

# --- d. fill (and memory) ---
rss_start=$(rss_mib "${pid[main]}")
# fill FIRST COUNT: each key once over 16 connections, on core 1 (wrk cannot stop after a
# count); prints "answered seconds".
fill() {
  taskset -c 1 $PY bench/load/growth_client.py fill "${port[main]}" "$1" "$2" 16 "$FILL_TIMEOUT"
}
read -r filled_10k fill_s1 < <(fill 1 10000)
rss_10k=$(rss_mib "${pid[main]}")
entries_10k=$(metric scout_cache_entries main)
bytes_10k=$(metric scout_cache_bytes main)
echo "filled $filled_10k keys in $fill_s1 s; RSS $rss_start -> $rss_10k MiB" >&2
read -r filled_rest fill_s2 < <(fill 10001 $((FILL_N - 10000)))
filled=$((filled_10k + filled_rest))
fill_s=$(awk -v a="$fill_s1" -v b="$fill_s2" 'BEGIN {printf "%.0f", a + b}')
rss_big=$(rss_mib "${pid[main]}")
entries_big=$(metric scout_cache_entries main)
bytes_big=$(metric scout_cache_bytes main)
redis_keys=$(redis-cli -p "$REDIS_PORT" dbsize)
echo "filled $filled keys in ${fill_s}s; RSS $rss_big MiB; Redis $redis_keys keys" >&2

# --- a. and b. hits, interleaved rounds ---
# case NAME INSTANCE N S
cases=("z10 main 10 1" "z1000 main 1000 1" "zbig main $filled 1" "u1000_l1 main 1000 0"
       "u1000_l2 l2_only 1000 0")
for c in "${cases[@]}"; do : > "$work/${c%% *}.results"; : > "$work/${c%% *}.tiers"; done
# l2_only sees every key of the uniform mix once before it is measured.
# zipf INSTANCE N S [measure's env]: the Zipf-like (S = 0: uniform) mix over N keys.
zipf() { ZIPF_N=$2 ZIPF_S=$3 measure "$(url "$1")" "${pid[$1]}" -s "$ZIPF"; }
DURATION=3s zipf l2_only 1000 0 >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  for c in "${cases[@]}"; do
    read -r name inst n s <<< "$c"
    DURATION=1s zipf "$inst" "$n" "$s" >/dev/null
    reset_metrics "$inst"
    zipf "$inst" "$n" "$s" >> "$work/$name.results"
    tiers "$inst" >> "$work/$name.tiers"
    echo "round $round $name: $(tail -1 "$work/$name.results") tiers $(tail -1 "$work/$name.tiers")" >&2
  done
done

# --- c. misses ---
# all_calls: scout-sim's authenticated calls of every method.
all_calls() {
  curl -fs "127.0.0.1:$SIM_PORT/__sim/stats" |
    $PY -c 'import json,sys; print(sum(json.load(sys.stdin)["calls"].values()))'
}
: > "$work/miss"
: > "$work/miss_no_redis"
calls_before_misses=$(all_calls)
for round in $(seq 1 "$ROUNDS"); do
  # Keys past the filled ones: 2,000,000 + ..., distinct per round and instance.
  first=$((2000000 + round * 2 * MISSES))
  $PY bench/load/growth_client.py latency "${port[main]}" "$SIM_PORT" "$MISSES" "$first" \
    >> "$work/miss"
  $PY bench/load/growth_client.py latency "${port[no_redis]}" "$SIM_PORT" "$MISSES" \
    "$((first + MISSES))" >> "$work/miss_no_redis"
  echo "misses round $round (scout p50 p99, sim p50 p99): $(tail -1 "$work/miss");" \
    "without Redis: $(tail -1 "$work/miss_no_redis")" >&2
done
sim_calls() {
  curl -fs "127.0.0.1:$SIM_PORT/__sim/stats" |
    $PY -c 'import json,sys; print(json.load(sys.stdin)["calls"].get("aliexpress.affiliate.product.query", 0))'
}
# Both Scouts missed n times, and each miss was followed by one direct call to scout-sim.
miss_calls=$(awk -v a="$(all_calls)" -v b="$calls_before_misses" -v n="$((2 * ROUNDS * MISSES))" \
  'BEGIN {printf "%.2f", (a - b - n) / n}')
curl -fs -X POST "127.0.0.1:$SIM_PORT/__sim/faults" \
  -d '{"kind":"delay","delay_ms":200,"method":"aliexpress.affiliate.product.query"}' >/dev/null
calls_before=$(sim_calls)
read -r burst_ok burst_bodies < <($PY bench/load/growth_client.py burst "${port[main]}" 200 3000000)
burst_calls=$(($(sim_calls) - calls_before))
curl -fs -X DELETE "127.0.0.1:$SIM_PORT/__sim/faults" >/dev/null

# --- tables ---
col() { cut -d' ' -f"$2" < "$work/$1.results" | median; }
# share NAME: "L1 x % / L2 y % / miss z %" over all rounds.
share() {
  awk '{a += $1; b += $2; m += $3} END {t = a + b; if (t == 0) t = 1
    printf "L1 %.1f %% / L2 %.1f %% (L2 misses %d)", 100 * a / t, 100 * b / t, m}' "$work/$1.tiers"
}
hit_row() {  # $1 = case, $2 = description
  printf '| %s | %.0f | %s | %s | %s | %s |\n' "$2" "$(col "$1" 1)" "$(col "$1" 3)" \
    "$(col "$1" 4)" "$(col "$1" 2)" "$(share "$1")"
}
# mcol COLUMN [FILE]: the median of a column of the miss results.
mcol() { cut -d' ' -f"$1" < "$work/${2:-miss}" | median; }
# added COLUMN_SCOUT COLUMN_SIM [FILE]: the median over rounds of Scout's time minus scout-sim's.
added() {
  awk -v a="$1" -v b="$2" '{printf "%.3f\n", $a - $b}' "$work/${3:-miss}" | median |
    awk '{printf "%.3f", $1}'
}
# ratio A B COLUMN: the median over rounds of case A's COLUMN over case B's.
ratio() {
  paste -d' ' <(cut -d' ' -f"$3" "$work/$1.results") <(cut -d' ' -f"$3" "$work/$2.results") |
    awk '{printf "%.4f\n", $1 / $2}' | median | awk '{printf "%.2f", $1}'
}
per_entry() { awk -v b="$1" -v e="$2" 'BEGIN {printf "%.0f", e ? b / e : 0}'; }
per_rss() { awk -v r="$1" -v s="$rss_start" -v e="$2" 'BEGIN {printf "%.0f", e ? (r - s) * 1048576 / e : 0}'; }
table=$(cat <<TABLE
Hits (GET /search?q=usb&page_size=20&max_price=<1000 + k/100>, a full 20-product page of 15.7 KB, identity; wrk -t1 -c$CONNECTIONS -d$DURATION -s bench/load/zipf.lua; medians of $ROUNDS interleaved rounds):

| keys drawn | requests/s | p50 ms | p99 ms | Scout CPU µs/request | served by (all rounds) |
|---|---|---|---|---|---|
$(hit_row z10 "10, Zipf s=1")
$(hit_row z1000 "1,000, Zipf s=1")
$(hit_row zbig "$filled, Zipf s=1")
$(hit_row u1000_l1 "1,000 uniform, default L1 (L1 hit)")
$(hit_row u1000_l2 "1,000 uniform, cache.memory.max_entries=1 (L2 hit)")

Medians of the per-round ratios: $filled keys / 1,000 keys (Zipf) requests/s $(ratio zbig z1000 1), CPU µs/request $(ratio zbig z1000 2), p99 $(ratio zbig z1000 4); L2 hit / L1 hit (uniform over 1,000) requests/s $(ratio u1000_l2 u1000_l1 1), CPU µs/request $(ratio u1000_l2 u1000_l1 2), p99 $(ratio u1000_l2 u1000_l1 4). Redis's own CPU is not in Scout's µs.

Fill: $filled distinct searches (misses through Scout to scout-sim, 16 connections) in ${fill_s} s; Redis then held $redis_keys keys.

Misses (sequential, $MISSES distinct per round, $ROUNDS rounds; scout-sim with no added latency; the direct call is the same signed product.query POSTed to /sync; Scout made $miss_calls upstream call(s) of any method per miss):

| | p50 ms | p99 ms |
|---|---|---|
| through Scout (shipped, with Redis) | $(mcol 1) | $(mcol 2) |
| straight to scout-sim | $(mcol 3) | $(mcol 4) |
| added by Scout (median of per-round differences) | $(added 1 3) | $(added 2 4) |
| through Scout without Redis (redis.url empty) | $(mcol 1 miss_no_redis) | $(mcol 2 miss_no_redis) |
| straight to scout-sim (interleaved with the line above) | $(mcol 3 miss_no_redis) | $(mcol 4 miss_no_redis) |
| added by Scout without Redis | $(added 1 3 miss_no_redis) | $(added 2 4 miss_no_redis) |

200 concurrent identical misses (scout-sim delaying each call 200 ms): $burst_ok answered 200 ($burst_bodies distinct bodies), $burst_calls upstream product.query call(s).

Memory (RSS of the main Scout; scout_cache_entries / scout_cache_bytes are L1's gauges):

| distinct searches cached | RSS MiB | L1 entries | L1 bytes | bytes per entry (L1 gauge) | RSS growth per entry |
|---|---|---|---|---|---|
| 0 (started) | $rss_start | | | | |
| 10,000 | $rss_10k | $entries_10k | $bytes_10k | $(per_entry "$bytes_10k" "$entries_10k") | $(per_rss "$rss_10k" "$entries_10k") |
| $filled | $rss_big | $entries_big | $bytes_big | $(per_entry "$bytes_big" "$entries_big") | $(per_rss "$rss_big" "$entries_big") |

Per-round hits (requests/s cpu_us p50 p99 requests):
$(for c in "${cases[@]}"; do n=${c%% *}; echo "    $n: $(tr '\n' ';' < "$work/$n.results")"; done)
Per-round misses (scout p50 p99, sim p50 p99): $(tr '\n' ';' < "$work/miss") without Redis: $(tr '\n' ';' < "$work/miss_no_redis")

Machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). Shared with other builds and benchmarks: noisy.
TABLE
)
echo "$table"
[ "$WRITE" = 1 ] && write_section growth "$table"
exit 0
