#!/usr/bin/env bash
# systemd-analyze verify on deploy/systemd/scout.service: systemd_verify.sh UNIT SCOUT_BIN.
# verify checks that ExecStart's binary exists, so a copy of the unit points at the built
# binary instead of /usr/bin/scout; the man page is not installed here (--man=no). Any
# message from verify (a misspelt directive, a bad value) fails the test.
set -euo pipefail
unit="$1"
bin="$2"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
sed "s|/usr/bin/scout|$bin|g" "$unit" >"$dir/scout.service"
grep -q "$bin" "$dir/scout.service"
out="$(systemd-analyze verify --man=no "$dir/scout.service" 2>&1)" || {
  echo "$out"
  exit 1
}
if [ -n "$out" ]; then
  echo "$out"
  exit 1
fi
# The hardening the unit promises (a later edit must not drop one silently).
for directive in DynamicUser=yes ProtectSystem=strict NoNewPrivileges=yes 'CapabilityBoundingSet=$' \
  MemoryMax= Restart=on-failure 'ExecReload=/bin/kill -HUP' EnvironmentFile=/etc/scout/; do
  grep -q "^$directive" "$unit" || { echo "missing: $directive"; exit 1; }
done
echo "systemd_verify: $unit OK"
