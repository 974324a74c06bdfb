#!/usr/bin/env bash
# cmake --install into a temporary prefix, then start the installed scout from another
# directory without --config-dir: it must find <prefix>/etc/scout, say so in its log, serve
# /health and /openapi.json; the man page and config files must be in place.
# install_test.sh BUILD_DIR
set -euo pipefail
build="$1"
prefix="$(mktemp -d)"
work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$prefix" "$work"
}
trap cleanup EXIT
fail() { echo "install_test: $*"; [ -f "$work/scout.log" ] && tail -20 "$work/scout.log"; exit 1; }

cmake --install "$build" --prefix "$prefix" --component runtime >"$work/install.log" || { cat "$work/install.log"; exit 1; }
for f in bin/scout etc/scout/default.json etc/scout/production.json share/man/man1/scout.1 \
  share/doc/scout/openapi.yaml share/doc/scout/systemd/scout.service; do
  [ -e "$prefix/$f" ] || fail "missing $prefix/$f"
done
grep -q '^\.TH SCOUT 1' "$prefix/share/man/man1/scout.1" || fail "man page has no .TH"
grep -q -- '--config-dir' "$prefix/share/man/man1/scout.1" || fail "man page lacks the options"

port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cd "$work"  # not the source tree: ./config does not exist here
# Only this test's settings: an inherited SCOUT_* variable must not change what is checked.
env -i PATH=/usr/bin:/bin ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
  "$prefix/bin/scout" --set "server.listen=127.0.0.1:$port" --set redis.url= >"$work/scout.log" 2>&1 &
pid=$!
for _ in $(seq 300); do
  curl -fsS -m 2 "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || fail "scout exited"
  sleep 0.1
done
curl -fsS -m 5 "http://127.0.0.1:$port/health" | grep -q '"status":"ok"' || fail "/health"
curl -fsS -m 5 "http://127.0.0.1:$port/openapi.json" | grep -q '"openapi":"3.1.0"' || fail "/openapi.json"
grep "configuration loaded" "$work/scout.log" | grep -q "$prefix/etc/scout/default.json" ||
  fail "the log does not name $prefix/etc/scout/default.json"
grep "configuration loaded" "$work/scout.log" | grep -q "$prefix/etc/scout/development.json" ||
  fail "the log does not name the development overlay"
echo "install_test: OK ($prefix)"
