#!/usr/bin/env bash
# The load benchmark: Scout as shipped against the caches put in front of APIs and against the
# machine's limit, on a cache-hit GET /search (identity and gzip), in one run. Builds the
# release preset and starts, each with one worker pinned to core 0 (wrk -t1 on core 1):
#   scout      the shipped configuration: access log on (JSON, to a file), metrics, the
#              compression middleware, the rate limiter on at limits it never reaches
#   scout_off  the same build with everything per-request off (access log, metrics, rate
#              limiter, compression middleware): what the per-request parts cost together
#   nginx      nginx proxy_cache in front of Scout, tuned as its users would: access log off,
#              open_file_cache, gzip level 1 on every hit (bench/load/nginx.conf.in)
#   varnish    Varnish storing the objects gzipped (beresp.do_gzip), gunzipping for clients
#              that do not accept gzip (bench/load/varnish.vcl.in)
#   floor      the bare epoll responder (bench/load/floor_server.cpp) answering Scout's own
#              bytes from memory, identity and pre-compressed gzip: this machine's limit
# The machines are shared and noisy, so the cases run in ROUNDS interleaved rounds and every
# ratio is the median of per-round ratios (both sides ran within the same minute). Reports
# requests/s, p50/p99 latency, server CPU µs per request (utime + stime from /proc, loopback TCP
# work included) and RSS, and states each target of the wire-speed issue as met or not.
# Prints a Markdown table; with --write it also records it in docs/performance.md.
# Every request goes to 127.0.0.1 and each run is bounded (-d).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/load/lib.sh
source bench/load/lib.sh

DURATION="${DURATION:-8s}"
CONNECTIONS="${CONNECTIONS:-64}"
ROUNDS="${ROUNDS:-3}"
SEARCH="${SEARCH:-/search?q=usb&page_size=20}"
WRITE=0
[ "${1:-}" = "--write" ] && WRITE=1

prepare_run
cmake --build --preset release -j "$(nproc)" --target floor_server >/dev/null
# Run as root, nginx's and Varnish's workers drop privileges: let them into this run's
# throw-away directory.
chmod 755 "$work"

declare -A port pid
start_sim
start_scout scout "${SHIPPED_LIMITS[@]}"
start_scout scout_off "${ALL_OFF[@]}"
SCOUT="127.0.0.1:${port[scout]}"
curl -fs "$SCOUT$SEARCH" -o "$work/body.json"  # warms the cache
curl -fs -H 'Accept-Encoding: gzip' "$SCOUT$SEARCH" -o "$work/body.json.gz"
curl -fs "127.0.0.1:${port[scout_off]}$SEARCH" -o /dev/null

# Renders bench/load/$1.in into $work/$1 with this run's ports and directories.
render() {
  sed -e "s|@WORK@|$work|g" -e "s|@SCOUT_PORT@|${port[scout]}|g" \
      -e "s|@PORT@|${port[$2]}|g" "bench/load/$1.in" > "$work/$1"
}

mkdir -p "$work/nginx/cache" "$work/nginx/tmp"
chmod 777 "$work/nginx" "$work/nginx/cache" "$work/nginx/tmp"
port[nginx]=$(free_port)
render nginx.conf nginx
taskset -c 0 nginx -c "$work/nginx.conf" -p "$work/nginx" > "$work/nginx/out" 2>&1 &
pids+=($!)
nginx_master=$!
wait_http "127.0.0.1:${port[nginx]}/health" || { cat "$work/nginx/error.log" >&2; exit 1; }
pid[nginx]=$(pgrep -P "$nginx_master" -f 'nginx: worker process' | head -1)

port[varnish]=$(free_port)
render varnish.vcl varnish
taskset -c 0 varnishd -F -n "$work/varnish" -a "127.0.0.1:${port[varnish]}" \
  -f "$work/varnish.vcl" -s malloc,256m -p thread_pools=1 > "$work/varnish.out" 2>&1 &
pids+=($!)
varnish_master=$!
wait_http "127.0.0.1:${port[varnish]}/health" || { cat "$work/varnish.out" >&2; exit 1; }
pid[varnish]=$(pgrep -P "$varnish_master" | head -1)  # the cache process serves

start_floor() {  # $1 = name, $2 = body file, $3... = Content-Encoding
  port[$1]=$(free_port)
  taskset -c 0 "$BIN/bench/load/floor_server" "${port[$1]}" copy "@$2" "${@:3}" \
    > "$work/$1.out" 2>&1 &
  pid[$1]=$!
  pids+=($!)
  wait_http "127.0.0.1:${port[$1]}/"
}
start_floor floor "$work/body.json"
start_floor floor_gz "$work/body.json.gz" gzip

# Every server answers the same bytes, and the caches answer from their cache.
for name in nginx varnish; do
  url="127.0.0.1:${port[$name]}$SEARCH"
  curl -fs "$url" -o /dev/null
  curl -fs "$url" -o "$work/$name.json"
  cmp -s "$work/body.json" "$work/$name.json" || { echo "$name does not serve Scout's bytes" >&2; exit 1; }
  curl -fs -H 'Accept-Encoding: gzip' "$url" -o "$work/$name.json.gz"
  gunzip -c "$work/$name.json.gz" | cmp -s "$work/body.json" - ||
    { echo "$name does not gzip Scout's bytes" >&2; exit 1; }
done
gunzip -c "$work/body.json.gz" | cmp -s "$work/body.json" - || { echo "Scout's gzip differs" >&2; exit 1; }

servers=(scout scout_off nginx varnish floor)
cases=()
for s in "${servers[@]}"; do cases+=("$s" "${s}_gz"); done
cases+=(health)
for c in "${cases[@]}"; do : > "$work/$c.results"; done
gzip_args=(-H 'Accept-Encoding: gzip')
for round in $(seq 1 "$ROUNDS"); do
  for s in "${servers[@]}"; do
    gz_port=${port[$s]}
    gz_pid=${pid[$s]}
    if [ "$s" = floor ]; then gz_port=${port[floor_gz]}; gz_pid=${pid[floor_gz]}; fi
    measure "http://127.0.0.1:${port[$s]}$SEARCH" "${pid[$s]}" >> "$work/$s.results"
    measure "http://127.0.0.1:$gz_port$SEARCH" "$gz_pid" "${gzip_args[@]}" >> "$work/${s}_gz.results"
  done
  measure "http://$SCOUT/health" "${pid[scout]}" >> "$work/health.results"
  line=""
  for c in "${cases[@]}"; do line="$line $(sed -n "${round}p" "$work/$c.results" | cut -d' ' -f1)"; done
  echo "${line# }" >> "$work/rounds"
  echo "round $round (${cases[*]}): ${line# }" >&2
done

# Column of a case in the rounds file (1-based).
column_of() {
  local i=1
  for c in "${cases[@]}"; do [ "$c" = "$1" ] && { echo "$i"; return; }; i=$((i + 1)); done
}
col() { cut -d' ' -f"$2" < "$work/$1.results" | median; }
# Median over rounds of $1 / max($2, $3...): the per-round ratio to the best of the others.
ratio() {
  local a
  a=$(column_of "$1")
  shift
  local cols=""
  for c in "$@"; do cols="$cols $(column_of "$c")"; done
  awk -v a="$a" -v cols="${cols# }" '{ n = split(cols, b, " "); best = 0
      for (i = 1; i <= n; i++) if ($b[i] > best) best = $b[i]
      printf "%.4f\n", $a / best }' "$work/rounds" | median | awk '{printf "%.2f", $1}'
}
verdict() {  # $1 = measured, $2 = target, $3 = "min" or "max"
  awk -v m="$1" -v t="$2" -v k="$3" 'BEGIN { ok = (k == "min") ? m >= t : m <= t
      printf "%s", ok ? "met" : sprintf("**not met** (gap %.2f)", (k == "min") ? t - m : m - t) }'
}
row() {  # $1 = case, $2 = label, $3 = body bytes
  printf '| %s | %s | %.0f | %s | %s | %s |\n' "$2" "$3" "$(col "$1" 1)" "$(col "$1" 3)" \
    "$(col "$1" 4)" "$(col "$1" 2)"
}
bytes=$(wc -c < "$work/body.json")
gz_bytes=$(wc -c < "$work/body.json.gz")
id_vs_caches=$(ratio scout nginx varnish)
gz_vs_caches=$(ratio scout_gz nginx_gz varnish_gz)
id_vs_floor=$(ratio scout floor)
gz_vs_floor=$(ratio scout_gz floor_gz)
on_vs_off=$(ratio scout scout_off)
on_vs_off_gz=$(ratio scout_gz scout_off_gz)
p99=$(col scout 4)
p99_gz=$(col scout_gz 4)

table=$(cat <<TABLE
| server (cache-hit GET $SEARCH; wrk -t1 -c$CONNECTIONS -d$DURATION --latency; server on core 0, wrk on core 1) | body bytes | requests/s (median of $ROUNDS) | p50 ms | p99 ms | server CPU µs/request |
|---|---|---|---|---|---|
$(row scout "Scout, shipped configuration" "$bytes")
$(row scout_gz "Scout, shipped, Accept-Encoding: gzip" "$gz_bytes")
$(row scout_off "Scout, everything per-request off" "$bytes")
$(row scout_off_gz "Scout, everything off, gzip" "$gz_bytes")
$(row nginx "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') proxy_cache hit" "$bytes")
$(row nginx_gz "nginx proxy_cache hit, gzip (level 1, per hit)" "$(wc -c < "$work/nginx.json.gz")")
$(row varnish "Varnish $(varnishd -V 2>&1 | sed -n 's/.*varnish-\([0-9.]*\).*/\1/p' | head -1) hit (stored gzipped, gunzipped per hit)" "$bytes")
$(row varnish_gz "Varnish hit, gzip (stored gzipped)" "$(wc -c < "$work/varnish.json.gz")")
$(row floor "bare responder, Scout's bytes from memory" "$bytes")
$(row floor_gz "bare responder, Scout's gzip bytes from memory" "$gz_bytes")
$(row health "Scout, shipped, GET /health" "$(curl -fs "$SCOUT/health" | wc -c)")

| target (medians of per-round ratios) | measured | target | |
|---|---|---|---|
| shipped Scout / better of nginx and Varnish, identity | $id_vs_caches | >= 1.1 | $(verdict "$id_vs_caches" 1.1 min) |
| shipped Scout / better of nginx and Varnish, gzip | $gz_vs_caches | >= 1.5 | $(verdict "$gz_vs_caches" 1.5 min) |
| shipped Scout / bare responder, identity | $id_vs_floor | >= 0.85 | $(verdict "$id_vs_floor" 0.85 min) |
| shipped Scout / bare responder, gzip | $gz_vs_floor | >= 0.85 | $(verdict "$gz_vs_floor" 0.85 min) |
| shipped Scout p99 at $CONNECTIONS connections, identity / gzip (ms; nginx: $(col nginx 4) / $(col nginx_gz 4)) | $p99 / $p99_gz | <= 2 | $(verdict "$(printf '%s\n%s\n' "$p99" "$p99_gz" | sort -g | tail -1)" 2 max) |
| shipped Scout cache-hit /search / its /health, identity / gzip | $(ratio scout health) / $(ratio scout_gz health) | >= 0.8 | $(verdict "$(printf '%s\n%s\n' "$(ratio scout health)" "$(ratio scout_gz health)" | sort -g | head -1)" 0.8 min) |
| everything on / everything off, identity / gzip | $on_vs_off / $on_vs_off_gz | >= 0.9 | $(verdict "$(printf '%s\n%s\n' "$on_vs_off" "$on_vs_off_gz" | sort -g | head -1)" 0.9 min) |

Per-round requests/s (${cases[*]}):
$(sed 's/^/    /' "$work/rounds")

RSS after the runs (MiB): Scout $(rss_mib "${pid[scout]}"), Scout all off $(rss_mib "${pid[scout_off]}"), nginx worker $(rss_mib "${pid[nginx]}"), Varnish cache process $(rss_mib "${pid[varnish]}"), bare responder $(rss_mib "${pid[floor]}"). Machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).
TABLE
)
echo "$table"
[ "$WRITE" = 1 ] && write_section load "$table"
exit 0
