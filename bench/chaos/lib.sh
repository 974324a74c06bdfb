# shellcheck shell=bash disable=SC2034  # sets CHAOS_SCOUT_BIN, CHAOS_SIM_BIN, BUILD_NAME for the caller
# Shared by run.sh and soak.sh (sourced, not run): the scout and scout-sim binaries to use.
# CHAOS_SCOUT_BIN and CHAOS_SIM_BIN name existing binaries (ctest passes its build's);
# CHAOS_BUILD names an existing build directory (build/asan); otherwise the release preset is
# built (ccache makes a rebuild cheap).
chaos_binaries() {
  if [ -n "${CHAOS_SCOUT_BIN:-}" ] && [ -n "${CHAOS_SIM_BIN:-}" ]; then
    BUILD_NAME="${CHAOS_BUILD_NAME:-$(basename "$(dirname "$(dirname "$CHAOS_SCOUT_BIN")")")}"
    return
  fi
  local dir="${CHAOS_BUILD:-}"
  if [ -z "$dir" ]; then
    bash deploy/local/install-deps.sh >/dev/null
    cmake --preset release >/dev/null
    cmake --build --preset release -j "$(nproc)" --target scout scout-sim >/dev/null
    dir=build/release
  fi
  CHAOS_SCOUT_BIN="$dir/src/scout"
  CHAOS_SIM_BIN="$dir/src/sim/scout-sim"
  BUILD_NAME="$(basename "$dir")"
}
