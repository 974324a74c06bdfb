# Helpers shared by the load scripts (sourced, not run).

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# The median of the numbers on stdin, one per line.
median() {
  sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'
}

# Replaces what stands between <!-- $1:begin --> and <!-- $1:end --> in docs/performance.md
# with $2.
write_section() {
  /usr/bin/python3 -c 'import sys; sys.path.insert(0, "bench/chaos")
from chaos import write_section
write_section("docs/performance.md", sys.argv[1], sys.argv[2])' "$1" "$2"
}

# Waits up to 20 s for $1 (a URL) to answer.
wait_http() {
  for _ in $(seq 1 200); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "no answer from $1" >&2
  return 1
}

# --- Processes (callers set BIN and work, and declare `pids=()` and `declare -A port pid`) ---

# Installs the dependencies, builds scout and scout-sim (release preset) and sets BIN, work (a
# temporary directory) and pids; at exit every process in pids is stopped and work removed.
prepare_run() {
  bash deploy/local/install-deps.sh >/dev/null
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$(nproc)" --target scout scout-sim >/dev/null
  BIN=build/release
  work=$(mktemp -d)
  pids=()
  trap stop_run EXIT
}

stop_run() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}

# Starts scout-sim from $BIN on a free loopback port; sets SIM_PORT.
start_sim() {
  "$BIN/src/sim/scout-sim" --listen 127.0.0.1:0 --app-key 100001 --app-secret bench-secret \
    > "$work/sim.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do grep -q "listening" "$work/sim.out" && break; sleep 0.1; done
  SIM_PORT=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/sim.out")
  [ -n "$SIM_PORT" ] || { echo "scout-sim did not start:" >&2; cat "$work/sim.out" >&2; exit 1; }
}

# The shipped configuration's rate limiter (config/production.json turns it on) at limits the
# benchmark never reaches, and everything per-request switched off.
SHIPPED_LIMITS=(--set rate_limit.enabled=true --set rate_limit.per_client.rate_per_s=1000000
                --set rate_limit.per_client.burst=1000000 --set rate_limit.per_client.per_minute=0)
NO_PROTECT=(--set rate_limit.enabled=false --set compression.enabled=false)
ALL_OFF=("${NO_PROTECT[@]}" --set log.access.enabled=false --no-metrics)

# start_scout NAME [ARGS...]: one Scout from $BIN (defaults otherwise: access log on, JSON, its
# stdout to $work/NAME.out), one worker pinned to core 0, talking to scout-sim without Redis.
# Sets port[NAME] and pid[NAME].
start_scout() {
  local name=$1
  shift
  mkdir -p "$work/config"
  [ -e "$work/config/default.json" ] || echo '{}' > "$work/config/default.json"
  [ -e "$work/config/development.json" ] || echo '{}' > "$work/config/development.json"
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

# --- Measuring ---

# utime + stime of a process (all its threads), in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# A wrk --latency percentile line ("50%", "99%") of $work/wrk.txt, in ms.
wrk_percentile_ms() {
  awk -v p="$1" '$1 == p { v = $2
    if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) }
    else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }
    printf "%.3f", v }' "$work/wrk.txt"
}

# measure URL PID [WRK_ARGS...]: wrk -t1 -c$CONNECTIONS -d$DURATION on core 1; PID is the
# process whose CPU is counted. Prints "requests/s cpu_us_per_request p50_ms p99_ms requests";
# exits on any non-2xx answer or socket error.
measure() {
  local url=$1 target=$2 before after
  shift 2
  before=$(cpu_ticks "$target")
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" > "$work/wrk.txt"
  after=$(cpu_ticks "$target")
  if grep -q "Non-2xx\|Socket errors" "$work/wrk.txt"; then
    echo "wrk reported errors for $url:" >&2; cat "$work/wrk.txt" >&2; exit 1
  fi
  awk -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" \
      -v p50="$(wrk_percentile_ms 50%)" -v p99="$(wrk_percentile_ms 99%)" '
    /Requests\/sec/ {rps = $2} /requests in/ {n = $1}
    END {printf "%s %.2f %s %s %d\n", rps, t / hz * 1e6 / n, p50, p99, n}' "$work/wrk.txt"
}

# RSS of a process, in MiB.
rss_mib() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
