#!/usr/bin/env bash
# Installs every Debian 12 package Scout needs to build, test, run and benchmark.
# Idempotent: packages already present are skipped by apt. Run as root (or with sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang-format clang-tidy clang libclang-rt-14-dev
  libboost1.81-dev libboost-url1.81-dev
  libcurl4-openssl-dev libssl-dev zlib1g-dev
  libhiredis-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  redis-server redis-sentinel wrk curl procps python3 util-linux
  nginx varnish
  prometheus python3-prometheus-client
  chromium fonts-dejavu-core
  python3-yaml python3-jsonschema nodejs npm systemd
)

missing=()
for p in "${packages[@]}"; do
  # A Node.js from another source (NodeSource's nodejs bundles npm and conflicts with
  # Debian's npm package): the commands are what the Redocly lint needs.
  if { [ "$p" = nodejs ] || [ "$p" = npm ]; } && command -v "${p/nodejs/node}" >/dev/null; then
    continue
  fi
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update
# Package scripts must not start system services (nginx on :80, redis on :6379): the
# benchmarks and tests start their own on free loopback ports. policy-rc.d exit 101 = "denied".
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  made_policy=1
fi
trap 'if [ "$made_policy" = 1 ]; then $SUDO rm -f "$policy"; fi' EXIT
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
