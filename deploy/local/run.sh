#!/usr/bin/env bash
# Installs what is needed, builds Scout (release preset) and runs it in the foreground with
# the development configuration, against a local scout-sim (the AliExpress API simulator).
# Redis: when redis-server is installed, the demo starts its own on a free loopback port (and
# stops it at the end); without it Scout runs memory-only.
# Ctrl-C stops everything this script started. Exits with Scout's status.
#
# Knobs (environment):
#   SCOUT_PORT       Scout's port            (default 8080)
#   SCOUT_SIM_PORT   scout-sim's port        (default 9090)
#   SCOUT_REDIS      auto | off              (default auto: start a redis-server if installed)
# Arguments are passed to scout (e.g. --set log.level=info).
set -euo pipefail
cd "$(dirname "$0")/../.."

SCOUT_PORT="${SCOUT_PORT:-8080}"
SIM_PORT="${SCOUT_SIM_PORT:-9090}"
REDIS_MODE="${SCOUT_REDIS:-auto}"
# These are the script's knobs, not Scout settings: keep them out of Scout's environment.
unset SCOUT_PORT SCOUT_SIM_PORT SCOUT_REDIS

bash deploy/local/install-deps.sh
if [ ! -x build/release/src/scout ]; then
  echo "run.sh: first build of Scout and scout-sim (release): this takes a few minutes"
fi
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target scout scout-sim

BIN=build/release
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# Key and secret match config/development.json.
"$BIN/src/sim/scout-sim" --listen "127.0.0.1:$SIM_PORT" \
  --app-key 100001 --app-secret dev-secret-not-for-production --latency-ms 40 --log-level warn &
pids+=($!)
echo "run.sh: scout-sim (pid ${pids[-1]}) on 127.0.0.1:$SIM_PORT"

redis_url=""
if [ "$REDIS_MODE" != off ] && command -v redis-server >/dev/null; then
  redis_port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --loglevel warning --logfile '' >/dev/null &
  pids+=($!)
  redis_url="redis://127.0.0.1:$redis_port/0"
  echo "run.sh: redis-server (pid ${pids[-1]}) on 127.0.0.1:$redis_port"
else
  echo "run.sh: no redis-server (or SCOUT_REDIS=off): Scout runs memory-only (L1 cache only)"
fi

echo "run.sh: scout on 127.0.0.1:$SCOUT_PORT (env development); try:"
echo "  curl -s '127.0.0.1:$SCOUT_PORT/search?q=usb+cable&page_size=3'"
"$BIN/src/scout" --env development --config-dir config \
  --set "server.listen=127.0.0.1:$SCOUT_PORT" \
  --set "upstream.gateway_url=http://127.0.0.1:$SIM_PORT/sync" \
  --set "redis.url=$redis_url" "$@" &
scout_pid=$!
# Ctrl-C / SIGTERM: forward to scout so it drains; its exit status becomes ours.
trap 'kill -TERM "$scout_pid" 2>/dev/null || true' INT TERM
status=0
wait "$scout_pid" || status=$?
# wait returns early (>128) when a trapped signal arrives: wait again for scout's own status.
while kill -0 "$scout_pid" 2>/dev/null; do
  wait "$scout_pid" || status=$?
done
if [ "$status" -ne 0 ]; then
  echo "run.sh: scout exited with status $status"
fi
exit "$status"
