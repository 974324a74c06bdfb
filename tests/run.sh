#!/usr/bin/env bash
# Installs what is needed, builds Scout with AddressSanitizer + UndefinedBehaviorSanitizer
# (warnings as errors) and runs every test through ctest: unit tests, process-level
# integration tests (real scout, scout-sim and redis-server on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/local/install-deps.sh

echo "== clang-format check"
bash tests/check-format.sh

echo "== build (preset asan)"
cmake --preset asan
cmake --build --preset asan -j "$(nproc)"

echo "== tests"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --preset asan -j 2 --timeout 300
