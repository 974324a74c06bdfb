#!/usr/bin/env bash
# The soak: Scout with Redis and scout-sim on 127.0.0.1 under a mixed open-loop load (hits,
# misses, bad requests, admin reads with the admin token) and a SIGHUP reload every minute,
# for MINUTES; RSS, open fds, L1 bytes and latency sampled every 10 s, plotted as SVG.
#   bench/chaos/soak.sh MINUTES [--check] [--write] [--out DIR]
# --check: exit 1 unless every answer was as expected and RSS / fds stayed flat after the
# first third (ctest runs `soak.sh 2 --check`); --write: docs/soak.svg and the summary in
# docs/reliability.md. SOAK_RATE sets requests/s (default 40). Binaries: see lib.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ $# -lt 1 ]; then
  echo "usage: bench/chaos/soak.sh MINUTES [--check] [--write] [--out DIR]" >&2
  exit 64
fi
# shellcheck source=bench/chaos/lib.sh
source bench/chaos/lib.sh
chaos_binaries
minutes="$1"
shift
exec timeout --kill-after=10 "$(( ${minutes%.*} * 60 + 180 ))" \
  /usr/bin/python3 bench/chaos/soak.py "$minutes" --scout-bin "$CHAOS_SCOUT_BIN" \
  --sim-bin "$CHAOS_SIM_BIN" --build-name "$BUILD_NAME" "$@"
