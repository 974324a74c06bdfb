#!/usr/bin/env bash
# promtool on deploy/prometheus: the rules parse (check rules), each alert fires past its
# threshold and not before (test rules), the scrape config is valid (check config, with a
# stand-in token file); the Grafana dashboard is valid JSON whose queries name only metrics
# the rules also use or Scout's HTTP families. prometheus_check.sh DEPLOY_DIR
set -euo pipefail
deploy="$1"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
promtool check rules "$deploy/prometheus/scout-rules.yml"
(cd "$deploy/prometheus" && promtool test rules scout-rules.test.yml)
echo token >"$dir/token"
sed "s|/etc/prometheus/scout-admin-token|$dir/token|; s|scout-rules.yml|$deploy/prometheus/scout-rules.yml|" \
  "$deploy/prometheus/prometheus.yml" >"$dir/prometheus.yml"
promtool check config "$dir/prometheus.yml"
/usr/bin/python3 - "$deploy" <<'PY'
import json, re, sys
deploy = sys.argv[1]
dashboard = json.load(open(f"{deploy}/grafana/scout.json"))
rules = open(f"{deploy}/prometheus/scout-rules.yml").read()
known = set(re.findall(r"\bscout_[a-z_]+", rules)) | {
    "scout_http_requests_in_flight", "scout_http_connections_open", "scout_uptime_seconds",
    "scout_upstream_calls_total", "scout_upstream_call_duration_seconds_bucket",
    "scout_upstream_quota_rejected_total", "scout_rate_limit_limited_total"}
exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
assert exprs, "the dashboard has no queries"
unknown = {m for e in exprs for m in re.findall(r"\bscout_[a-z_]+", e)} - known
assert not unknown, f"dashboard queries unknown metrics: {sorted(unknown)}"
print(f"grafana: {len(exprs)} queries OK")
PY
