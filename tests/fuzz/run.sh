#!/usr/bin/env bash
# Builds the libFuzzer targets (preset fuzz: clang, ASan + UBSan) and runs each for SECONDS
# (default 60) on its checked-in corpus; new inputs go to build/fuzz/corpus/<name>, crashes to
# build/fuzz/crashes/<name>. Exit status 1 if any target found a crash. See docs/testing.md.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(query_string cursor upstream_products cached_response config)
fi

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
failed=()
for name in "${targets[@]}"; do
  work=build/fuzz/corpus/$name
  crashes=build/fuzz/crashes/$name
  mkdir -p "$work" "$crashes"
  echo "== fuzz_$name for ${seconds}s"
  # The first directory receives new inputs; the checked-in seeds are read only.
  if ! build/fuzz/tests/fuzz/fuzz_"$name" "$work" "tests/fuzz/corpus/$name" \
      -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
      -artifact_prefix="$crashes/" -print_final_stats=1 2>&1 | tail -n 25; then
    failed+=("$name")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "crashes in: ${failed[*]} (inputs under build/fuzz/crashes/)"
  exit 1
fi
echo "no crash in: ${targets[*]}"
