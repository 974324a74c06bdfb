#!/usr/bin/env bash
# Installs what is needed, builds Scout (release preset) and runs it in the foreground on
# 127.0.0.1:8080 with the development configuration, against a local scout-sim (the
# AliExpress API simulator) on 127.0.0.1:9090. Redis is optional: when a redis-server is
# listening on 127.0.0.1:6379 Scout uses it, otherwise it runs memory-only.
# Ctrl-C stops both processes.
set -euo pipefail
cd "$(dirname "$0")/../.."

bash deploy/local/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target scout scout-sim

BIN=build/release
SIM_PORT="${SCOUT_SIM_PORT:-9090}"
sim_pid=""
cleanup() {
  if [ -n "$sim_pid" ] && kill -0 "$sim_pid" 2>/dev/null; then
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT INT TERM

if [ -x "$BIN/src/sim/scout-sim" ]; then
  # Key and secret match config/development.json.
  "$BIN/src/sim/scout-sim" --listen "127.0.0.1:$SIM_PORT" \
    --app-key 100001 --app-secret dev-secret-not-for-production --latency-ms 40 &
  sim_pid=$!
  echo "run.sh: scout-sim (pid $sim_pid) on 127.0.0.1:$SIM_PORT"
fi

echo "run.sh: scout on 127.0.0.1:8080 (env development); try: curl -s 127.0.0.1:8080/health"
"$BIN/src/scout" --env development --config-dir config "$@" &
scout_pid=$!
# Forward Ctrl-C / SIGTERM to scout so it drains and exits cleanly.
trap 'kill -TERM "$scout_pid" 2>/dev/null || true' INT TERM
wait "$scout_pid" || true
wait "$scout_pid" 2>/dev/null || true
