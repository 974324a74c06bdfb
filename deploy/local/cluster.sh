#!/usr/bin/env bash
# Three Scout instances behind nginx, sharing one redis-server, against one scout-sim; all on
# 127.0.0.1, each on a free port below the ephemeral range.
#
#   deploy/local/cluster.sh              start, print the addresses, wait; Ctrl-C stops all
#   deploy/local/cluster.sh stop         stop a cluster started from another terminal
#   deploy/local/cluster.sh restart N    SIGTERM instance N (1-3), wait for it, start it again
#   deploy/local/cluster.sh status       print the addresses and which processes are alive
#   deploy/local/cluster.sh instances    one line per instance for scripts (deploy/rollout.py):
#                                        name pid url config-file admin-token-file
#
# nginx balances round robin, marks an instance failed for fail_timeout after max_fails
# errors (passive health checks), retries idempotent requests on the next instance on an
# error, a timeout, 502 or 503 (a draining instance answers 503), and keeps connections to
# the instances alive. The instances share cache.l2_secret (a value one wrote to Redis is
# trusted by the others) and search.cursor_secret (a cursor from one works on the others).
# Each instance has its own configuration folder, $CLUSTER_DIR/scout-N/ (its development.json
# is the file to edit before a SIGHUP; a restart keeps it), and all share one admin token,
# made at start in $CLUSTER_DIR/admin.token (mode 600) and given to Scout by environment.
#
# Knobs (environment): CLUSTER_DIR (state, logs; default /tmp/scout-cluster-$UID),
# CLUSTER_SCOUT_BIN and CLUSTER_SIM_BIN (use these binaries, skip the build),
# CLUSTER_SIM_LATENCY_MS (scout-sim's latency, default 40).
# Everything started is recorded by PID in $CLUSTER_DIR/pids and stopped by PID only.
set -euo pipefail
cd "$(dirname "$0")/../.."

DIR="${CLUSTER_DIR:-/tmp/scout-cluster-$(id -u)}"
PIDS="$DIR/pids"
INSTANCES=3
FAIL_TIMEOUT_S=5 # nginx's fail_timeout: how long a failed instance gets no request
APP_KEY=100001
APP_SECRET=cluster-sim-secret

say() { echo "cluster.sh: $*"; }
die() {
  echo "cluster.sh: $*" >&2
  exit 1
}

# Distinct ports that are free now, below the kernel's ephemeral range (the chaos stack's
# free_port: a port held for an instance that is not up yet, or is restarting, can then never
# be taken as the local port of some client's outgoing connection).
free_ports() {  # $1 = how many
  /usr/bin/python3 -c 'import sys; sys.path.insert(0, "bench/chaos"); from stack import free_port
print(*(free_port() for _ in range(int(sys.argv[1]))))' "$1"
}

# $1 = the process's name (as launched), $2 = seconds, rest = a command that succeeds once it
# is ready. Gives up at once, with the end of its log, if the process has exited.
wait_for() {
  local name=$1 seconds=$2
  shift 2
  for _ in $(seq 1 $((seconds * 10))); do
    "$@" >/dev/null 2>&1 && return 0
    if ! alive "$(pid_of "$name")"; then
      die "$name exited before it answered; the end of $DIR/$name.log:
$(tail -n 20 "$DIR/$name.log" 2>/dev/null)"
    fi
    sleep 0.1
  done
  die "$name did not come up in ${seconds}s; the end of $DIR/$name.log:
$(tail -n 20 "$DIR/$name.log" 2>/dev/null)"
}

pid_of() { cat "$PIDS/$1" 2>/dev/null || true; }
# Running, not a zombie (an exited child of this script stays one until it is reaped).
alive() {
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]
}

stop_one() {  # $1 = name; SIGTERM, up to 20 s, then SIGKILL
  local pid
  pid=$(pid_of "$1")
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 200); do alive "$pid" || break; sleep 0.1; done
    alive "$pid" && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$PIDS/$1"
}

stop_all() {
  [ -d "$PIDS" ] || return 0
  # The balancer first (no new requests), then the instances, then what they depend on.
  stop_one nginx
  for i in $(seq 1 $INSTANCES); do stop_one "scout-$i"; done
  stop_one sim
  stop_one redis
  rm -f "$PIDS/cluster.sh"
  say "stopped"
}

# ---- configuration ---------------------------------------------------------------------------

load_ports() {
  [ -f "$DIR/cluster.env" ] || die "no cluster in $DIR (start one with deploy/local/cluster.sh)"
  # shellcheck source=/dev/null
  source "$DIR/cluster.env"
}

write_ports() {
  {
    local ports
    read -r -a ports <<<"$(free_ports $((3 + INSTANCES)))"
    echo "LB_PORT=${ports[0]}"
    echo "SIM_PORT=${ports[1]}"
    echo "REDIS_PORT=${ports[2]}"
    for i in $(seq 1 $INSTANCES); do echo "INSTANCE_PORT_$i=${ports[$((2 + i))]}"; done
  } >"$DIR/cluster.env"
}

instance_port() {
  local var="INSTANCE_PORT_$1"
  echo "${!var}"
}

write_nginx_conf() {
  local servers=""
  for i in $(seq 1 $INSTANCES); do
    servers+="    server 127.0.0.1:$(instance_port "$i") max_fails=2 fail_timeout=${FAIL_TIMEOUT_S}s;"$'\n'
  done
  mkdir -p "$DIR/nginx"
  # Run as root, nginx's workers drop to "nobody": let them use the temp directory.
  chmod 755 "$DIR"
  chmod 777 "$DIR/nginx"
  cat >"$DIR/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $DIR/nginx;
  proxy_temp_path $DIR/nginx;
  fastcgi_temp_path $DIR/nginx;
  uwsgi_temp_path $DIR/nginx;
  scgi_temp_path $DIR/nginx;
  upstream scout {
    # Round robin (nginx's default). Passive health checks: after max_fails failed attempts
    # within fail_timeout an instance gets no request for fail_timeout.
$servers    keepalive 32;
  }
  server {
    listen 127.0.0.1:$LB_PORT;
    location / {
      proxy_pass http://scout;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      # Retry on the next instance: nginx never retries POST, LOCK or PATCH (non-idempotent)
      # unless told to, so only idempotent requests move on. A draining instance answers 503.
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries $INSTANCES;
      proxy_next_upstream_timeout 20s;
      proxy_connect_timeout 1s;
      proxy_read_timeout 30s;
    }
  }
}
NGINX
}

# ---- processes -------------------------------------------------------------------------------

launch() {  # $1 = name, rest = command; records the PID
  local name=$1
  shift
  "$@" >>"$DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name"
}

start_sim() {
  launch sim "$SIM_BIN" --listen "127.0.0.1:$SIM_PORT" --app-key "$APP_KEY" \
    --app-secret "$APP_SECRET" --latency-ms "${CLUSTER_SIM_LATENCY_MS:-40}" --log-level warn
  wait_for sim 60 curl -fs "http://127.0.0.1:$SIM_PORT/__sim/health"
}

start_redis() {
  launch redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" \
    --appendonly no --loglevel warning
  wait_for redis 10 redis-cli -p "$REDIS_PORT" ping
}

config_dir() { echo "$DIR/scout-$1"; }

write_admin_token() {
  (umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$DIR/admin.token")
}

start_instance() {  # $1 = 1..INSTANCES
  local port config
  port=$(instance_port "$1")
  config=$(config_dir "$1")
  mkdir -p "$config"
  # Written once: what was changed there (a feature flag's rollout) survives a restart.
  [ -f "$config/default.json" ] || echo '{}' >"$config/default.json"
  [ -f "$config/development.json" ] || echo '{}' >"$config/development.json"
  # The outbound quota is one bucket in Redis; should Redis fail, each instance paces at its
  # share (instances_hint), so the three together still keep to the quota. Redis commands get
  # 500 ms (50 by default): on a loaded machine a slow reply is not an outage, and each one
  # counted as an outage would switch the quota to the local shares for a second.
  # Shared secrets: every instance trusts the others' Redis values and cursors. The token goes
  # by environment (exported to the command for this call only), never on a command line.
  SCOUT_ADMIN_TOKEN="$(cat "$DIR/admin.token")" launch "scout-$1" \
    "$SCOUT_BIN" --env development --config-dir "$config" \
    --set "server.listen=127.0.0.1:$port" \
    --set "upstream.gateway_url=http://127.0.0.1:$SIM_PORT/sync" \
    --set "upstream.app_key=$APP_KEY" --set "upstream.app_secret=$APP_SECRET" \
    --set upstream.tracking_id=cluster \
    --set "redis.url=redis://127.0.0.1:$REDIS_PORT/0" \
    --set "upstream.quota.instances_hint=$INSTANCES" --set redis.command_timeout_ms=500 \
    --set cache.l2_secret=cluster-l2-secret --set search.cursor_secret=cluster-cursor-secret \
    --set log.level=warn --set log.format=json
  wait_for "scout-$1" 120 curl -fs "http://127.0.0.1:$port/health"
}

start_nginx() {
  write_nginx_conf
  launch nginx nginx -p "$DIR/nginx" -e "$DIR/nginx/error.log" -c "$DIR/nginx/nginx.conf"
  wait_for nginx 10 curl -fs "http://127.0.0.1:$LB_PORT/health"
}

build() {
  if [ -n "${CLUSTER_SCOUT_BIN:-}" ] && [ -n "${CLUSTER_SIM_BIN:-}" ]; then
    SCOUT_BIN=$CLUSTER_SCOUT_BIN
    SIM_BIN=$CLUSTER_SIM_BIN
    return
  fi
  bash deploy/local/install-deps.sh
  say "building (the first build takes a few minutes)"
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$(nproc)" --target scout scout-sim
  SCOUT_BIN=build/release/src/scout
  SIM_BIN=build/release/src/sim/scout-sim
}

print_addresses() {
  echo "  load balancer  http://127.0.0.1:$LB_PORT   (try: curl -s '127.0.0.1:$LB_PORT/search?q=usb')"
  for i in $(seq 1 $INSTANCES); do
    echo "  scout-$i        http://127.0.0.1:$(instance_port "$i")   pid $(pid_of "scout-$i")"
  done
  echo "  redis          127.0.0.1:$REDIS_PORT   pid $(pid_of redis)"
  echo "  scout-sim      http://127.0.0.1:$SIM_PORT   pid $(pid_of sim)"
  echo "  nginx          pid $(pid_of nginx); logs and state in $DIR"
}

up() {
  build
  SCOUT_BIN=$(realpath "$SCOUT_BIN")
  SIM_BIN=$(realpath "$SIM_BIN")
  mkdir -p "$PIDS"
  for f in "$PIDS"/*; do
    [ -e "$f" ] && alive "$(cat "$f")" && die "a cluster is already running in $DIR (cluster.sh stop)"
  done
  write_ports
  write_admin_token
  {
    echo "SCOUT_BIN=$SCOUT_BIN"
    echo "SIM_BIN=$SIM_BIN"
  } >"$DIR/binaries.env"
  load_ports
  # A new cluster starts from empty configuration files (a restart keeps them).
  for i in $(seq 1 $INSTANCES); do rm -f "$(config_dir "$i")"/*.json; done
  trap 'exit 0' INT TERM # the EXIT trap stops what was started
  trap stop_all EXIT
  start_sim
  start_redis
  for i in $(seq 1 $INSTANCES); do start_instance "$i"; done
  start_nginx
  echo $$ >"$PIDS/cluster.sh"
  say "up"
  print_addresses
  say "Ctrl-C or 'deploy/local/cluster.sh stop' stops everything"
  # Wait until stopped; a process dying on its own is left to the operator (status, restart).
  while true; do sleep 1; done
}

case "${1:-up}" in
  up | start) up ;;
  stop)
    pid=$(pid_of cluster.sh)
    if alive "$pid"; then
      kill -TERM "$pid"  # its trap stops everything it started
      for _ in $(seq 1 300); do alive "$pid" || exit 0; sleep 0.1; done
    fi
    stop_all
    ;;
  restart)
    n=${2:-}
    if ! [[ "$n" =~ ^[1-9][0-9]*$ ]] || [ "$n" -gt $INSTANCES ]; then
      die "restart takes 1..$INSTANCES"
    fi
    load_ports
    # shellcheck source=/dev/null
    source "$DIR/binaries.env"
    stop_one "scout-$n"
    start_instance "$n"
    # nginx marked the instance failed while it was down and sends it nothing for
    # fail_timeout: restarting the next one sooner would leave fewer instances than planned
    # (with three, none at all for a moment).
    sleep $((FAIL_TIMEOUT_S + 1))
    say "scout-$n restarted (pid $(pid_of "scout-$n")) and back in nginx's rotation"
    ;;
  status)
    load_ports
    print_addresses
    for f in "$PIDS"/*; do
      [ -e "$f" ] || continue
      if alive "$(cat "$f")"; then echo "  $(basename "$f"): running"; else echo "  $(basename "$f"): stopped"; fi
    done
    ;;
  instances)
    load_ports
    for i in $(seq 1 $INSTANCES); do
      echo "scout-$i $(pid_of "scout-$i") http://127.0.0.1:$(instance_port "$i")" \
        "$(config_dir "$i")/development.json $DIR/admin.token"
    done
    ;;
  *) die "usage: cluster.sh [up|stop|restart N|status|instances]" ;;
esac
