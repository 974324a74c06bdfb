#!/usr/bin/env bash
# Lints docs/openapi.yaml with Redocly CLI, pinned, installed by npm into a project-local
# directory on first use (no global install): redocly_lint.sh SPEC TOOLS_DIR
set -euo pipefail
spec="$1"
tools="$2"
version="1.34.20"  # @redocly/cli: the 1.x line runs on Debian 12's Node.js 18; bump deliberately
bin="$tools/node_modules/.bin/redocly"
if [ ! -x "$bin" ] || ! grep -q "\"version\": \"$version\"" "$tools/node_modules/@redocly/cli/package.json" 2>/dev/null; then
  mkdir -p "$tools"
  echo "redocly_lint: installing @redocly/cli@$version into $tools (once)"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "@redocly/cli@$version" >/dev/null
fi
config="$(dirname "$0")/redocly.yaml"
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  "$bin" lint --config "$config" --format stylish "$spec"
