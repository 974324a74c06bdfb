"""Process-level test of deploy/rollout.py on deploy/local/cluster.sh's cluster (three real
Scout instances behind nginx, one redis-server, one scout-sim, on 127.0.0.1).

  1. retry_logic from 0 % through 10 -> 50 -> 100 % under a steady load of cache hits: the
     script exits 0, every instance's file says 100 and every instance then serves the "on"
     arm (scout_feature_requests_total{flag="retry_logic",arm="on"} rises, "off" does not);
  2. data_validation from 0 % with scout-sim failing every call (its fault API) under a load of
     new searches: the 5xx ratio breaches at the first stage, the script exits 1, every file
     is back byte for byte and every instance serves the "off" arm again;
  3. an inventory naming an instance that does not answer: exit 2, no file touched.
Outcomes are asserted, never latencies. Standard library only: /usr/bin/python3.
Environment: CLUSTER_SCOUT_BIN, CLUSTER_SIM_BIN (the binaries to run).
"""

import asyncio
import json
import os
import subprocess
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from cluster_test import ROOT, in_background, metric, run_checks, warm_hot_words  # noqa: E402
from stack import fetch, free_port, hot_path, open_loop, search_path  # noqa: E402

ROLLOUT = os.path.join(ROOT, "deploy", "rollout.py")
RATE = 10  # requests/s through nginx during a rollout


def rollout(cluster, flag, *args):
    """Runs the script to its end (bounded); returns (exit code, output)."""
    done = subprocess.run(
        ["/usr/bin/python3", ROLLOUT, "--flag", flag, "--check-every-s", "1",
         "--min-requests", "5", *args],
        env=cluster.env, capture_output=True, text=True, timeout=120)
    print(done.stdout + done.stderr, end="")
    return done.returncode, done.stdout


def config_files(cluster):
    return [os.path.join(cluster.dir, f"scout-{i}", "development.json") for i in (1, 2, 3)]


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def arms(cluster, i, flag):
    text = cluster.metrics(i)
    return {arm: metric(text, f'scout_feature_requests_total{{flag="{flag}",arm="{arm}"}}')
            for arm in ("on", "off")}


def served_arm(cluster, flag):
    """The arm each instance serves now: three searches sent straight to it."""
    served = {}
    for i in (1, 2, 3):
        before = arms(cluster, i, flag)
        for n in range(3):
            asyncio.run(fetch(cluster.instance(i), hot_path(n), {}, 30))
        after = arms(cluster, i, flag)
        grew = [arm for arm in ("on", "off") if after[arm] > before[arm]]
        served[i] = grew[0] if len(grew) == 1 else f"{before} -> {after}"
    return served


def sim_faults(cluster, method, body=None):
    url = f"http://127.0.0.1:{cluster.ports['SIM_PORT']}/__sim/faults"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as r:
        assert r.status == 200


def under_load(cluster, pick, work):
    """Runs work() while RATE requests/s of pick(i) go through nginx; returns work()'s value."""
    outcome = []
    thread, errors = in_background(lambda: outcome.append(work()))
    asyncio.run(open_loop(cluster.lb, RATE, 120, pick, timeout_s=30,
                          done=lambda _: not thread.is_alive()))
    thread.join()
    assert not errors, f"rollout failed to run: {errors}"
    return outcome[0]


def check_rollout_to_100(cluster):
    code, _ = rollout(cluster, "retry_logic", "--stages", "0", "--soak-s", "0")
    assert code == 0, "setting retry_logic to 0 % failed"
    assert set(served_arm(cluster, "retry_logic").values()) == {"off"}

    def hits(i):
        return "search", hot_path(i), {}
    code, out = under_load(cluster, hits, lambda: rollout(
        cluster, "retry_logic", "--stages", "10,50,100", "--soak-s", "2"))
    assert code == 0, f"the rollout did not finish: exit {code}"
    assert "done: features.retry_logic.rollout_percent=100" in out
    for path in config_files(cluster):
        with open(path) as f:
            assert json.load(f)["features"]["retry_logic"]["rollout_percent"] == 100, path
    served = served_arm(cluster, "retry_logic")
    assert served == {1: "on", 2: "on", 3: "on"}, f"arms after the rollout: {served}"
    print("rollout to 100 %: every instance serves the new arm")


def check_breach_rolls_back(cluster):
    code, _ = rollout(cluster, "data_validation", "--stages", "0", "--soak-s", "0")
    assert code == 0, "setting data_validation to 0 % failed"
    before = [read_bytes(path) for path in config_files(cluster)]
    sim_faults(cluster, "POST", {"kind": "http_503"})  # every upstream call fails

    def new_searches(i):
        return "new", search_path(f"rollback probe {i}"), {}
    try:
        code, out = under_load(cluster, new_searches, lambda: rollout(
            cluster, "data_validation", "--stages", "10,50,100", "--soak-s", "4"))
    finally:
        sim_faults(cluster, "DELETE")
    assert code == 1, f"exit {code} after a breach, expected 1"
    assert "BREACH" in out and "error ratio" in out, out
    assert "rolled back" in out, out
    after = [read_bytes(path) for path in config_files(cluster)]
    assert after == before, "configuration files not restored"
    served = served_arm(cluster, "data_validation")
    assert served == {1: "off", 2: "off", 3: "off"}, f"arms after the rollback: {served}"
    print("breach: rolled back, files restored, every instance serves the previous arm")


def check_refuses_unhealthy_instance(cluster):
    """An instance that does not answer before the start: exit 2, no file touched."""
    listed = subprocess.run(["bash", os.path.join(ROOT, "deploy", "local", "cluster.sh"),
                             "instances"], env=cluster.env, check=True, timeout=30,
                            capture_output=True, text=True).stdout.splitlines()
    name, pid, _, config, token = listed[2].split()
    listed[2] = f"{name} {pid} http://127.0.0.1:{free_port()} {config} {token}"
    inventory = os.path.join(cluster.dir, "inventory")
    with open(inventory, "w") as f:
        f.write("\n".join(listed) + "\n")
    before = [read_bytes(path) for path in config_files(cluster)]
    code, out = rollout(cluster, "quality_ranking", "--inventory", inventory, "--soak-s", "0")
    assert code == 2 and "nothing changed" in out, f"exit {code}"
    assert [read_bytes(path) for path in config_files(cluster)] == before
    print("an unreachable instance: nothing changed, exit 2")


def main():
    run_checks("rollout test", [warm_hot_words, check_rollout_to_100, check_breach_rolls_back,
                                check_refuses_unhealthy_instance])


if __name__ == "__main__":
    main()
