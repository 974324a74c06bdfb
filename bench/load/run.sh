#!/usr/bin/env bash
# Load benchmark. Builds the release preset, starts scout-sim and Scout (one worker, pinned to
# core 0 with taskset; wrk pinned to core 1) and measures with wrk on 127.0.0.1:
#   GET /health, a cache-hit GET /search (~15 KB JSON) plain and with Accept-Encoding: gzip,
#   and the yardstick: nginx (one worker, core 0) with proxy_cache in front of the same Scout,
#   serving the same bytes from its cache (plain, and gzip-compressed on every hit).
# The machines are shared and noisy, so the runs are interleaved in ROUNDS rounds (each round
# runs every case once) and the table reports each case's median; ratios are medians of the
# per-round ratios (both sides of a ratio ran within the same minute).
# Also reports Scout's CPU time per request (utime + stime from /proc, which includes the
# kernel's loopback TCP work done in its send calls): less noisy than requests/s.
# Prints a Markdown table; with --write it also records it in docs/performance.md.
# Every request goes to 127.0.0.1 and each run is bounded (-d).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/load/lib.sh
source bench/load/lib.sh

DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-64}"
ROUNDS="${ROUNDS:-3}"
WRITE=0
[ "${1:-}" = "--write" ] && WRITE=1

bash deploy/local/install-deps.sh >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target scout scout-sim >/dev/null

BIN=build/release
work=$(mktemp -d)
sim_pid=""
scout_pid=""
nginx_pid=""
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  [ -n "$scout_pid" ] && kill "$scout_pid" 2>/dev/null || true
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

SCOUT_PORT=$(free_port)
NGINX_PORT=$(free_port)

"$BIN/src/sim/scout-sim" --listen 127.0.0.1:0 --app-key 100001 --app-secret bench-secret > "$work/sim.out" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do grep -q "listening" "$work/sim.out" && break; sleep 0.1; done
SIM_PORT=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/sim.out")
if [ -z "$SIM_PORT" ]; then
  echo "scout-sim did not start:" >&2
  cat "$work/sim.out" >&2
  exit 1
fi

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
wait_http "127.0.0.1:$SCOUT_PORT/health"

# nginx: one worker on core 0, a proxy_cache in front of Scout. It asks Scout for the plain
# body (Accept-Encoding cleared) and gzips on every hit when the client accepts it (level 1,
# nginx's default). No access log (Scout runs with log.level=warn: no access lines either).
mkdir -p "$work/nginx/cache" "$work/nginx/tmp"
# Run as root, nginx's workers drop to "nobody": let them use the cache and temp directories
# (a throw-away directory of this run, removed on exit).
chmod 755 "$work"
chmod 777 "$work/nginx" "$work/nginx/cache" "$work/nginx/tmp"
cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp;
  proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp;
  uwsgi_temp_path $work/nginx/tmp;
  scgi_temp_path $work/nginx/tmp;
  proxy_cache_path $work/nginx/cache levels=1:2 keys_zone=scout:10m max_size=100m;
  keepalive_requests 1000000;
  gzip on;
  gzip_types application/json;
  gzip_comp_level 1;
  gzip_min_length 256;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://127.0.0.1:$SCOUT_PORT;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Accept-Encoding "";
      proxy_cache scout;
      proxy_cache_key \$request_uri;
      proxy_cache_valid 200 10m;
      proxy_ignore_headers Vary;
    }
  }
}
NGINX
taskset -c 0 nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" > "$work/nginx/out" 2>&1 &
nginx_pid=$!
if ! wait_http "127.0.0.1:$NGINX_PORT/health"; then
  cat "$work/nginx/out" "$work/nginx/error.log" >&2 || true
  exit 1
fi

SEARCH="${SEARCH:-/search?q=usb&page_size=20}"
curl -fs "127.0.0.1:$SCOUT_PORT$SEARCH" -o "$work/body.json"  # warm Scout's cache
BYTES=$(wc -c < "$work/body.json")
GZ_BYTES=$(curl -fs -H 'Accept-Encoding: gzip' "127.0.0.1:$SCOUT_PORT$SEARCH" | wc -c)
curl -fs "127.0.0.1:$NGINX_PORT$SEARCH" -o /dev/null  # fill nginx's cache
curl -fs "127.0.0.1:$NGINX_PORT$SEARCH" -o "$work/nginx-body.json"
NGINX_GZ_BYTES=$(curl -fs -H 'Accept-Encoding: gzip' "127.0.0.1:$NGINX_PORT$SEARCH" | wc -c)
if ! cmp -s "$work/body.json" "$work/nginx-body.json"; then
  echo "nginx does not serve the bytes Scout serves" >&2
  exit 1
fi
nginx_gzip_head=$(curl -fsI -H 'Accept-Encoding: gzip' "127.0.0.1:$NGINX_PORT$SEARCH")
if ! grep -qi '^content-encoding: gzip' <<< "$nginx_gzip_head"; then
  echo "nginx does not gzip the cached search" >&2
  exit 1
fi

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# $1 = port, $2 = path, $3 = pid whose CPU is measured, $4... = extra wrk args.
# Prints "requests/s cpu_us_per_request".
run_wrk() {
  local before after
  before=$(cpu_ticks "$3")
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" "${@:4}" "http://127.0.0.1:$1$2" > "$work/wrk.txt"
  after=$(cpu_ticks "$3")
  if grep -q "Non-2xx\|Socket errors" "$work/wrk.txt"; then
    echo "wrk reported errors for $2:" >&2
    cat "$work/wrk.txt" >&2
    exit 1
  fi
  local rps requests
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
  awk -v r="$rps" -v n="$requests" -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%s %.1f\n", r, t / hz * 1e6 / n}'
}
# nginx's worker (the master also has a cache manager and a cache loader child).
worker_pid() { pgrep -P "$nginx_pid" -f 'nginx: worker process' | head -1; }

cases=(health search gzip nginx nginx_gzip)
mkdir -p "$work/results"
for c in "${cases[@]}"; do : > "$work/results/$c"; done
: > "$work/ratios"
for round in $(seq 1 "$ROUNDS"); do
  run_wrk "$SCOUT_PORT" /health "$scout_pid" >> "$work/results/health"
  run_wrk "$SCOUT_PORT" "$SEARCH" "$scout_pid" >> "$work/results/search"
  run_wrk "$SCOUT_PORT" "$SEARCH" "$scout_pid" -H 'Accept-Encoding: gzip' >> "$work/results/gzip"
  run_wrk "$NGINX_PORT" "$SEARCH" "$(worker_pid)" >> "$work/results/nginx"
  run_wrk "$NGINX_PORT" "$SEARCH" "$(worker_pid)" -H 'Accept-Encoding: gzip' >> "$work/results/nginx_gzip"
  line() { sed -n "${round}p" "$work/results/$1" | cut -d' ' -f1; }
  echo "$(line health) $(line search) $(line gzip) $(line nginx) $(line nginx_gzip)" >> "$work/ratios"
  echo "round $round (health search gzip nginx nginx_gzip): $(tail -1 "$work/ratios")" >&2
done

col() { cut -d' ' -f"$2" < "$work/results/$1" | median; }
ratio() {  # median over rounds of column $1 / column $2 of the ratios file
  awk -v a="$1" -v b="$2" '{printf "%.4f\n", $a / $b}' "$work/ratios" | median | awk '{printf "%.2f", $1}'
}
rps() { col "$1" 1 | awk '{printf "%.0f", $1}'; }
cpu() { col "$1" 2 | awk '{printf "%.1f", $1}'; }

table=$(cat <<TABLE
| case (wrk -t1 -c$CONNECTIONS -d$DURATION; server on core 0, wrk on core 1) | body bytes | requests/s (median of $ROUNDS) | server CPU µs/request | ratio |
|---|---|---|---|---|
| Scout GET /health | $(curl -fs "127.0.0.1:$SCOUT_PORT/health" | wc -c) | $(rps health) | $(cpu health) | 1.00 |
| Scout GET $SEARCH, cache hit | $BYTES | $(rps search) | $(cpu search) | $(ratio 2 1) of /health |
| Scout, same, Accept-Encoding: gzip | $GZ_BYTES | $(rps gzip) | $(cpu gzip) | $(ratio 3 1) of /health |
| nginx proxy_cache hit, same URL and bytes | $BYTES | $(rps nginx) | $(cpu nginx) | Scout is $(ratio 2 4)x nginx |
| nginx proxy_cache hit, Accept-Encoding: gzip (gzip per hit) | $NGINX_GZ_BYTES | $(rps nginx_gzip) | $(cpu nginx_gzip) | Scout is $(ratio 3 5)x nginx |

Per-round requests/s (health, search, search gzip, nginx, nginx gzip):
$(sed 's/^/    /' "$work/ratios")

Scout RSS after the runs: $(( $(awk '/VmRSS/ {print $2}' "/proc/$scout_pid/status") / 1024 )) MiB. nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'). Machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d).
TABLE
)
echo "$table"

if [ "$WRITE" = 1 ]; then
  write_section load "$table"
fi
