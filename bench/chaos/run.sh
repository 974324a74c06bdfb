#!/usr/bin/env bash
# The chaos suite: seven scenarios, each a fresh scout-sim + redis-server + Scout on 127.0.0.1
# under a fixed-rate open-loop load (80 % repeated searches, 20 % new ones) with one fault in
# the middle: Redis killed, Redis frozen, 30 % upstream 503s, upstream down, upstream hanging,
# upstream slow, SIGTERM (drain). Prints one row per scenario with its goal met or not.
#   bench/chaos/run.sh [--write]      --write records the table in docs/reliability.md
# Environment: CHAOS_RATE (requests/s, default 100), CHAOS_DURATION (s per scenario, default
# 60, at least 20), CHAOS_SCENARIOS (comma list, e.g. redis_kill,drain), CHAOS_BUILD (an
# existing build dir instead of building the release preset), CHAOS_KEEP=1 (keep the logs),
# CHAOS_RESULTS=DIR (one CSV of every answer per scenario).
# Bounded: every scenario stops its processes by PID; the whole run is under `timeout`.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/chaos/lib.sh
source bench/chaos/lib.sh
chaos_binaries
duration="${CHAOS_DURATION:-60}"
exec timeout --kill-after=10 "$(( (${duration%.*} + 90) * 7 ))" \
  /usr/bin/python3 bench/chaos/chaos.py --scout-bin "$CHAOS_SCOUT_BIN" \
  --sim-bin "$CHAOS_SIM_BIN" --build-name "$BUILD_NAME" "$@"
