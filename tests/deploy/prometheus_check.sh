#!/usr/bin/env bash
# promtool on deploy/prometheus: the rules parse (check rules), each alert fires past its
# threshold and not before (test rules), the scrape config is valid (check config, with a
# stand-in token file); the Grafana dashboard is valid JSON whose queries name only metrics
# the rules also use or Scout's HTTP families; and every metric the rules and the dashboard
# name is one a running Scout exports (its /metrics, with Redis configured but down and a
# daily quota set, so that those families exist). prometheus_check.sh DEPLOY_DIR SCOUT_BIN
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

# Every metric named in the rules and the dashboard exists in a real Scout's /metrics (an alert
# on a metric nobody exports can never fire). Loopback only, bounded.
/usr/bin/python3 - "$deploy" "$2" "$dir" <<'PYCHECK'
import json, re, socket, subprocess, sys, time, urllib.request
deploy, scout, work = sys.argv[1:4]
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
for name in ("default.json", "development.json"):
    open(f"{work}/{name}", "w").write("{}")
proc = subprocess.Popen([scout, "--config-dir", work, "--set", f"server.listen=127.0.0.1:{port}",
                         "--set", "admin.token=check-token", "--set", "redis.url=redis://127.0.0.1:1",
                         "--set", "upstream.quota.daily=1000"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    text = None
    for _ in range(150):
        try:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/metrics",
                                         headers={"Authorization": "Bearer check-token"})
            text = urllib.request.urlopen(req, timeout=2).read().decode()
            break
        except OSError:
            time.sleep(0.2)
    assert text, "Scout did not answer /metrics"
finally:
    proc.terminate()
    proc.wait(15)
exported = set(re.findall(r"^# TYPE (\S+)", text, re.M))
exported |= {n + s for n in exported for s in ("_bucket", "_sum", "_count")}
named = set(re.findall(r"\bscout_[a-z_]+", open(f"{deploy}/prometheus/scout-rules.yml").read()))
dashboard = json.load(open(f"{deploy}/grafana/scout.json"))
named |= {m for p in dashboard["panels"] for t in p.get("targets", [])
          for m in re.findall(r"\bscout_[a-z_]+", t["expr"])}
missing = sorted(named - exported)
assert not missing, f"rules or dashboard name metrics Scout does not export: {missing}"
print(f"metrics: all {len(named)} names in the rules and the dashboard are exported")
PYCHECK
