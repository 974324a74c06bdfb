#!/usr/bin/env bash
# Installs what is needed, builds Scout with AddressSanitizer + UndefinedBehaviorSanitizer
# (warnings as errors) and runs every test through ctest: unit tests, process-level
# integration tests (real scout, scout-sim and redis-server on 127.0.0.1), the fuzz corpus
# replay and the hostile-input corpus. Then the concurrency tests under ThreadSanitizer: their
# few targets build (niced) while the ASan tests run, which mostly wait on processes.
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/local/install-deps.sh

echo "== clang-format check"
bash tests/check-format.sh

echo "== build (preset asan)"
cmake --preset asan
cmake --build --preset asan -j "$(nproc)"

# The ThreadSanitizer set (label concurrency): cache shards, single-flight and the tiered
# cache, the metrics registry, the Redis client's reconnects, the HTTP server's shutdown.
tsan_targets=(scout_cache_tests scout_monitoring_tests scout_redis_client_tests scout_http_tests)
echo "== build (preset tsan, in the background): ${tsan_targets[*]}"
tsan_log=build/tsan-build.log
mkdir -p build
( cmake --preset tsan >"$tsan_log" 2>&1 &&
  nice -n 10 cmake --build --preset tsan -j "$(nproc)" --target "${tsan_targets[@]}" >>"$tsan_log" 2>&1 ) &
tsan_build=$!

echo "== tests (asan)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
asan_status=0
ctest --preset asan -j 2 --timeout 300 || asan_status=$?

echo "== tests (tsan)"
if ! wait "$tsan_build"; then
  tail -50 "$tsan_log"
  echo "tsan build failed"
  exit 1
fi
ctest --preset tsan -j 2 --timeout 300
exit "$asan_status"
