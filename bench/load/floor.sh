#!/usr/bin/env bash
# The kernel floor of the "cache-hit /search vs /health" ratio on this machine: a bare epoll
# responder (bench/load/floor_server.cpp, no parsing, no routing, no work) answers with a
# 47-byte body (like /health), a 15,702-byte body copied by sendmsg (like a /search hit), and
# the same body sent zero-copy from a memfd with sendfile. Same setup as bench/load/run.sh:
# server on core 0, wrk -t1 -c64 on core 1, 127.0.0.1 only, ROUNDS interleaved rounds, medians.
# Prints a Markdown table; --write records it in docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/load/lib.sh
source bench/load/lib.sh

DURATION="${DURATION:-5s}"
ROUNDS="${ROUNDS:-5}"
WRITE=0
[ "${1:-}" = "--write" ] && WRITE=1

bash deploy/local/install-deps.sh >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release --target floor_server >/dev/null
SERVER=build/release/bench/load/floor_server

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT


# $1 = copy|sendfile, $2 = body bytes; prints "requests/s cpu_us_per_request".
measure() {
  local port before after
  port=$(free_port)
  taskset -c 0 "$SERVER" "$port" "$1" "$2" > "$work/server.out" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 50); do grep -q listening "$work/server.out" && break; sleep 0.1; done
  if ! grep -q listening "$work/server.out"; then
    echo "floor_server did not start:" >&2
    cat "$work/server.out" >&2
    exit 1
  fi
  before=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
  taskset -c 1 wrk -t1 -c64 -d"$DURATION" "http://127.0.0.1:$port/" > "$work/wrk.txt"
  after=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  if grep -q "Non-2xx\|Socket errors" "$work/wrk.txt"; then
    cat "$work/wrk.txt" >&2
    exit 1
  fi
  awk -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" '
    /Requests\/sec/ {rps = $2} /requests in/ {n = $1}
    END {printf "%s %.1f\n", rps, t / hz * 1e6 / n}' "$work/wrk.txt"
}

mkdir -p "$work/results"
for round in $(seq 1 "$ROUNDS"); do
  measure copy 47 >> "$work/results/small"
  measure copy 15702 >> "$work/results/copy"
  measure sendfile 15702 >> "$work/results/sendfile"
  echo "round $round: $(tail -qn1 "$work/results/small" "$work/results/copy" "$work/results/sendfile" | cut -d' ' -f1 | paste -sd' ')" >&2
done

col() { cut -d' ' -f"$2" < "$work/results/$1" | median; }
ratio() { paste -d' ' "$work/results/$1" "$work/results/small" | awk '{printf "%.4f\n", $1 / $3}' | median | awk '{printf "%.2f", $1}'; }

table=$(cat <<TABLE
| bare epoll responder (wrk -t1 -c64 -d$DURATION, server on core 0) | requests/s (median of $ROUNDS) | server CPU µs/request | ratio to 47 B |
|---|---|---|---|
| 47-byte body (like /health) | $(col small 1) | $(col small 2) | 1.00 |
| 15,702-byte body, sendmsg (copy) | $(col copy 1) | $(col copy 2) | $(ratio copy) |
| 15,702-byte body, send + sendfile from a memfd (zero-copy) | $(col sendfile 1) | $(col sendfile 2) | $(ratio sendfile) |

Machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d).
TABLE
)
echo "$table"

if [ "$WRITE" = 1 ]; then
  write_section floor "$table"
fi
